#!/usr/bin/env bash
# The README main-job command: builds the Windows CLI (mingw) and runs it under Wine.
# Today it validates and normalizes an example permission profile and converts a legacy
# policy; once capture lands it runs a real sandboxed command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$WS_ROOT"

ws_ensure_packages
ws_build mingw >/dev/null
ws_setup_wine
trap ws_stop_wine EXIT

cli=(/usr/lib/wine/wine64 "$WS_ROOT/build/mingw/tools/cli/winsandbox.exe")
ws_log "winsandbox profile check examples/workspace-write.json"
"${cli[@]}" profile check examples/workspace-write.json
ws_log "winsandbox profile from-policy workspace-write --cwd C:\\repo"
"${cli[@]}" profile from-policy workspace-write --cwd 'C:\repo'
