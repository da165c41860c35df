#!/usr/bin/env bash
# The README test command: installs missing Debian packages, then builds and runs every test
# natively (preset linux), the unit tests under ASan + UBSan (preset linux-asan), a short run
# of every fuzz target (preset fuzz, tools/dev/fuzz.sh), and every test for Windows under Wine
# (preset mingw).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$WS_ROOT"

ws_ensure_packages
ws_log "lint: .github/workflows (actionlint)"
tools/dev/lint_workflows.sh

ws_build linux
ws_log "tests: linux (native)"
ctest --preset linux -j "$(nproc)"

# Sanitizers: the unit tests, which drive every portable layer (the CLI golden tests stay
# native-only to keep CI time down).
ws_log "configure + build: linux-asan (winsandbox_unit_tests)"
cmake --preset linux-asan -S "$WS_ROOT" >/dev/null
cmake --build --preset linux-asan -j "$(nproc)" --target winsandbox_unit_tests
ws_log "tests: linux-asan (unit tests under ASan + UBSan, leak checks on)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset linux-asan -j "$(nproc)" -R '^unit\.'

# Fuzzing: every target for a bounded time (~2 minutes in total), from the committed seeds.
tools/dev/fuzz.sh --seconds "${WS_FUZZ_SECONDS:-20}"

ws_build mingw
ws_log "tests: mingw (under Wine)"
ws_setup_wine
trap ws_stop_wine EXIT
ctest --preset mingw
