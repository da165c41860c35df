// windows-smoke tier: every probe of the self-test's catalogue (src/api/selftest_probes.cpp), for
// each backend, as a test of its own that must pass on Windows; under Wine each skips with the
// reason (smoke_support.hpp). The elevated probes share one sandbox home, set up by the first of
// them (the CI runner is an administrator) and uninstalled by SmokeTierCleanup, which CTest runs
// after them (a FIXTURES_CLEANUP test).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <windows.h>

#include "plan/setup_plan.hpp"
#include "smoke_support.hpp"
#include "win/setup/setup_system.hpp"
#include "win/unicode.hpp"
#include "winsandbox/selftest.hpp"
#include "winsandbox/setup.hpp"
#include "winsandbox/setup_request.hpp"
#include "winsandbox/spawn_context.hpp"

namespace winsandbox {
namespace {

// The elevated probes' sandbox home, the same in every test process of a run.
std::filesystem::path elevated_home() {
  return std::filesystem::temp_directory_path() / "winsandbox-smoke-elevated-home";
}

struct ProbeCase {
  SelftestBackend backend;
  int index;
  SelftestProbeInfo probe;
};

// What GoogleTest prints for a case (its parameter): the probe's name.
void PrintTo(const ProbeCase& probe, std::ostream* out) {
  *out << selftest_backend_name(probe.backend) << ": " << probe.probe.name;
}

std::vector<ProbeCase> all_probe_cases() {
  std::vector<ProbeCase> cases;
  for (const SelftestBackend backend : {SelftestBackend::unelevated, SelftestBackend::elevated}) {
    int index = 0;
    for (SelftestProbeInfo& probe : selftest_probes(backend)) {
      cases.push_back({backend, ++index, std::move(probe)});
    }
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<ProbeCase>& info) {
  std::string name = std::string(selftest_backend_name(info.param.backend)) + "_" +
                     (info.param.index < 10 ? "0" : "") + std::to_string(info.param.index) + "_";
  for (const char c : info.param.probe.name) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word) {
      name += c;
    } else if (name.back() != '_') {
      name += '_';
    }
  }
  while (name.back() == '_') name.pop_back();
  return name;
}

class SmokeProbe : public testing::TestWithParam<ProbeCase> {};

TEST_P(SmokeProbe, PassesOnThisMachine) {
  if (const std::string reason = win::test::smoke_skip_reason_here(); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  const ProbeCase& probe = GetParam();
  SelftestOptions options;
  options.backends = {probe.backend};
  options.only = {probe.probe.name};
  if (probe.backend == SelftestBackend::elevated) options.sandbox_home = elevated_home();
  options.allow_setup_prompt = false;  // an elevated test process needs none; else setup_required
  const SelftestReport report = run_selftest(options);
  ASSERT_EQ(report.rows.size(), 1u);
  const SelftestRow& row = report.rows.front();
  EXPECT_EQ(row.verdict, ProbeVerdict::passed)
      << row.probe << "\n  expected: " << row.expected << "\n  observed: " << row.observed;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, SmokeProbe, testing::ValuesIn(all_probe_cases()), case_name);

// The gate itself: Wine skips, Windows never does, whatever else is true of the machine.
TEST(SmokeTier, SkipLogicNeverSkipsOnRealWindows) {
  EXPECT_EQ(win::test::smoke_skip_reason(/*under_wine=*/false), "");
  EXPECT_NE(win::test::smoke_skip_reason(/*under_wine=*/true), "");
  if (!win::running_under_wine()) {
    EXPECT_EQ(win::test::smoke_skip_reason_here(), "") << "a windows-smoke test would skip here";
  }
}

// The catalogue reaches the reference smoke suite's breadth for each backend.
TEST(SmokeTier, EachBackendHasTheReferenceBreadth) {
  EXPECT_GE(selftest_probes(SelftestBackend::unelevated).size(), 46u);
  EXPECT_GE(selftest_probes(SelftestBackend::elevated).size(), 46u);
}

// Runs after every elevated probe (CTest FIXTURES_CLEANUP, windows-smoke.cleanup; disabled for
// every other run): uninstalls their setup and checks that
// nothing is left: no account, group, firewall rule or recorded ACE.
TEST(SmokeTierCleanup, DISABLED_ElevatedSetupIsUninstalledAndNothingIsLeft) {
  if (const std::string reason = win::test::smoke_skip_reason_here(); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  const WinPath home = WinPath::parse(win::to_utf8(elevated_home().wstring()));
  const SetupRequest request = provision_only_setup_request(home, "");
  run_setup(request, {.mode = SetupRunMode::uninstall, .allow_prompt = false});
  EXPECT_EQ(setup_status(request).state, SetupState::missing);
  win::SetupSystem system = win::make_windows_setup_system();
  for (const char* account : {"WinSandboxOffline", "WinSandboxOnline", "WinSandboxUsers"}) {
    EXPECT_FALSE(system.accounts->lookup_sid(account).has_value())
        << account << " survived the uninstall";
  }
  for (const std::string_view rule : all_firewall_rule_names()) {
    EXPECT_FALSE(system.firewall->read_rule(std::string(rule)))
        << "firewall rule " << rule << " survived the uninstall";
  }
  std::vector<std::string> warnings;
  EXPECT_TRUE(peek_applied_acl_state(elevated_home(), warnings).entries.empty())
      << "recorded ACEs survived the uninstall";
}

}  // namespace
}  // namespace winsandbox
