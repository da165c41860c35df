// Scaling of the work done before every command: resolve() + plan_acl() for profiles of
// 10 -> 10 000 entries and for snapshot trees of 1 000 -> 100 000 nodes, and loading a snapshot.
// bench/ratio_table.py turns the times into growth ratios (near-linear is the requirement).
#include <benchmark/benchmark.h>

#include "bench_fixtures.hpp"

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

}  // namespace
}  // namespace winsandbox::bench
