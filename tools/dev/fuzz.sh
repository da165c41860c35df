#!/usr/bin/env bash
# Builds the libFuzzer targets (preset fuzz: clang-14, ASan + UBSan) and runs each one for a
# bounded time, starting from its committed seeds (tests/fuzz/corpus/<target>/).
#
#   tools/dev/fuzz.sh                      # every target, 10 s each (the short default)
#   tools/dev/fuzz.sh -t 600 fuzz_win_path # one target, 10 minutes
#   tools/dev/fuzz.sh -t 3600 --merge      # long run; fold new coverage into the seed corpora
#
# Inputs libFuzzer finds go to build/fuzz/corpus/<target>/ (not committed); --merge copies those
# that add edge coverage into tests/fuzz/corpus/<target>/ (named by SHA-1; commit them). A crash,
# leak, timeout or property violation stops that target, leaves the input in
# build/fuzz/artifacts/<target>/ and makes the script exit 1 after the remaining targets ran. To
# turn a finding into a regression test, copy the input into tests/fuzz/regressions/<target>/ (the
# unit tests replay that directory) and, for a readable test, add a named case to
# tests/fuzz/fuzz_regressions_test.cpp.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$WS_ROOT"

# The comment block above, as help text.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

seconds=10
merge=0
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    -t | --seconds) seconds=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all_targets=(fuzz_command_line fuzz_glob_cache fuzz_ipc_frame fuzz_policy_string
             fuzz_profile_json fuzz_runner_frames fuzz_setup_json fuzz_snapshot_resolve
             fuzz_win_path)
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

build_dir="$WS_ROOT/build/fuzz"
ws_log "configure + build: fuzz (${targets[*]})"
cmake --preset fuzz -S "$WS_ROOT" >/dev/null
cmake --build --preset fuzz -j "${WS_JOBS:-$(nproc)}" --target "${targets[@]}"

# Dictionary per target (tests/fuzz/dict); the IPC and glob cache targets get JSON and their own
# tokens.
dictionary_for() {
  local dict="$WS_ROOT/tests/fuzz/dict"
  case $1 in
    fuzz_profile_json | fuzz_policy_string | fuzz_snapshot_resolve | fuzz_setup_json)
      echo "$dict/json.dict" ;;
    fuzz_ipc_frame | fuzz_runner_frames)
      cat "$dict/json.dict" "$dict/ipc.dict" >"$build_dir/ipc_combined.dict"
      echo "$build_dir/ipc_combined.dict" ;;
    fuzz_glob_cache)
      cat "$dict/json.dict" "$dict/glob_cache.dict" >"$build_dir/glob_cache_combined.dict"
      echo "$build_dir/glob_cache_combined.dict" ;;
    fuzz_win_path) echo "$dict/path.dict" ;;
    fuzz_command_line) echo "$dict/command_line.dict" ;;
  esac
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

# libFuzzer's final stats (stat::number_of_executed_units, ...) from a target's log.
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }

failed=()
ws_log "fuzzing ${#targets[@]} target(s), ${seconds} s each"
printf '%-24s %9s %9s %7s %7s  %s\n' target runs exec/s cov corpus result
for target in "${targets[@]}"; do
  seeds="$WS_ROOT/tests/fuzz/corpus/$target"
  work="$build_dir/corpus/$target"
  artifacts="$build_dir/artifacts/$target/"
  log="$build_dir/logs/$target.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  status=0
  "$build_dir/tests/fuzz/$target" "$work" "$seeds" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -dict="$(dictionary_for "$target")" -artifact_prefix="$artifacts" \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  if [ "$status" -eq 0 ]; then result=ok; else result="FINDING (exit $status)"; fi
  printf '%-24s %9s %9s %7s %7s  %s\n' "$target" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "${cov:-?}" "$(find "$work" -type f | wc -l)" "$result"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "---- $log (last 40 lines)"
    tail -n 40 "$log"
    echo "---- inputs: $(ls "$artifacts" 2>/dev/null | tr '\n' ' ')"
  elif [ "$merge" -eq 1 ]; then
    # Edge coverage only (-use_counters=0): a few hundred files per target instead of thousands.
    "$build_dir/tests/fuzz/$target" -merge=1 -use_counters=0 -max_len=8192 "$seeds" "$work" \
      >>"$log" 2>&1
    echo "   merged: $(find "$seeds" -type f | wc -l) files in $seeds"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz findings in: ${failed[*]} (logs in $build_dir/logs, inputs in $build_dir/artifacts)"
  exit 1
fi
echo "fuzz: no findings"
