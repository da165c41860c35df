// The ACL diff before every command: diff the plan against the applied state, then record what
// the effector completed. A refresh that changes nothing must write no ACE
// (docs/acl-and-sids.md#acl-diff; the top performance complaint about the reference crate). Case:
// an unchanged refresh; baseline: the first, full apply of the same plan. The `ace_writes` counter
// is the number of DACL operations the effector performs afterwards — the part that costs seconds
// to minutes on a real tree and that this portable benchmark cannot time (Wine does not persist
// file DACLs). The plan itself (resolve + plan_acl) is timed in bench_resolve.cpp.
#include <benchmark/benchmark.h>

#include "bench_fixtures.hpp"

namespace winsandbox::bench {
namespace {

// Diffs `plan` against `applied` and records the operations (all of them succeed).
AclState refresh(const AclPlan& plan, const AclState& applied, std::size_t& ace_writes) {
  const AclDiff diff = diff_acl(plan, applied);
  const auto operations = diff.operations();
  ace_writes = operations.size();
  if (operations.empty()) return applied;
  return record_operations(applied, plan, operations);
}

void run(benchmark::State& state, bool already_applied) {
  const AclPlan plan = resolve_and_plan(profile_scenario(static_cast<std::size_t>(state.range(0))));
  std::size_t ace_writes = 0;
  AclState applied;
  if (already_applied) applied = refresh(plan, AclState{}, ace_writes);
  for (auto _ : state) {
    AclState next = refresh(plan, applied, ace_writes);
    benchmark::DoNotOptimize(next);
  }
  state.counters["planned_aces"] = static_cast<double>(plan.entries.size());
  state.counters["ace_writes"] = static_cast<double>(ace_writes);
}

void BM_AclDiff_FullApply(benchmark::State& state) {
  run(state, false);
}
void BM_AclDiff_UnchangedRefresh(benchmark::State& state) {
  run(state, true);
}
BENCHMARK(BM_AclDiff_FullApply)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AclDiff_UnchangedRefresh)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace winsandbox::bench
