// The self-test's probe catalogue and verdict rules (src/api/selftest_probes.hpp), on every host.
#include "api/selftest_probes.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "winsandbox/error.hpp"
#include "winsandbox/selftest.hpp"

namespace winsandbox::selftest {
namespace {

using Places = std::map<std::string, std::string, std::less<>>;

Places every_place() {
  Places places;
  for (const char* name :
       {"ws", "outside", "extra", "tmp", "home", "userprofile", "systemroot", "programdata",
        "programfiles", "systemdrive", "nonce", "pid", "pipe", "mutex", "port"}) {
    places[name] = std::string("<") + name + ">";
  }
  return places;
}

// Every string of a probe, with the fixture it needs if it names one.
std::vector<std::string> strings_of(const ProbeSpec& spec) {
  std::vector<std::string> strings{spec.expected};
  for (const ProbeRun& run : spec.runs) {
    strings.push_back(run.cwd);
    strings.insert(strings.end(), run.argv.begin(), run.argv.end());
    strings.insert(strings.end(), run.env.begin(), run.env.end());
    for (const SetupStep& step : run.before) {
      strings.push_back(step.path);
      strings.push_back(step.text);
    }
    for (const Check& check : run.checks) {
      strings.push_back(check.path_or_text);
      strings.push_back(check.text);
    }
  }
  return strings;
}

bool has_fixture(const ProbeSpec& spec, Fixture fixture) {
  return std::find(spec.fixtures.begin(), spec.fixtures.end(), fixture) != spec.fixtures.end();
}

TEST(SelftestCatalogue, EachBackendReachesTheReferenceSmokeSuitesBreadth) {
  EXPECT_GE(probes_for(SelftestBackend::unelevated).size(), 46u);
  EXPECT_GE(probes_for(SelftestBackend::elevated).size(), 46u);
  EXPECT_EQ(selftest_probes(SelftestBackend::elevated).size(),
            probes_for(SelftestBackend::elevated).size());
}

TEST(SelftestCatalogue, NamesAreUniqueAndEveryProbeSaysWhatItExpects) {
  std::set<std::string> names;
  for (const ProbeSpec& spec : probe_catalogue()) {
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate probe name " << spec.name;
    EXPECT_FALSE(spec.expected.empty()) << spec.name;
    EXPECT_TRUE(spec.builtin != BuiltinProbe::none || !spec.runs.empty()) << spec.name;
  }
}

TEST(SelftestCatalogue, EveryPlaceholderIsKnownAndEveryFixtureIsDeclared) {
  const Places places = every_place();
  for (const ProbeSpec& spec : probe_catalogue()) {
    for (const std::string& text : strings_of(spec)) {
      EXPECT_NO_THROW(expand_placeholders(text, places)) << spec.name << ": " << text;
      if (text.find("{pipe}") != std::string::npos) {
        EXPECT_TRUE(has_fixture(spec, Fixture::pipe)) << spec.name;
      }
      if (text.find("{mutex}") != std::string::npos) {
        EXPECT_TRUE(has_fixture(spec, Fixture::mutex)) << spec.name;
      }
      if (text.find("{port}") != std::string::npos) {
        EXPECT_TRUE(has_fixture(spec, Fixture::listener)) << spec.name;
      }
    }
  }
}

// A denied write is only shown by what is not on disk afterwards: every enforcement run that
// expects a failure and names a file must check it (an exit code alone could be a typo).
TEST(SelftestCatalogue, DeniedWritesCheckTheDiskAndAllowedOnesTheirTarget) {
  for (const ProbeSpec& spec : probe_catalogue()) {
    for (const ProbeRun& run : spec.runs) {
      const auto redirect = std::find(run.argv.begin(), run.argv.end(), ">");
      // A write into this process's pipe leaves nothing on disk to look at.
      const bool to_a_file = redirect != run.argv.end() && redirect + 1 != run.argv.end() &&
                             *(redirect + 1) != "{pipe}";
      if (spec.kind == ProbeKind::enforcement && to_a_file) {
        EXPECT_FALSE(run.checks.empty()) << spec.name << " writes but checks nothing on disk";
      }
      if (run.exit == ExpectedExit::refused) {
        EXPECT_FALSE(run.refused_code.empty()) << spec.name;
      }
    }
  }
}

TEST(SelftestCatalogue, ElevatedOnlyProbesCoverDenyReadAndTheNetworkWithOnlineControls) {
  std::vector<std::string> elevated_only;
  for (const ProbeSpec& spec : probe_catalogue()) {
    if (spec.scope == BackendScope::elevated_only) elevated_only.push_back(spec.name);
  }
  for (const char* name :
       {"elevated: deny-read path enforced, other reads work", "elevated: deny-read glob enforced",
        "WS: curl network blocked", "elevated: online control reaches the network",
        "WS: direct loopback blocked", "WS: loopback proxy allowed",
        "elevated: online control reaches the loopback listener"}) {
    EXPECT_NE(std::find(elevated_only.begin(), elevated_only.end(), name), elevated_only.end())
        << name;
  }
}

TEST(SelftestPlaceholders, ExpandsNamesAndLeavesPowerShellBracesAlone) {
  const Places places{{"ws", "C:\\w"}, {"pid", "42"}};
  EXPECT_EQ(expand_placeholders("{ws}\\a.txt", places), "C:\\w\\a.txt");
  EXPECT_EQ(expand_placeholders("try { GetProcessById({pid}); exit 0 } catch { exit 5 }", places),
            "try { GetProcessById(42); exit 0 } catch { exit 5 }");
  EXPECT_EQ(expand_placeholders("{} {A} {ws", places), "{} {A} {ws");
  EXPECT_EQ(expand_placeholders("", places), "");
  try {
    expand_placeholders("{nope}", places);
    FAIL() << "an unknown placeholder expanded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("{nope}"), std::string::npos);
  }
}

RunObservation exited(int code) {
  return RunObservation{.exit_code = code};
}
RunObservation refused(std::string code) {
  return RunObservation{.refused = true, .refused_code = std::move(code), .refused_message = "m"};
}
RunObservation timed_out() {
  return RunObservation{.exit_code = 192, .timed_out = true};
}

TEST(SelftestVerdict, ExitExpectationsMatchOnlyWhatTheyName) {
  const ProbeRun zero{.exit = ExpectedExit::zero};
  const ProbeRun nonzero{.exit = ExpectedExit::nonzero};
  const ProbeRun timeout{.exit = ExpectedExit::timed_out};
  const ProbeRun refusal{.exit = ExpectedExit::refused, .refused_code = "full_disk_write"};
  EXPECT_EQ(exit_mismatch(zero, exited(0)), "");
  EXPECT_EQ(exit_mismatch(zero, exited(5)), "expected exit 0, saw exit 5");
  EXPECT_NE(exit_mismatch(zero, refused("io_error")), "");
  EXPECT_NE(exit_mismatch(zero, timed_out()), "");
  EXPECT_EQ(exit_mismatch(nonzero, exited(5)), "");
  EXPECT_EQ(exit_mismatch(nonzero, refused("full_disk_write")), "");  // refused: nothing written
  EXPECT_EQ(exit_mismatch(nonzero, exited(0)), "expected a non-zero exit, saw exit 0");
  EXPECT_NE(exit_mismatch(nonzero, timed_out()), "");                   // a hang is not a denial
  EXPECT_NE(exit_mismatch(nonzero, refused("command_not_found")), "");  // nothing was tried
  EXPECT_EQ(exit_mismatch(timeout, timed_out()), "");
  EXPECT_NE(exit_mismatch(timeout, exited(0)), "");
  EXPECT_EQ(exit_mismatch(refusal, refused("full_disk_write")), "");
  EXPECT_EQ(exit_mismatch(refusal, refused("io_error")),
            "expected the refusal full_disk_write, saw refused: io_error (m)");
  EXPECT_NE(exit_mismatch(refusal, exited(1)), "");
}

TEST(SelftestVerdict, EnforcementIsNeverPassedWhereNothingEnforces) {
  EXPECT_EQ(probe_verdict(ProbeKind::enforcement, true, false), ProbeVerdict::not_verifiable);
  EXPECT_EQ(probe_verdict(ProbeKind::enforcement, false, false), ProbeVerdict::not_verifiable);
  EXPECT_EQ(probe_verdict(ProbeKind::enforcement, true, true), ProbeVerdict::passed);
  EXPECT_EQ(probe_verdict(ProbeKind::enforcement, false, true), ProbeVerdict::failed);
  EXPECT_EQ(probe_verdict(ProbeKind::functional, true, false), ProbeVerdict::passed);
  EXPECT_EQ(probe_verdict(ProbeKind::functional, false, false), ProbeVerdict::failed);
}

SelftestReport sample_report() {
  SelftestReport report;
  report.host = "wine";
  report.rows.push_back({.probe = "WS: write outside workspace denied",
                         .backend = SelftestBackend::unelevated,
                         .kind = ProbeKind::enforcement,
                         .expected = "denied",
                         .observed = "exit 0",
                         .verdict = ProbeVerdict::not_verifiable,
                         .duration = std::chrono::milliseconds(12)});
  report.rows.push_back({.probe = "plan",
                         .backend = SelftestBackend::elevated,
                         .kind = ProbeKind::functional,
                         .expected = "e",
                         .observed = "o\xff",
                         .verdict = ProbeVerdict::passed,
                         .duration = std::chrono::milliseconds(3)});
  return report;
}

TEST(SelftestReportFormat, JsonGolden) {
  EXPECT_EQ(selftest_report_to_json(sample_report()),
            R"({"host":"wine","enforcement_verifiable":false,"rows":[)"
            R"({"probe":"WS: write outside workspace denied","backend":"unelevated",)"
            R"("kind":"enforcement","expected":"denied","observed":"exit 0",)"
            R"("result":"not_verifiable","ms":12},)"
            R"({"probe":"plan","backend":"elevated","kind":"functional","expected":"e",)"
            "\"observed\":\"o\xef\xbf\xbd\","
            R"("result":"passed","ms":3}],"summary":{"passed":1,"failed":0,"not_verifiable":1}})");
  EXPECT_TRUE(sample_report().ok());
}

TEST(SelftestReportFormat, TableSaysNotVerifiableInWords) {
  EXPECT_EQ(selftest_report_to_table(sample_report()),
            "NOT VERIFIABLE HERE  [unelevated, enforcement] WS: write outside workspace denied\n"
            "    expected: denied\n"
            "    observed: exit 0\n"
            "PASS  [elevated, functional] plan\n"
            "    expected: e\n"
            "    observed: o\xff\n"
            "selftest on wine: 1 passed, 0 failed, 1 not verifiable here\n"
            "enforcement is not verifiable on this host (Windows itself must enforce it): run "
            "`winsandbox selftest` on Windows\n");
}

TEST(SelftestReportFormat, AFailedRowMakesTheReportNotOk) {
  SelftestReport report = sample_report();
  report.rows.back().verdict = ProbeVerdict::failed;
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.count(ProbeVerdict::failed), 1u);
}

#if !defined(_WIN32)
TEST(SelftestRun, NeedsAWindowsHost) {
  try {
    run_selftest({});
    FAIL() << "the self-test ran off Windows";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::unsupported_platform);
  }
}
#endif

}  // namespace
}  // namespace winsandbox::selftest
