// Scaling of the work done before every command: resolve() + plan_acl() for profiles of
// 10 -> 10 000 entries and for snapshot trees of 1 000 -> 100 000 nodes, and loading a snapshot.
// bench/ratio_table.py turns the times into growth ratios (near-linear is the requirement). Also
// the deny-read glob walk over snapshot trees, cold and warm (below).
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "bench_fixtures.hpp"
#include "resolve/glob.hpp"
#include "winsandbox/glob_cache.hpp"

namespace winsandbox::bench {
namespace {

void BM_ResolvePlan_ProfileEntries(benchmark::State& state) {
  const Scenario& scenario = profile_scenario(static_cast<std::size_t>(state.range(0)));
  std::size_t aces = 0;
  for (auto _ : state) {
    const AclPlan plan = resolve_and_plan(scenario);
    aces = plan.entries.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["entries"] = static_cast<double>(state.range(0));
  state.counters["planned_aces"] = static_cast<double>(aces);
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_ResolvePlan_ProfileEntries)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond);

void BM_ResolvePlan_SnapshotNodes(benchmark::State& state) {
  const Scenario& scenario = tree_scenario(static_cast<std::size_t>(state.range(0)));
  std::size_t aces = 0;
  for (auto _ : state) {
    const AclPlan plan = resolve_and_plan(scenario);
    aces = plan.entries.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["nodes"] = static_cast<double>(scenario.snapshot_nodes);
  state.counters["planned_aces"] = static_cast<double>(aces);
}
BENCHMARK(BM_ResolvePlan_SnapshotNodes)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMicrosecond);

void BM_SnapshotLoad_Nodes(benchmark::State& state) {
  const std::string& json = tree_snapshot_json(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto fs = SnapshotFileSystem::from_json(json);
    benchmark::DoNotOptimize(fs);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_SnapshotLoad_Nodes)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// ---- The deny-read glob walk (docs/resolution.md#glob-expansion-cache) ----------------------
// Trees of 2 000, 20 000 and 100 000 files in 400 directories, and 100 000 in 2 000: cold walk
// vs a plain enumeration (one read_directory per directory), warm walk (unchanged tree, cache
// present), and resolve + plan with the glob through the warm cache vs without the glob.

// A cache directory of this process, removed at exit.
const GlobExpansionCache& bench_cache() {
  struct Owned {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("winsandbox-bench-glob-cache-" + std::to_string(::getpid()));
    GlobExpansionCache cache{dir};
    ~Owned() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  };
  static const Owned owned;
  return owned.cache;
}

const Scenario& walk_args(const benchmark::State& state, bool with_glob) {
  return walk_scenario(static_cast<std::size_t>(state.range(0)),
                       static_cast<std::size_t>(state.range(1)), with_glob);
}

const GlobMatcher& repo_glob() {
  static const GlobMatcher glob = GlobMatcher::compile("C:\\repo\\**\\*.env");
  return glob;
}

std::size_t enumerate(const FileSystemView& fs, const WinPath& dir) {
  std::size_t count = 0;
  if (const auto listing = fs.read_directory(dir)) {
    for (const auto& entry : listing->entries) {
      ++count;
      if (entry.kind == NodeKind::directory) count += enumerate(fs, dir.child(entry.name));
    }
  }
  return count;
}

void walk_counters(benchmark::State& state) {
  state.counters["files"] = static_cast<double>(state.range(0));
  state.counters["dirs"] = static_cast<double>(state.range(1));
}

void BM_GlobWalk_Plain(benchmark::State& state) {
  const Scenario& scenario = walk_args(state, true);
  for (auto _ : state) benchmark::DoNotOptimize(enumerate(scenario.fs, WinPath::parse("C:\\repo")));
  walk_counters(state);
}

void BM_GlobWalk_Cold(benchmark::State& state) {
  const Scenario& scenario = walk_args(state, true);
  for (auto _ : state) {
    std::filesystem::remove_all(bench_cache().directory());
    benchmark::DoNotOptimize(expand_glob(repo_glob(), std::nullopt, scenario.fs, &bench_cache()));
  }
  walk_counters(state);
}

void BM_GlobWalk_Warm(benchmark::State& state) {
  const Scenario& scenario = walk_args(state, true);
  expand_glob(repo_glob(), std::nullopt, scenario.fs, &bench_cache());
  for (auto _ : state) {
    benchmark::DoNotOptimize(expand_glob(repo_glob(), std::nullopt, scenario.fs, &bench_cache()));
  }
  walk_counters(state);
}

void BM_ResolvePlan_GlobWarm(benchmark::State& state) {
  const Scenario& scenario = walk_args(state, true);
  const auto run = [&] {
    return plan_acl(resolve(scenario.profile, scenario.binding, scenario.cwd, scenario.env,
                            scenario.fs, {.glob_cache = &bench_cache()}),
                    scenario.sids, scenario.options);
  };
  run();
  for (auto _ : state) benchmark::DoNotOptimize(run());
  walk_counters(state);
}

void BM_ResolvePlan_NoGlob(benchmark::State& state) {
  const Scenario& scenario = walk_args(state, false);
  for (auto _ : state) benchmark::DoNotOptimize(resolve_and_plan(scenario));
  walk_counters(state);
}

#define WALK_SIZES(bench)           \
  BENCHMARK(bench)                  \
      ->Args({2000, 400})           \
      ->Args({20000, 400})          \
      ->Args({100000, 400})         \
      ->Args({100000, 2000})        \
      ->ArgNames({"files", "dirs"}) \
      ->Unit(benchmark::kMicrosecond)
WALK_SIZES(BM_GlobWalk_Plain);
WALK_SIZES(BM_GlobWalk_Cold);
WALK_SIZES(BM_GlobWalk_Warm);
WALK_SIZES(BM_ResolvePlan_GlobWarm);
WALK_SIZES(BM_ResolvePlan_NoGlob);

}  // namespace
}  // namespace winsandbox::bench
