#!/usr/bin/env bash
# Builds and runs the benchmarks, then prints the ratio table (the README "Performance" table came from it):
#   1. native (preset bench, Release, Google Benchmark): build/bench/bench/winsandbox_bench;
#   2. under Wine (mingw Release build in build/bench-mingw, its own Wine prefix):
#      bench_capture_wine.exe, the capture engine vs a plain CreateProcessW capture;
#      bench_elevated_wine.exe, elevated vs unelevated capture of 100 MB of stdout;
#      bench_walk_wine.exe, the deny-read glob walk (cold, warm) vs a plain enumeration, and a
#      command with and without the glob, at 2 000 / 20 000 / 100 000 files;
#   3. bench/ratio_table.py over both JSON files: each case, its baseline from the same run, and
#      the ratio.
#
#   tools/dev/bench.sh                  # everything, 5 repetitions (medians)
#   tools/dev/bench.sh --no-wine        # native only
#   tools/dev/bench.sh --repetitions 3 --filter 'Ipc|Memcpy'
#
# Results: build/bench/results/{native.json,wine.json,table.md}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$WS_ROOT"

# The comment block above, as help text.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

repetitions=5
filter=.
wine=1
rounds=30
while [ $# -gt 0 ]; do
  case $1 in
    --repetitions) repetitions=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --no-wine) wine=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

ws_ensure_packages python3
jobs=${WS_JOBS:-$(nproc)}
results="$WS_ROOT/build/bench/results"

ws_log "configure + build: bench (native Release)"
cmake --preset bench -S "$WS_ROOT" >/dev/null
cmake --build --preset bench -j "$jobs" --target winsandbox_bench
mkdir -p "$results"
rm -f "$results/native.json" "$results/wine.json"

ws_log "benchmarks: native ($repetitions repetitions, medians)"
"$WS_ROOT/build/bench/bench/winsandbox_bench" --benchmark_filter="$filter" \
  --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
  --benchmark_out="$results/native.json" --benchmark_out_format=json

inputs=("$results/native.json")
if [ "$wine" -eq 1 ]; then
  mingw_dir="$WS_ROOT/build/bench-mingw"
  ws_log "configure + build: bench_capture_wine (mingw Release)"
  cmake --preset mingw -S "$WS_ROOT" -B "$mingw_dir" -DCMAKE_BUILD_TYPE=Release \
    -DWINSANDBOX_BUILD_BENCH=ON -DWINSANDBOX_BUILD_TESTS=OFF -DWINSANDBOX_BUILD_CLI=OFF >/dev/null
  cmake --build "$mingw_dir" -j "$jobs" --target bench_capture_wine bench_elevated_wine bench_walk_wine
  # A private prefix: stopping its wineserver afterwards cannot disturb other Wine runs.
  WS_BUILD_ROOT="$mingw_dir" ws_setup_wine
  trap ws_stop_wine EXIT
  ws_log "benchmarks: capture under Wine ($rounds interleaved rounds)"
  /usr/lib/wine/wine64 "$mingw_dir/bench/bench_capture_wine.exe" --rounds="$rounds" \
    --benchmark_out="$results/wine.json"
  inputs+=("$results/wine.json")
  ws_log "benchmarks: elevated vs unelevated capture of 100 MB under Wine"
  /usr/lib/wine/wine64 "$mingw_dir/bench/bench_elevated_wine.exe" \
    --benchmark_out="$results/wine-elevated.json"
  inputs+=("$results/wine-elevated.json")
  ws_log "benchmarks: deny-read glob walk under Wine (trees kept under the prefix's %TEMP%)"
  /usr/lib/wine/wine64 "$mingw_dir/bench/bench_walk_wine.exe" --benchmark_out="$results/wine-walk.json"
  inputs+=("$results/wine-walk.json")
fi

ws_log "ratio table (case vs its baseline in the same run)"
python3 "$WS_ROOT/bench/ratio_table.py" "${inputs[@]}" | tee "$results/table.md"
