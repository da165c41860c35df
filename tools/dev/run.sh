#!/usr/bin/env bash
# The README main-job command: builds the Windows CLI (mingw) and runs a real sandboxed capture
# under Wine: the workspace-write example profile bound to a fresh workspace, `cmd /c echo`
# inside it, its output shown as text and as the CaptureResult JSON. Wine runs every step of
# the sandbox (profile resolution, capability SIDs, ACL plan applied through the effector,
# restricted token, job object, pipes) but enforces neither the token nor the ACLs; the
# windows-smoke tests prove enforcement on Windows. Exits non-zero if any step fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$WS_ROOT"

ws_ensure_packages
ws_build mingw >/dev/null
ws_setup_wine
trap ws_stop_wine EXIT

cli=(/usr/lib/wine/wine64 "$WS_ROOT/build/mingw/tools/cli/winsandbox.exe")

# A fresh workspace and sandbox home inside the Wine prefix (drive C:).
demo="$WINEPREFIX/drive_c/winsandbox-demo"
rm -rf "$demo"
mkdir -p "$demo/workspace/.git" "$demo/home"
workspace='C:\winsandbox-demo\workspace'
home='C:\winsandbox-demo\home'

ws_log "winsandbox profile check examples/workspace-write.json"
"${cli[@]}" profile check examples/workspace-write.json

capture=("${cli[@]}" capture --profile examples/workspace-write.json --profile-cwd "$workspace"
         --sandbox-home "$home" --timeout 30000)
ws_log "winsandbox capture --profile examples/workspace-write.json --profile-cwd $workspace -- cmd /c echo hello from the sandbox"
out=$("${capture[@]}" -- cmd /c echo hello from the sandbox)
printf '%s\n' "$out"
[[ "$out" == *"hello from the sandbox"* ]] || { echo "capture output missing" >&2; exit 1; }

ws_log "the same capture, --json (exit code, stdout, stderr, timed_out, truncation)"
"${cli[@]}" --json capture --profile examples/workspace-write.json --profile-cwd "$workspace" \
  --sandbox-home "$home" --env GREETING=hi -- cmd /c "echo %GREETING% & exit 3" || rc=$?
[ "${rc:-0}" -eq 3 ] || { echo "expected the child's exit code 3, got ${rc:-0}" >&2; exit 1; }

ws_log "ACL state applied for the workspace ($home\\.sandbox\\acl_state.json)"
cat "$demo/home/.sandbox/acl_state.json"
echo
