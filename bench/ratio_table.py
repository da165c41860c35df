#!/usr/bin/env python3
"""Prints the benchmark ratio table (Markdown) from Google Benchmark JSON files.

    bench/ratio_table.py native.json [wine.json ...]

Each row compares a measured case with its baseline from the same run (the same JSON file),
using the median over repetitions when the run has aggregates, else the single result. Native
rows compare CPU time (single-threaded code; robust against other load on the machine); the Wine
capture row compares wall time (the work happens in child processes and the kernel).
Scaling rows also give the growth exponent k (time grows as size^k; 1 is linear, 2 quadratic)
and call the growth near-linear when k <= 1.2 (n log n gives k of about 1.1-1.2 for steps from
100 up).
"""
import json
import math
import sys

NEAR_LINEAR_MAX_EXPONENT = 1.2

# (section, case, baseline, size ratio for scaling rows or None); the Wine rows use wall time.
ROWS = [
    ("resolve + plan: profile entries", "BM_ResolvePlan_ProfileEntries/100",
     "BM_ResolvePlan_ProfileEntries/10", 10),
    ("resolve + plan: profile entries", "BM_ResolvePlan_ProfileEntries/1000",
     "BM_ResolvePlan_ProfileEntries/100", 10),
    ("resolve + plan: profile entries", "BM_ResolvePlan_ProfileEntries/10000",
     "BM_ResolvePlan_ProfileEntries/1000", 10),
    ("resolve + plan: profile entries", "BM_ResolvePlan_ProfileEntries/10000",
     "BM_ResolvePlan_ProfileEntries/10", 1000),
    ("resolve + plan: snapshot nodes", "BM_ResolvePlan_SnapshotNodes/10000",
     "BM_ResolvePlan_SnapshotNodes/1000", 10),
    ("resolve + plan: snapshot nodes", "BM_ResolvePlan_SnapshotNodes/100000",
     "BM_ResolvePlan_SnapshotNodes/10000", 10),
    ("resolve + plan: snapshot nodes", "BM_ResolvePlan_SnapshotNodes/100000",
     "BM_ResolvePlan_SnapshotNodes/1000", 100),
    ("snapshot load: nodes", "BM_SnapshotLoad_Nodes/100000", "BM_SnapshotLoad_Nodes/1000", 100),
    ("ACL diff: unchanged refresh vs full apply", "BM_AclDiff_UnchangedRefresh/1000",
     "BM_AclDiff_FullApply/1000", None),
    ("IPC vs memcpy: spawn_request frame", "BM_IpcEncode/0", "BM_MemcpyFrame/0", None),
    ("IPC vs memcpy: spawn_request frame", "BM_IpcDecode/0", "BM_MemcpyFrame/0", None),
    ("IPC vs memcpy: 4 KiB output frame", "BM_IpcEncode/4096", "BM_MemcpyFrame/4096", None),
    ("IPC vs memcpy: 4 KiB output frame", "BM_IpcDecode/4096", "BM_MemcpyFrame/4096", None),
    ("IPC vs memcpy: 1 MiB output frame", "BM_IpcEncode/1048576", "BM_MemcpyFrame/1048576", None),
    ("IPC vs memcpy: 1 MiB output frame", "BM_IpcDecode/1048576", "BM_MemcpyFrame/1048576", None),
    ("capture under Wine: trivial command, same console mode", "BM_WineCapture_RunCapture",
     "BM_WineCapture_PlainCreateProcessW", None),
    ("capture under Wine: trivial command, baseline without console",
     "BM_WineCapture_RunCapture", "BM_WineCapture_PlainCreateProcessW_NoConsole", None),
    ("capture under Wine: 100 MB of stdout, elevated (runner + IPC frames) vs unelevated",
     "BM_WineCapture100MB_Elevated", "BM_WineCapture100MB_Unelevated", None),
    ("glob walk under Wine, files:2000/dirs:400: cold walk vs plain enumeration", "BM_WineWalk_Cold/files:2000/dirs:400",
     "BM_WineWalk_Plain/files:2000/dirs:400", None),
    ("glob walk under Wine, files:2000/dirs:400: warm walk vs plain enumeration", "BM_WineWalk_Warm/files:2000/dirs:400",
     "BM_WineWalk_Plain/files:2000/dirs:400", None),
    ("command under Wine, files:2000/dirs:400: with the glob (warm) vs without", "BM_WineCommand_Glob/files:2000/dirs:400",
     "BM_WineCommand_NoGlob/files:2000/dirs:400", None),
    ("glob walk under Wine, files:20000/dirs:400: cold walk vs plain enumeration", "BM_WineWalk_Cold/files:20000/dirs:400",
     "BM_WineWalk_Plain/files:20000/dirs:400", None),
    ("glob walk under Wine, files:20000/dirs:400: warm walk vs plain enumeration", "BM_WineWalk_Warm/files:20000/dirs:400",
     "BM_WineWalk_Plain/files:20000/dirs:400", None),
    ("command under Wine, files:20000/dirs:400: with the glob (warm) vs without", "BM_WineCommand_Glob/files:20000/dirs:400",
     "BM_WineCommand_NoGlob/files:20000/dirs:400", None),
    ("glob walk under Wine, files:100000/dirs:400: cold walk vs plain enumeration", "BM_WineWalk_Cold/files:100000/dirs:400",
     "BM_WineWalk_Plain/files:100000/dirs:400", None),
    ("glob walk under Wine, files:100000/dirs:400: warm walk vs plain enumeration", "BM_WineWalk_Warm/files:100000/dirs:400",
     "BM_WineWalk_Plain/files:100000/dirs:400", None),
    ("command under Wine, files:100000/dirs:400: with the glob (warm) vs without", "BM_WineCommand_Glob/files:100000/dirs:400",
     "BM_WineCommand_NoGlob/files:100000/dirs:400", None),
    ("glob walk under Wine, files:100000/dirs:2000: cold walk vs plain enumeration", "BM_WineWalk_Cold/files:100000/dirs:2000",
     "BM_WineWalk_Plain/files:100000/dirs:2000", None),
    ("glob walk under Wine, files:100000/dirs:2000: warm walk vs plain enumeration", "BM_WineWalk_Warm/files:100000/dirs:2000",
     "BM_WineWalk_Plain/files:100000/dirs:2000", None),
    ("command under Wine, files:100000/dirs:2000: with the glob (warm) vs without", "BM_WineCommand_Glob/files:100000/dirs:2000",
     "BM_WineCommand_NoGlob/files:100000/dirs:2000", None),
    ("glob walk under Wine, files:2000/dirs:400: cold walk vs `cmd /c dir /s /b`", "BM_WineWalk_Cold/files:2000/dirs:400",
     "BM_WineWalk_DirSB/files:2000/dirs:400", None),
    ("elevated capture under Wine, files:2000/dirs:400: with the glob (warm) vs without", "BM_WineElevated_Glob/files:2000/dirs:400",
     "BM_WineElevated_NoGlob/files:2000/dirs:400", None),
    ("glob walk under Wine, files:20000/dirs:400: cold walk vs `cmd /c dir /s /b`", "BM_WineWalk_Cold/files:20000/dirs:400",
     "BM_WineWalk_DirSB/files:20000/dirs:400", None),
    ("elevated capture under Wine, files:20000/dirs:400: with the glob (warm) vs without", "BM_WineElevated_Glob/files:20000/dirs:400",
     "BM_WineElevated_NoGlob/files:20000/dirs:400", None),
    ("glob walk under Wine, files:100000/dirs:400: cold walk vs `cmd /c dir /s /b`", "BM_WineWalk_Cold/files:100000/dirs:400",
     "BM_WineWalk_DirSB/files:100000/dirs:400", None),
    ("elevated capture under Wine, files:100000/dirs:400: with the glob (warm) vs without", "BM_WineElevated_Glob/files:100000/dirs:400",
     "BM_WineElevated_NoGlob/files:100000/dirs:400", None),
    ("glob walk under Wine, files:100000/dirs:2000: cold walk vs `cmd /c dir /s /b`", "BM_WineWalk_Cold/files:100000/dirs:2000",
     "BM_WineWalk_DirSB/files:100000/dirs:2000", None),
    ("elevated capture under Wine, files:100000/dirs:2000: with the glob (warm) vs without", "BM_WineElevated_Glob/files:100000/dirs:2000",
     "BM_WineElevated_NoGlob/files:100000/dirs:2000", None),
    ("warm walk under Wine: files x50, directories fixed", "BM_WineWalk_Warm/files:100000/dirs:400",
     "BM_WineWalk_Warm/files:2000/dirs:400", 50),
    ("warm walk under Wine: directories x5, files fixed", "BM_WineWalk_Warm/files:100000/dirs:2000",
     "BM_WineWalk_Warm/files:100000/dirs:400", 5),
    ("glob walk, snapshot, files:2000/dirs:400: cold vs plain enumeration", "BM_GlobWalk_Cold/files:2000/dirs:400",
     "BM_GlobWalk_Plain/files:2000/dirs:400", None),
    ("resolve + plan, snapshot, files:2000/dirs:400: glob (warm) vs without", "BM_ResolvePlan_GlobWarm/files:2000/dirs:400",
     "BM_ResolvePlan_NoGlob/files:2000/dirs:400", None),
    ("glob walk, snapshot, files:20000/dirs:400: cold vs plain enumeration", "BM_GlobWalk_Cold/files:20000/dirs:400",
     "BM_GlobWalk_Plain/files:20000/dirs:400", None),
    ("resolve + plan, snapshot, files:20000/dirs:400: glob (warm) vs without", "BM_ResolvePlan_GlobWarm/files:20000/dirs:400",
     "BM_ResolvePlan_NoGlob/files:20000/dirs:400", None),
    ("glob walk, snapshot, files:100000/dirs:400: cold vs plain enumeration", "BM_GlobWalk_Cold/files:100000/dirs:400",
     "BM_GlobWalk_Plain/files:100000/dirs:400", None),
    ("resolve + plan, snapshot, files:100000/dirs:400: glob (warm) vs without", "BM_ResolvePlan_GlobWarm/files:100000/dirs:400",
     "BM_ResolvePlan_NoGlob/files:100000/dirs:400", None),
    ("glob walk, snapshot, files:100000/dirs:2000: cold vs plain enumeration", "BM_GlobWalk_Cold/files:100000/dirs:2000",
     "BM_GlobWalk_Plain/files:100000/dirs:2000", None),
    ("resolve + plan, snapshot, files:100000/dirs:2000: glob (warm) vs without", "BM_ResolvePlan_GlobWarm/files:100000/dirs:2000",
     "BM_ResolvePlan_NoGlob/files:100000/dirs:2000", None),
    ("warm walk, snapshot: files x50, directories fixed", "BM_GlobWalk_Warm/files:100000/dirs:400",
     "BM_GlobWalk_Warm/files:2000/dirs:400", 50),
    ("warm walk, snapshot: directories x5, files fixed", "BM_GlobWalk_Warm/files:100000/dirs:2000",
     "BM_GlobWalk_Warm/files:100000/dirs:400", 5),
]

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
RUNS = []


def describe_run(path, doc):
    """One line of provenance for a results file."""
    ctx = doc.get("context", {})
    parts = [ctx.get("date", "")]
    if "num_cpus" in ctx:
        parts.append(f"{ctx['num_cpus']} CPUs @ {ctx.get('mhz_per_cpu', '?')} MHz")
    if ctx.get("load_avg"):
        parts.append("load average " + " ".join(f"{x:.1f}" for x in ctx["load_avg"]))
    if "harness" in ctx:
        parts.append(ctx["harness"])
    return f"{path.rsplit('/', 1)[-1]}: " + ", ".join(p for p in parts if p)


def load(paths):
    """name -> (time in ns, counters, file, is median) for every benchmark; medians win."""
    results = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        RUNS.append(describe_run(path, doc))
        for b in doc.get("benchmarks", []):
            if b.get("error_occurred"):
                continue
            name = b.get("run_name") or b["name"]
            aggregate = b.get("aggregate_name")
            if b.get("run_type") == "aggregate" and aggregate != "median":
                continue
            if name in results and results[name][3] and not aggregate:
                continue  # keep the median over a single repetition
            metric = "real_time" if name.startswith("BM_Wine") else "cpu_time"
            time_ns = b[metric] * UNIT_NS[b.get("time_unit", "ns")]
            counters = {k: v for k, v in b.items() if isinstance(v, (int, float))}
            results[name] = (time_ns, counters, path, aggregate == "median")
    return results


def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def ratio_text(ratio):
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.3g}×"


def note(case_name, case, base, size_ratio, ratio):
    c, b = case[1], base[1]
    wine = ""
    if case_name.startswith("BM_Wine"):
        wine = f"wall time, median of {int(c.get('iterations', 0))} interleaved rounds"
        if not size_ratio:
            return wine
    if size_ratio:
        k = math.log(ratio) / math.log(size_ratio) if ratio > 0 else 0.0
        verdict = "near-linear" if k <= NEAR_LINEAR_MAX_EXPONENT else "**superlinear**"
        return f"size ×{size_ratio}: k = {k:.2f}, {verdict}" + (f"; {wine}" if wine else "")
    if "ace_writes" in c:
        return (f"ACE writes {int(c['ace_writes'])} vs {int(b['ace_writes'])} "
                f"(plan of {int(c.get('planned_aces', 0))} ACEs)")
    if "bytes_per_second" in c and "frame_bytes" in c:
        return (f"{int(c['frame_bytes'])} B frame; {c['bytes_per_second'] / 1e6:.0f} MB/s vs "
                f"{b['bytes_per_second'] / 1e6:.0f} MB/s")
    return ""


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    results = load(argv[1:])
    for run in RUNS:
        print(f"* {run}")
    print()
    print("| measurement | case | baseline (same run) | case | baseline | ratio | notes |")
    print("|---|---|---|---:|---:|---:|---|")
    missing = 0
    for section, case_name, base_name, size_ratio in ROWS:
        case, base = results.get(case_name), results.get(base_name)
        if not case or not base:
            missing += 1
            print(f"| {section} | `{case_name}` | `{base_name}` | – | – | – | not run |")
            continue
        if case[2] != base[2]:
            raise SystemExit(f"{case_name} and {base_name} come from different runs")
        ratio = case[0] / base[0]
        print(f"| {section} | `{case_name}` | `{base_name}` | {human(case[0])} | "
              f"{human(base[0])} | {ratio_text(ratio)} | {note(case_name, case, base, size_ratio, ratio)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
