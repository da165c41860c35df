#!/usr/bin/env bash
# The README test command: installs missing Debian packages, then builds and runs every test
# natively (preset linux) and for Windows under Wine (preset mingw).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$WS_ROOT"

ws_ensure_packages

ws_build linux
ws_log "tests: linux (native)"
ctest --preset linux -j "$(nproc)"

ws_build mingw
ws_log "tests: mingw (under Wine)"
ws_setup_wine
trap ws_stop_wine EXIT
ctest --preset mingw
