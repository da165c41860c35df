// The setup orchestration end to end under Wine (src/win/setup/setup_orchestrator.hpp): elevated
// captures through the direct runner launcher with the recording fake machine selected
// (WINSANDBOX_TEST_SETUP_SYSTEM) and the helper started without UAC
// (WINSANDBOX_TEST_SETUP_LAUNCH=direct). winsandbox-setup.exe is the real helper binary, next to
// the test binary; the fake's file counts its runs and DACL writes across the processes.
#include "win/setup/setup_orchestrator.hpp"

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <windows.h>

#include "plan/plan_test_support.hpp"
#include "test_support.hpp"
#include "win/setup/fake_setup_system.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/setup.hpp"

namespace winsandbox {
namespace {

using std::chrono::milliseconds;
using win::test::win_path_of;

// Sets an environment variable of this process for the object's lifetime.
class ScopedVariable {
public:
  ScopedVariable(const wchar_t* name, const std::wstring& value) : name_(name) {
    SetEnvironmentVariableW(name_, value.c_str());
  }
  ~ScopedVariable() { SetEnvironmentVariableW(name_, nullptr); }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

private:
  const wchar_t* name_;
};

class SetupOrchestratorTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::filesystem::path(win::test::test_binary_directory().str()) /
                                 "winsandbox-setup.exe")) {
      GTEST_SKIP() << "winsandbox-setup.exe is not next to the test binary";
    }
    // The real user of base_environment (no USERNAME): Administrators.
    win::FakeMachineState seeded;
    seeded.known_sids = {{"Administrators", "S-1-5-32-544"}};
    win::FakeSetupMachine(fake_file()).store(seeded);
  }

  ElevatedProfileCaptureRequest request(std::vector<std::string> env = {}) {
    ElevatedProfileCaptureRequest r;
    win::test::fill_sandboxed_request(r.capture, win_path_of(workspace.path()), home.path(),
                                      "exit_code", {"0"});
    r.capture.env = win::test::base_environment(env);
    r.capture.timeout = milliseconds(60000);
    return r;
  }
  win::FakeMachineState machine() const { return win::FakeSetupMachine(fake_file()).load(); }
  std::filesystem::path fake_file() const { return scratch.path() / "fake_machine.json"; }
  WinPath home_path() const { return win_path_of(home.path()); }

  testing::ScratchDir workspace;
  testing::ScratchDir home;
  testing::ScratchDir scratch;
  ScopedVariable runner_launch{L"WINSANDBOX_TEST_RUNNER_LAUNCH", L"direct"};
  ScopedVariable setup_launch{L"WINSANDBOX_TEST_SETUP_LAUNCH", L"direct"};
  ScopedVariable fake{L"WINSANDBOX_TEST_SETUP_SYSTEM", fake_file().wstring()};
};

void expect_exit_zero(const CaptureResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.stderr_bytes;
  EXPECT_EQ(result.stdout_bytes, "out");
}

// The acceptance test: the first capture runs the helper once and applies the grants;
// the same capture again runs no helper process and writes no ACE.
TEST_F(SetupOrchestratorTest, AnUnchangedCaptureRunsNoHelperAndWritesNoAce) {
  expect_exit_zero(run_capture_for_permission_profile_elevated(request()));
  const win::FakeMachineState first = machine();
  EXPECT_EQ(first.helper_runs, 1u);
  EXPECT_GT(first.dacl_writes, 0u);
  EXPECT_EQ(first.users.size(), 2u);
  EXPECT_FALSE(first.firewall_rules.empty());
  const std::optional<SetupMarker> marker = win::read_setup_marker(home_path());
  ASSERT_TRUE(marker);
  EXPECT_EQ(marker->system, "fake");

  expect_exit_zero(run_capture_for_permission_profile_elevated(request()));
  const win::FakeMachineState second = machine();
  EXPECT_EQ(second.helper_runs, 1u);
  EXPECT_EQ(second.dacl_writes, first.dacl_writes);
  EXPECT_EQ(second.calls.count("files.write_dacl") ? second.calls.at("files.write_dacl") : 0,
            first.calls.count("files.write_dacl") ? first.calls.at("files.write_dacl") : 0);
  EXPECT_EQ(second.dacls, first.dacls);
}

TEST_F(SetupOrchestratorTest, ANewRootIsGrantedInProcessWithoutAHelperRun) {
  ElevatedProfileCaptureRequest base = request();
  base.capture.profile = profile_from_json(win::test::restricted_profile_json(""));
  expect_exit_zero(run_capture_for_permission_profile_elevated(base));
  const win::FakeMachineState first = machine();
  EXPECT_EQ(first.helper_runs, 1u);
  testing::ScratchDir extra;
  ElevatedProfileCaptureRequest wider = request();
  wider.capture.profile = profile_from_json(
      win::test::restricted_profile_json(win::test::path_entry_json(extra.path(), "write")));
  expect_exit_zero(run_capture_for_permission_profile_elevated(wider));
  const win::FakeMachineState second = machine();
  EXPECT_EQ(second.helper_runs, 1u);
  EXPECT_GT(second.dacl_writes, first.dacl_writes);  // the new root's ACEs only
}

TEST_F(SetupOrchestratorTest, AProxyPortOutsideThePolicyRunsTheHelperAgainInsideItDoesNot) {
  ElevatedProfileCaptureRequest with_policy = request({"HTTP_PROXY=http://127.0.0.1:9001"});
  with_policy.setup.proxy_port_policy = {PortRange{9000, 9100}};
  expect_exit_zero(run_capture_for_permission_profile_elevated(with_policy));
  EXPECT_EQ(machine().helper_runs, 1u);
  const std::optional<SetupMarker> marker = win::read_setup_marker(home_path());
  ASSERT_TRUE(marker);
  EXPECT_EQ(marker->permitted_proxy_ports, (std::vector<PortRange>{{9000, 9100}}));

  // Inside the policy: the firewall already lets it through.
  ElevatedProfileCaptureRequest inside = request({"HTTP_PROXY=http://127.0.0.1:9050"});
  inside.setup.proxy_port_policy = {PortRange{9000, 9100}};
  expect_exit_zero(run_capture_for_permission_profile_elevated(inside));
  EXPECT_EQ(machine().helper_runs, 1u);

  // Outside: the setup is outdated, the helper runs once more.
  ElevatedProfileCaptureRequest outside = request({"HTTP_PROXY=http://127.0.0.1:8080"});
  outside.setup.proxy_port_policy = {PortRange{9000, 9100}};
  expect_exit_zero(run_capture_for_permission_profile_elevated(outside));
  EXPECT_EQ(machine().helper_runs, 2u);
  const std::optional<SetupMarker> after = win::read_setup_marker(home_path());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->permitted_proxy_ports, (std::vector<PortRange>{{8080, 8080}, {9000, 9100}}));
}

TEST_F(SetupOrchestratorTest, ForbiddenPromptWithoutTheDirectSetupLaunchIsSetupRequired) {
  // `prompt`: as a caller that is not elevated (Wine's user is an elevated administrator).
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_LAUNCH", L"prompt");
  ElevatedProfileCaptureRequest r = request();
  r.setup.allow_setup_prompt = false;
  EXPECT_WS_ERROR(run_capture_for_permission_profile_elevated(r), ErrorCode::setup_required,
                  "forbids the UAC prompt");
  EXPECT_EQ(machine().helper_runs, 0u);
}

TEST_F(SetupOrchestratorTest, ConcurrentCallersShareOneHelperRun) {
  std::vector<std::thread> threads;
  std::vector<std::optional<CaptureResult>> results(2);
  std::vector<std::string> failures(2);
  for (std::size_t i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      try {
        results[i] = run_capture_for_permission_profile_elevated(request());
      } catch (const Error& error) {
        failures[i] = error.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(results[i]) << failures[i];
    expect_exit_zero(*results[i]);
  }
  EXPECT_EQ(machine().helper_runs, 1u);
}

TEST_F(SetupOrchestratorTest, AHelperFailureIsSetupFailedWithTheReportsCode) {
  win::FakeMachineState seeded = machine();
  seeded.modify_state = win::FirewallModifyState::group_policy;
  win::FakeSetupMachine(fake_file()).store(seeded);
  try {
    run_capture_for_permission_profile_elevated(request());
    FAIL() << "the capture ran although the setup failed";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::setup_failed) << error.what();
    EXPECT_EQ(std::string(error.what()).rfind("firewall_policy_ineffective (stage ", 0), 0u)
        << error.what();
  }
  EXPECT_EQ(machine().helper_runs, 1u);
  EXPECT_FALSE(win::read_setup_marker(home_path()));
}

TEST_F(SetupOrchestratorTest, AFakeMarkerCountsAsMissingUnlessTheFakeIsSelected) {
  expect_exit_zero(run_capture_for_permission_profile_elevated(request()));
  ASSERT_TRUE(win::read_setup_marker(home_path()));
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_SYSTEM", nullptr);
  EXPECT_FALSE(win::read_setup_marker(home_path()));
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_SYSTEM", fake_file().wstring().c_str());
  EXPECT_TRUE(win::read_setup_marker(home_path()));
}

TEST_F(SetupOrchestratorTest, TheApiRunsEveryModeAndReportsTheStatus) {
  const SetupRequest provision = provision_only_setup_request(home_path(), "", {{9000, 9100}});
  EXPECT_EQ(setup_status(provision).state, SetupState::missing);
  run_setup(provision, {.mode = SetupRunMode::provision_only, .allow_prompt = false});
  EXPECT_EQ(setup_status(provision), (SetupStatus{SetupState::current, {}}));
  EXPECT_EQ(machine().helper_runs, 1u);

  SetupRequest other_port = provision;
  other_port.proxy_ports = {8080};
  const SetupStatus outdated = setup_status(other_port);
  EXPECT_EQ(outdated.state, SetupState::outdated);
  ASSERT_EQ(outdated.reasons.size(), 1u);
  EXPECT_EQ(outdated.reasons[0].kind, SetupDriftKind::proxy_ports_changed);

  run_setup(provision, {.mode = SetupRunMode::repair, .allow_prompt = false});
  EXPECT_EQ(setup_status(provision).state, SetupState::current);
  run_setup(provision, {.mode = SetupRunMode::uninstall, .allow_prompt = false});
  EXPECT_EQ(setup_status(provision).state, SetupState::missing);
  const win::FakeMachineState after = machine();
  EXPECT_EQ(after.helper_runs, 3u);
  EXPECT_TRUE(after.users.empty());
  EXPECT_TRUE(after.groups.empty());
  EXPECT_TRUE(after.firewall_rules.empty());
  EXPECT_TRUE(after.wfp_filters.empty());
}

}  // namespace
}  // namespace winsandbox
