# Shared by the tools/dev scripts: package installation and the private Wine prefix.
# shellcheck shell=bash

WS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian packages the build and the tests need.
WS_PACKAGES=(
  cmake ninja-build g++ git ca-certificates
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  nlohmann-json3-dev libfmt-dev libspdlog-dev libcli11-dev
  g++-mingw-w64-x86-64-posix wine64 wine
  clang-14 libclang-rt-14-dev python3
)

ws_log() { printf '\n== %s\n' "$*"; }

# Installs whatever of WS_PACKAGES (plus any extra names given) is missing. Needs root, as on
# CI; without root it prints the apt-get line to run instead.
ws_ensure_packages() {
  local missing=()
  local pkg
  for pkg in "${WS_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  ws_log "installing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "run as root: apt-get install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# A private Wine prefix inside the build tree, created on first use (~10 s).
ws_setup_wine() {
  export WINEPREFIX="${WS_BUILD_ROOT:-$WS_ROOT/build}/wineprefix"
  export WINEDEBUG=-all
  export WINEDLLOVERRIDES="mscoree,mshtml="  # skip the Mono/Gecko install prompts
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    ws_log "creating Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    /usr/lib/wine/wine64 wineboot --init >/dev/null 2>&1 || true
    /usr/lib/wine/wineserver -w 2>/dev/null || true
  fi
  # Keep one wineserver alive, detached from our stdio: a wineserver started on demand by a
  # test inherits the test's output pipes, and CTest then waits for it to exit.
  /usr/lib/wine/wineserver -p </dev/null >/dev/null 2>&1 || true
  # The first Wine process also starts the prefix's services (services.exe, winedevice.exe,
  # plugplay.exe, ...), which live as long as the wineserver and inherit that process's stdio.
  # Start them here, detached, so no test's output pipe is held open by them.
  /usr/lib/wine/wine64 wineboot </dev/null >/dev/null 2>&1 || true
}

ws_stop_wine() { /usr/lib/wine/wineserver -k >/dev/null 2>&1 || true; }

# Configures and builds one CMake preset.
ws_build() {
  local preset=$1
  ws_log "configure + build: $preset"
  cmake --preset "$preset" -S "$WS_ROOT" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}
