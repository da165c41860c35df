// The setup helper's logic (src/win/setup/setup_helper.hpp) in every mode against the recording
// fake machine (fake_setup_system.hpp), the secrets file, the request channel, and
// winsandbox-setup.exe end to end under Wine with the fake selected.
#include "win/setup/setup_helper.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <windows.h>

#include "common/atomic_file.hpp"
#include "plan/acl_state.hpp"
#include "scratch_dir.hpp"
#include "win/elevated/runner_launcher.hpp"
#include "win/setup/fake_setup_system.hpp"
#include "win/setup/secrets_file.hpp"
#include "win/setup/setup_channel.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/command_line.hpp"

namespace winsandbox {
namespace {

using win::FakeMachineState;
using win::FakeSetupMachine;
using win::SetupOutcome;

constexpr char kRealUser[] = "alice";
constexpr char kRealUserSid[] = "S-1-5-21-7-7-7-1001";
constexpr char kWorkspaceSid[] = "S-1-5-21-1-2-3-4";
constexpr char kExtraRootSid[] = "S-1-5-21-5-6-7-8";

WinPath win_path(const std::filesystem::path& path) {
  return WinPath::parse(path_to_utf8(path));
}

bool file_exists(const WinPath& path) {
  std::error_code ignored;
  return std::filesystem::exists(std::filesystem::path(win::to_wide(path.str())), ignored);
}

std::string read_text(const WinPath& path) {
  return read_file_if_exists(std::filesystem::path(win::to_wide(path.str()))).value_or("");
}

std::uint64_t calls(const FakeMachineState& state, const std::string& method) {
  const auto it = state.calls.find(method);
  return it == state.calls.end() ? 0 : it->second;
}

class SetupHelperTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::filesystem::create_directories(scratch_.path() / "home");
    std::filesystem::create_directories(scratch_.path() / "repo" / "src");
    std::filesystem::create_directories(scratch_.path() / "tools");
    std::filesystem::create_directories(scratch_.path() / "extra");
    FakeMachineState state;
    state.known_sids = {{kRealUser, kRealUserSid}, {"Administrators", "S-1-5-32-544"}};
    machine_.store(state);
  }

  SetupRequest request(SetupMode mode) const {
    return SetupRequest{
        .version = kSetupVersion,
        .accounts = {},
        .sandbox_home = home_,
        .workspace_roots = {repo_},
        .network_identity = NetworkIdentity::offline,
        .read_roots = {win_path(scratch_.path() / "tools")},
        .write_roots = {repo_},
        .write_root_sids = {kWorkspaceSid},
        .deny_read_paths = {win_path(scratch_.path() / "repo" / "secrets")},
        .deny_write_paths = {win_path(scratch_.path() / "repo" / ".git")},
        .proxy_ports = {8080},
        .proxy_port_policy = {PortRange{9000, 9100}},
        .allow_local_binding = false,
        .real_user = kRealUser,
        .mode = mode,
    };
  }

  SetupOutcome run(const SetupRequest& request) {
    win::SetupSystem system = win::make_fake_setup_system(machine_file_);
    return win::run_setup(request, system);
  }
  SetupOutcome run(SetupMode mode) { return run(request(mode)); }

  void fail_call(const std::string& method, std::uint64_t number) {
    machine_.update([&](FakeMachineState& state) { state.failing_calls[method].insert(number); });
  }

  std::optional<std::string> sddl(const WinPath& path) const {
    const FakeMachineState state = machine_.load();
    const auto it = state.dacls.find(path.identity());
    if (it == state.dacls.end()) return std::nullopt;
    return it->second.sddl;
  }

  std::string group_sid() const { return machine_.load().groups.at("WinSandboxUsers").sid; }

  AclState acl_state() const {
    return AclStateStore(std::filesystem::path(win::to_wide(home_.str()))).peek();
  }

  std::optional<SetupErrorReport> error_report() const {
    const std::string text = read_text(setup_error_path(home_));
    if (text.empty()) return std::nullopt;
    return setup_error_report_from_json(text);
  }

  testing::ScratchDir scratch_;
  std::filesystem::path machine_file_ = scratch_.path() / "machine.json";
  FakeSetupMachine machine_{machine_file_};
  WinPath home_ = win_path(scratch_.path() / "home");
  WinPath repo_ = win_path(scratch_.path() / "repo");
};

// ---- full ----

TEST_F(SetupHelperTest, FullCreatesEverythingAndWritesTheMarker) {
  const SetupOutcome outcome = run(SetupMode::full);
  ASSERT_TRUE(outcome.ok()) << outcome.error->message;
  EXPECT_TRUE(outcome.warnings.empty());

  const FakeMachineState state = machine_.load();
  ASSERT_EQ(state.groups.size(), 1u);
  const std::string group = state.groups.at("WinSandboxUsers").sid;
  ASSERT_EQ(state.users.size(), 2u);
  const win::FakeUser& offline = state.users.at("WinSandboxOffline");
  const win::FakeUser& online = state.users.at("WinSandboxOnline");
  for (const win::FakeUser* user : {&offline, &online}) {
    EXPECT_EQ(user->groups, std::vector<std::string>{"WinSandboxUsers"});
    EXPECT_TRUE(user->hidden);
    EXPECT_EQ(user->password.size(), 24u);
  }
  EXPECT_NE(offline.password, online.password);

  // The secrets decrypt to the accounts' passwords.
  win::SetupSystem system = win::make_fake_setup_system(machine_file_);
  const auto offline_credentials =
      win::load_sandbox_credentials(home_, NetworkIdentity::offline, *system.secrets);
  ASSERT_TRUE(offline_credentials);
  EXPECT_EQ(offline_credentials->user_name, "WinSandboxOffline");
  EXPECT_EQ(offline_credentials->password, offline.password);
  const auto online_credentials =
      win::load_sandbox_credentials(home_, NetworkIdentity::online, *system.secrets);
  ASSERT_TRUE(online_credentials);
  EXPECT_EQ(online_credentials->password, online.password);
  EXPECT_EQ(read_text(secrets_file_path(home_)).find(offline.password), std::string::npos);

  // Firewall: every rule of the plan, for the offline account only.
  const FirewallPlan plan =
      offline_firewall_plan({PortRange{8080, 8080}, PortRange{9000, 9100}}, false);
  ASSERT_EQ(state.firewall_rules.size(), plan.ensure.size());
  for (const FirewallRuleSpec& rule : plan.ensure) {
    ASSERT_TRUE(state.firewall_rules.contains(rule.name)) << rule.name;
    EXPECT_EQ(state.firewall_rules.at(rule.name).spec, rule);
    EXPECT_EQ(state.firewall_rules.at(rule.name).local_user_authorized_list,
              local_user_authorized_list(offline.sid));
  }
  // WFP: every filter, for the offline account.
  EXPECT_TRUE(state.wfp_provider);
  ASSERT_EQ(state.wfp_filters.size(), offline_wfp_filters().size());
  for (const WfpFilterSpec& filter : offline_wfp_filters()) {
    EXPECT_EQ(state.wfp_filters.at(filter.key), "WinSandboxOffline");
  }

  // State directories: fresh protected DACLs.
  for (const WinPath& directory : setup_state_directories(home_)) {
    EXPECT_TRUE(file_exists(directory)) << directory.str();
    const auto text = sddl(directory);
    ASSERT_TRUE(text) << directory.str();
    EXPECT_EQ(text->rfind("D:P", 0), 0u) << *text;
    EXPECT_NE(text->find(kRealUserSid), std::string::npos) << *text;
  }
  EXPECT_NE(sddl(home_.join(".sandbox-secrets"))->find("(D;OICI;FA;;;" + group + ")"),
            std::string::npos);

  // ACL grants: the plan's, recorded.
  const AclPlan grants = setup_acl_plan(request(SetupMode::full), group);
  const AclState recorded = acl_state();
  EXPECT_EQ(recorded.entries.size(), grants.entries.size());
  for (const AclEntry& entry : grants.entries) {
    EXPECT_TRUE(std::any_of(recorded.entries.begin(), recorded.entries.end(),
                            [&](const AclEntry& held) { return held.same_ace(entry); }))
        << entry.path.str() << " " << entry.sid;
  }
  EXPECT_NE(sddl(repo_)->find(group), std::string::npos) << *sddl(repo_);
  EXPECT_NE(sddl(repo_)->find(kWorkspaceSid), std::string::npos) << *sddl(repo_);
  EXPECT_TRUE(file_exists(win_path(scratch_.path() / "repo" / "secrets")));  // deny-read made
  EXPECT_GT(outcome.acl_writes, 0u);

  // The marker, with the SIDs and the permitted ports.
  const SetupMarker marker = setup_marker_from_json(read_text(setup_marker_path(home_)));
  EXPECT_EQ(marker.group_sid, group);
  EXPECT_EQ(marker.offline_sid, offline.sid);
  EXPECT_EQ(marker.online_sid, online.sid);
  EXPECT_EQ(marker.system, "fake");
  EXPECT_EQ(marker.permitted_proxy_ports,
            (std::vector<PortRange>{PortRange{8080, 8080}, PortRange{9000, 9100}}));
  EXPECT_EQ(outcome.marker, marker);
  EXPECT_FALSE(file_exists(setup_error_path(home_)));
}

TEST_F(SetupHelperTest, FullRunTwiceChangesThePasswordsAndWritesNoNewGrant) {
  ASSERT_TRUE(run(SetupMode::full).ok());
  const FakeMachineState first = machine_.load();
  const SetupOutcome second = run(SetupMode::full);
  ASSERT_TRUE(second.ok());
  const FakeMachineState after = machine_.load();
  EXPECT_NE(after.users.at("WinSandboxOffline").password,
            first.users.at("WinSandboxOffline").password);
  EXPECT_EQ(after.users.at("WinSandboxOffline").sid, first.users.at("WinSandboxOffline").sid);
  EXPECT_EQ(second.acl_writes, 0u);
  // Only the three state directories' DACLs were written again.
  EXPECT_EQ(after.dacl_writes - first.dacl_writes, 3u);
}

struct InjectedFailure {
  std::string method;
  std::uint64_t call;
  SetupErrorCode code;
  std::string stage;
};

class SetupStepFailureTest : public SetupHelperTest,
                             public ::testing::WithParamInterface<InjectedFailure> {};

TEST_P(SetupStepFailureTest, LeavesNoMarkerAndReportsCodeAndStage) {
  const InjectedFailure& failure = GetParam();
  ASSERT_TRUE(run(SetupMode::full).ok());  // an old marker, which the failing run deletes
  ASSERT_TRUE(file_exists(setup_marker_path(home_)));
  const AclState before = acl_state();
  // The call counters count from the first run: fail the failing run's n-th call.
  const std::uint64_t base = calls(machine_.load(), failure.method);
  fail_call(failure.method, base + failure.call);

  SetupRequest changed = request(SetupMode::full);
  changed.write_roots.push_back(win_path(scratch_.path() / "extra"));
  changed.write_root_sids.push_back(kExtraRootSid);
  const SetupOutcome outcome = run(changed);

  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->code, failure.code) << outcome.error->message;
  EXPECT_EQ(outcome.error->stage, failure.stage) << outcome.error->message;
  EXPECT_EQ(outcome.error->windows_error, 5u) << outcome.error->message;
  EXPECT_NE(outcome.error->message.find("injected failure"), std::string::npos);
  EXPECT_FALSE(file_exists(setup_marker_path(home_)));
  EXPECT_FALSE(outcome.marker);
  EXPECT_EQ(error_report(), outcome.error);
  // Nothing of the new grants stays (rolled back, or never attempted).
  EXPECT_EQ(acl_state().entries, before.entries);
  EXPECT_EQ(sddl(win_path(scratch_.path() / "extra")).value_or("").find(kExtraRootSid),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, SetupStepFailureTest,
    ::testing::Values(
        InjectedFailure{"accounts.ensure_group", 1, SetupErrorCode::group_failed, "accounts"},
        InjectedFailure{"accounts.lookup_sid", 1, SetupErrorCode::sid_lookup_failed, "accounts"},
        InjectedFailure{"files.write_dacl", 2, SetupErrorCode::state_dir_failed, "state_dirs"},
        InjectedFailure{"accounts.ensure_user", 2, SetupErrorCode::account_failed, "accounts"},
        InjectedFailure{"accounts.hide_from_logon_screen", 1, SetupErrorCode::account_failed,
                        "accounts"},
        InjectedFailure{"accounts.lookup_sid", 2, SetupErrorCode::sid_lookup_failed, "accounts"},
        InjectedFailure{"secrets.protect", 2, SetupErrorCode::secrets_failed, "secrets"},
        InjectedFailure{"firewall.modify_state", 1, SetupErrorCode::firewall_access_failed,
                        "firewall"},
        InjectedFailure{"firewall.ensure_rule", 2, SetupErrorCode::firewall_rule_failed,
                        "firewall"},
        InjectedFailure{"firewall.read_rule", 1, SetupErrorCode::firewall_access_failed,
                        "firewall"},
        // 3 state directories, then the extra root's first grant; the second fails and the
        // first is rolled back.
        InjectedFailure{"files.write_dacl", 5, SetupErrorCode::acl_failed, "acls"}),
    [](const ::testing::TestParamInfo<InjectedFailure>& info) {
      std::string name = info.param.method + "_" + std::to_string(info.param.call);
      std::replace(name.begin(), name.end(), '.', '_');
      return name;
    });

TEST_F(SetupHelperTest, FirewallPolicyIneffectiveForPartialGroupPolicyAndDisabled) {
  for (const auto modify_state :
       {win::FirewallModifyState::partial, win::FirewallModifyState::group_policy,
        win::FirewallModifyState::disabled}) {
    machine_.update([&](FakeMachineState& state) { state.modify_state = modify_state; });
    const SetupOutcome outcome = run(SetupMode::full);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error->code, SetupErrorCode::firewall_policy_ineffective);
    EXPECT_EQ(outcome.error->stage, "firewall");
    EXPECT_FALSE(file_exists(setup_marker_path(home_)));
    EXPECT_TRUE(machine_.load().firewall_rules.empty());
  }
  machine_.update([](FakeMachineState& state) {
    state.modify_state = win::FirewallModifyState::inbound_blocked;
  });
  EXPECT_TRUE(run(SetupMode::full).ok());  // only inbound affected: our outbound rules hold
}

TEST_F(SetupHelperTest, RuleReadBackWithoutTheOfflineAccountFailsVerification) {
  machine_.update([](FakeMachineState& state) { state.firewall_drops_authorized_list = true; });
  const SetupOutcome outcome = run(SetupMode::full);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->code, SetupErrorCode::firewall_rule_verify_failed);
  EXPECT_EQ(outcome.error->stage, "firewall");
  EXPECT_FALSE(file_exists(setup_marker_path(home_)));
}

TEST_F(SetupHelperTest, WfpFailureIsAWarning) {
  fail_call("wfp.install", 0);
  const SetupOutcome outcome = run(SetupMode::full);
  ASSERT_TRUE(outcome.ok()) << outcome.error->message;
  ASSERT_EQ(outcome.warnings.size(), 1u);
  EXPECT_NE(outcome.warnings[0].find("WFP"), std::string::npos);
  EXPECT_TRUE(file_exists(setup_marker_path(home_)));
  EXPECT_TRUE(machine_.load().wfp_filters.empty());
}

TEST_F(SetupHelperTest, StoppingBetweenStepsWritesNoMarker) {
  win::SetupSystem system = win::make_fake_setup_system(machine_file_);
  int steps = 0;
  win::SetupRunOptions options;
  options.between_steps = [&] {
    if (++steps == 4) throw std::runtime_error("the parent process 42 exited");
  };
  const SetupOutcome outcome = win::run_setup(request(SetupMode::full), system, options);
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error->message.find("the parent process 42 exited"), std::string::npos);
  EXPECT_FALSE(file_exists(setup_marker_path(home_)));
  EXPECT_EQ(steps, 4);
}

// ---- provision-only, refresh, repair ----

TEST_F(SetupHelperTest, ProvisionOnlyGrantsNothing) {
  ASSERT_TRUE(run(SetupMode::provision_only).ok());
  EXPECT_TRUE(acl_state().entries.empty());
  EXPECT_FALSE(sddl(repo_));
  EXPECT_EQ(machine_.load().users.size(), 2u);
  EXPECT_TRUE(file_exists(setup_marker_path(home_)));
}

TEST_F(SetupHelperTest, RefreshWritesOnlyNewGrants) {
  ASSERT_TRUE(run(SetupMode::full).ok());
  const FakeMachineState before = machine_.load();
  const std::string marker = read_text(setup_marker_path(home_));

  SetupRequest refresh = request(SetupMode::refresh);
  refresh.write_roots.push_back(win_path(scratch_.path() / "extra"));
  refresh.write_root_sids.push_back(kExtraRootSid);
  const SetupOutcome first = run(refresh);
  ASSERT_TRUE(first.ok()) << first.error->message;
  const FakeMachineState after_first = machine_.load();
  EXPECT_EQ(first.acl_writes, 2u);  // the group and the root's SID on the new root
  EXPECT_EQ(after_first.dacl_writes - before.dacl_writes, 2u);
  EXPECT_NE(sddl(win_path(scratch_.path() / "extra"))->find(kExtraRootSid), std::string::npos);
  // Nothing else touched.
  EXPECT_EQ(calls(after_first, "accounts.ensure_user"), calls(before, "accounts.ensure_user"));
  EXPECT_EQ(calls(after_first, "firewall.ensure_rule"), calls(before, "firewall.ensure_rule"));
  EXPECT_EQ(after_first.users, before.users);
  EXPECT_EQ(read_text(setup_marker_path(home_)), marker);

  const SetupOutcome second = run(refresh);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.acl_writes, 0u);
  EXPECT_EQ(machine_.load().dacl_writes, after_first.dacl_writes);
}

TEST_F(SetupHelperTest, RefreshWithoutAMarkerFindsTheGroupByName) {
  ASSERT_TRUE(run(SetupMode::provision_only).ok());
  std::filesystem::remove(std::filesystem::path(win::to_wide(setup_marker_path(home_).str())));
  const SetupOutcome outcome = run(SetupMode::refresh);
  ASSERT_TRUE(outcome.ok()) << outcome.error->message;
  EXPECT_NE(sddl(repo_)->find(group_sid()), std::string::npos);
}

TEST_F(SetupHelperTest, RefreshWithoutTheGroupFailsWithSidLookup) {
  const SetupOutcome outcome = run(SetupMode::refresh);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->code, SetupErrorCode::sid_lookup_failed);
  EXPECT_EQ(error_report(), outcome.error);
}

TEST_F(SetupHelperTest, RepairReappliesRecordedAcesThatWentMissing) {
  ASSERT_TRUE(run(SetupMode::full).ok());
  const std::string granted = *sddl(repo_);
  // Someone reset the workspace's DACL behind our back; the applied state still says granted.
  machine_.update(
      [&](FakeMachineState& state) { state.dacls.at(repo_.identity()).sddl = state.default_dacl; });
  ASSERT_TRUE(run(SetupMode::refresh).ok());
  EXPECT_EQ(sddl(repo_)->find(kWorkspaceSid), std::string::npos);  // refresh trusts the record

  const SetupOutcome repair = run(SetupMode::repair);
  ASSERT_TRUE(repair.ok()) << repair.error->message;
  EXPECT_NE(sddl(repo_)->find(kWorkspaceSid), std::string::npos);
  EXPECT_NE(sddl(repo_)->find(group_sid()), std::string::npos);
  EXPECT_GE(repair.acl_writes, 2u);
  EXPECT_TRUE(file_exists(setup_marker_path(home_)));
}

// ---- uninstall ----

void expect_nothing_left(const FakeMachineState& state) {
  EXPECT_TRUE(state.users.empty());
  EXPECT_TRUE(state.groups.empty());
  EXPECT_TRUE(state.firewall_rules.empty());
  EXPECT_TRUE(state.wfp_filters.empty());
  EXPECT_FALSE(state.wfp_provider);
}

TEST_F(SetupHelperTest, UninstallLeavesNothing) {
  ASSERT_TRUE(run(SetupMode::full).ok());
  const std::string group = group_sid();
  const SetupOutcome outcome = run(SetupMode::uninstall);
  ASSERT_TRUE(outcome.ok()) << outcome.error->message;
  expect_nothing_left(machine_.load());
  EXPECT_TRUE(acl_state().entries.empty());
  for (const WinPath& path :
       {repo_, win_path(scratch_.path() / "tools"), win_path(scratch_.path() / "repo" / "secrets"),
        win_path(scratch_.path() / "repo" / ".git")}) {
    EXPECT_EQ(sddl(path).value_or("").find(group), std::string::npos) << path.str();
    EXPECT_EQ(sddl(path).value_or("").find(kWorkspaceSid), std::string::npos) << path.str();
  }
  EXPECT_FALSE(file_exists(secrets_file_path(home_)));
  EXPECT_FALSE(file_exists(home_.join(".sandbox-secrets")));
  EXPECT_FALSE(file_exists(home_.join(".sandbox-bin")));
  EXPECT_TRUE(file_exists(home_.join(".sandbox")));
  EXPECT_FALSE(file_exists(setup_marker_path(home_)));
  // A second uninstall finds nothing and succeeds.
  EXPECT_TRUE(run(SetupMode::uninstall).ok());
}

TEST_F(SetupHelperTest, UninstallRemovesAnInterruptedSetup) {
  fail_call("files.write_dacl", 6);  // the ACL step, after users, secrets, rules, filters
  const SetupOutcome failed = run(SetupMode::full);
  ASSERT_FALSE(failed.ok());
  ASSERT_FALSE(file_exists(setup_marker_path(home_)));
  ASSERT_FALSE(machine_.load().users.empty());
  ASSERT_FALSE(machine_.load().firewall_rules.empty());

  const SetupOutcome outcome = run(SetupMode::uninstall);
  ASSERT_TRUE(outcome.ok()) << outcome.error->message;
  expect_nothing_left(machine_.load());
  EXPECT_TRUE(acl_state().entries.empty());
  EXPECT_FALSE(file_exists(secrets_file_path(home_)));
}

TEST_F(SetupHelperTest, UninstallKeepsGoingAndListsWhatStayed) {
  ASSERT_TRUE(run(SetupMode::full).ok());
  fail_call("firewall.remove_rule", 0);
  const SetupOutcome outcome = run(SetupMode::uninstall);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->code, SetupErrorCode::uninstall_incomplete);
  EXPECT_EQ(outcome.error->stage, "uninstall");
  const FakeMachineState state = machine_.load();
  EXPECT_FALSE(state.firewall_rules.empty());
  for (const auto& [name, rule] : state.firewall_rules) {
    EXPECT_NE(outcome.error->message.find("remove the rule " + name), std::string::npos);
  }
  EXPECT_TRUE(state.users.empty());  // the rest went
  EXPECT_TRUE(state.groups.empty());
  EXPECT_TRUE(acl_state().entries.empty());
  EXPECT_EQ(error_report(), outcome.error);
}

TEST_F(SetupHelperTest, AStaleErrorReportIsRemovedAtTheStart) {
  machine_.update(
      [](FakeMachineState& state) { state.modify_state = win::FirewallModifyState::group_policy; });
  ASSERT_FALSE(run(SetupMode::full).ok());
  ASSERT_TRUE(error_report());
  machine_.update(
      [](FakeMachineState& state) { state.modify_state = win::FirewallModifyState::ok; });
  ASSERT_TRUE(run(SetupMode::full).ok());
  EXPECT_FALSE(error_report());
}

TEST(SetupStateDirectories, SddlPerDirectory) {
  EXPECT_EQ(win::state_directory_sddl(".sandbox", "S-1-5-21-9-9-9-1", "S-1-5-21-7-7-7-1001"),
            "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;S-1-5-21-7-7-7-1001)");
  EXPECT_EQ(win::state_directory_sddl(".sandbox-bin", "S-1-5-21-9-9-9-1", "S-1-5-21-7-7-7-1001"),
            "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;S-1-5-21-7-7-7-1001)"
            "(A;OICI;0x1200a9;;;S-1-5-21-9-9-9-1)");
  EXPECT_EQ(
      win::state_directory_sddl(".sandbox-secrets", "S-1-5-21-9-9-9-1", "S-1-5-21-7-7-7-1001"),
      "D:P(D;OICI;FA;;;S-1-5-21-9-9-9-1)(A;OICI;FA;;;SY)(A;OICI;FA;;;S-1-5-21-7-7-7-1001)");
}

// ---- secrets ----

TEST(FakeProtector, ReversibleNotIdentityAndBoundToTheEntropy) {
  const std::vector<std::uint8_t> blob = win::fake_protect("hunter2", "alice/offline");
  const std::string bytes(blob.begin(), blob.end());
  EXPECT_EQ(bytes.find("hunter2"), std::string::npos);
  EXPECT_EQ(win::fake_unprotect(blob, "alice/offline"), "hunter2");
  try {
    win::fake_unprotect(blob, "alice/online");
    FAIL() << "another entropy decrypted";
  } catch (const Error& error) {
    EXPECT_EQ(error.win32_error(), 13u);
  }
  EXPECT_THROW(win::fake_unprotect({1, 2, 3}, "x"), Error);
}

TEST_F(SetupHelperTest, SecretsRoundTripMissingAndCorrupt) {
  win::SetupSystem system = win::make_fake_setup_system(machine_file_);
  std::filesystem::create_directories(scratch_.path() / "home" / ".sandbox-secrets");
  EXPECT_FALSE(win::load_sandbox_credentials(home_, NetworkIdentity::offline, *system.secrets));

  win::write_sandbox_secrets(home_, {"alice", {"Off", "p1!"}, {"On", "p2\"\\x"}}, *system.secrets);
  const Json document = parse_json(read_text(secrets_file_path(home_)), ErrorCode::io_error);
  EXPECT_EQ(document.at("version"), 1);
  EXPECT_EQ(document.at("offline").at("username"), "Off");
  const auto online =
      win::load_sandbox_credentials(home_, NetworkIdentity::online, *system.secrets);
  ASSERT_TRUE(online);
  EXPECT_EQ(online->user_name, "On");
  EXPECT_EQ(online->password, "p2\"\\x");
  EXPECT_EQ(
      win::load_sandbox_credentials(home_, NetworkIdentity::offline, *system.secrets)->password,
      "p1!");

  const auto expect_setup_required = [&](const std::string& contents) {
    write_file_atomically(std::filesystem::path(win::to_wide(secrets_file_path(home_).str())),
                          contents);
    try {
      win::load_sandbox_credentials(home_, NetworkIdentity::offline, *system.secrets);
      ADD_FAILURE() << "accepted: " << contents;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::setup_required) << error.what();
    }
  };
  // The two blobs swapped: each decrypts only in its own slot.
  Json swapped = document;
  swapped["offline"]["password"] = document.at("online").at("password");
  expect_setup_required(swapped.dump());
  expect_setup_required("{not json");
  expect_setup_required(R"({"version":2,"real_user":"alice","offline":{},"online":{}})");
  Json not_base64 = document;
  not_base64["offline"]["password"] = "***";
  expect_setup_required(not_base64.dump());
  Json other_user = document;
  other_user["real_user"] = "mallory";
  expect_setup_required(other_user.dump());

  EXPECT_TRUE(win::remove_sandbox_secrets(home_));
  EXPECT_FALSE(win::remove_sandbox_secrets(home_));
}

TEST(SecretEntropy, NamesTheRealUserAndTheAccount) {
  EXPECT_EQ(win::secret_entropy("alice", "WinSandboxOffline"),
            "winsandbox-secret\nalice\nWinSandboxOffline");
}

// ---- the fake machine file ----

TEST_F(SetupHelperTest, FakeMachineStateRoundTrips) {
  ASSERT_TRUE(run(SetupMode::full).ok());
  fail_call("wfp.install", 3);
  const FakeMachineState state = machine_.load();
  EXPECT_EQ(win::fake_machine_state_from_json(win::fake_machine_state_to_json(state)), state);
  EXPECT_GT(calls(state, "files.write_dacl"), 0u);
  EXPECT_EQ(state.dacl_writes, calls(state, "files.write_dacl"));
}

TEST(FakeSetupSystemSelection, TheVariableSelectsTheFake) {
  testing::ScratchDir scratch;
  const std::filesystem::path file = scratch.path() / "machine.json";
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_SYSTEM", file.wstring().c_str());
  const win::SetupSystem system = win::make_setup_system();
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_SYSTEM", nullptr);
  EXPECT_EQ(system.name, "fake");
  EXPECT_EQ(system.accounts->lookup_sid("nobody"), std::nullopt);
  EXPECT_EQ(FakeSetupMachine(file).load().calls.at("accounts.lookup_sid"), 1u);
}

// ---- the request channel ----

TEST(SetupChannel, PipeNames) {
  const win::SetupChannelServer server = win::SetupChannelServer::create();
  EXPECT_TRUE(win::is_setup_pipe_name(server.name())) << server.name();
  EXPECT_NE(win::SetupChannelServer::create().name(), server.name());
  EXPECT_FALSE(win::is_setup_pipe_name("\\\\.\\pipe\\winsandbox-setup-0123"));
  EXPECT_FALSE(win::is_setup_pipe_name("\\\\.\\pipe\\winsandbox-setup-" + std::string(32, 'G')));
  EXPECT_FALSE(win::is_setup_pipe_name("\\\\.\\pipe\\other-" + std::string(32, 'a')));
}

TEST(SetupChannel, RoundTripToThisProcess) {
  win::SetupChannelServer server = win::SetupChannelServer::create();
  const std::string request = "{\"mode\":\"full\",\"x\":\"" + std::string(200000, 'x') + "\"}";
  std::string received;
  std::string error;
  std::thread helper([&] {
    try {
      received = win::receive_setup_request(server.name(), GetCurrentProcessId(),
                                            std::chrono::seconds(10));
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  server.send(request, GetCurrentProcess(), std::chrono::seconds(10));
  helper.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(received, request);
}

TEST(SetupChannel, RefusesAClientThatIsNotTheHelper) {
  win::SetupChannelServer server = win::SetupChannelServer::create();
  const win::RunnerProcess other = win::make_direct_runner_launcher()->launch(
      win::test::helper_path("sleep"), quote_command_line({"ws_sleep", "30000"}),
      win::test::test_binary_directory());
  std::string client_error;
  std::thread impostor([&] {
    try {
      win::receive_setup_request(server.name(), GetCurrentProcessId(), std::chrono::seconds(5));
    } catch (const std::exception& e) {
      client_error = e.what();
    }
  });
  try {
    server.send("{}", other.process.get(), std::chrono::seconds(10));
    ADD_FAILURE() << "sent the request to another process";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::setup_failed);
    EXPECT_NE(std::string(error.what()).find("not the setup helper"), std::string::npos)
        << error.what();
  }
  impostor.join();
  EXPECT_NE(client_error, "");  // the impostor got nothing
  TerminateProcess(other.process.get(), 1);
}

TEST(SetupChannel, SendGivesUpWhenNobodyConnectsOrTheHelperExits) {
  win::SetupChannelServer server = win::SetupChannelServer::create();
  const win::RunnerProcess sleeper = win::make_direct_runner_launcher()->launch(
      win::test::helper_path("sleep"), quote_command_line({"ws_sleep", "30000"}),
      win::test::test_binary_directory());
  try {
    server.send("{}", sleeper.process.get(), std::chrono::milliseconds(300));
    ADD_FAILURE() << "no timeout";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("did not connect"), std::string::npos) << error.what();
  }
  TerminateProcess(sleeper.process.get(), 1);

  win::SetupChannelServer second = win::SetupChannelServer::create();
  const win::RunnerProcess quick = win::make_direct_runner_launcher()->launch(
      win::test::helper_path("exit_code"), quote_command_line({"ws_exit_code", "7"}),
      win::test::test_binary_directory());
  try {
    second.send("{}", quick.process.get(), std::chrono::seconds(15));
    ADD_FAILURE() << "sent to an exited helper";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("exited with code 7"), std::string::npos)
        << error.what();
  }
}

TEST(SetupChannel, ReceiveGivesUpOnTimeoutAndWhenTheParentExits) {
  win::SetupChannelServer server = win::SetupChannelServer::create();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(win::receive_setup_request(server.name(), GetCurrentProcessId(),
                                          std::chrono::milliseconds(300)),
               Error);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  const win::RunnerProcess parent = win::make_direct_runner_launcher()->launch(
      win::test::helper_path("exit_code"), quote_command_line({"ws_exit_code", "0"}),
      win::test::test_binary_directory());
  ASSERT_EQ(WaitForSingleObject(parent.process.get(), 15000), WAIT_OBJECT_0);
  win::SetupChannelServer other = win::SetupChannelServer::create();
  try {
    win::receive_setup_request(other.name(), parent.process_id, std::chrono::seconds(10));
    ADD_FAILURE() << "waited for a dead parent";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("exited"), std::string::npos) << error.what();
  }
  EXPECT_THROW(win::receive_setup_request("\\\\.\\pipe\\not-ours", GetCurrentProcessId(),
                                          std::chrono::seconds(1)),
               Error);
}

// ---- winsandbox-setup.exe end to end (Wine) ----

class SetupHelperProcessTest : public SetupHelperTest {
protected:
  void SetUp() override {
    SetupHelperTest::SetUp();
    SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_SYSTEM", machine_file_.wstring().c_str());
  }
  void TearDown() override { SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_SYSTEM", nullptr); }

  static WinPath helper_exe() {
    return win::test::test_binary_directory().join("winsandbox-setup.exe");
  }

  win::RunnerProcess start(const std::vector<std::string>& args) {
    std::vector<std::string> argv{helper_exe().str()};
    argv.insert(argv.end(), args.begin(), args.end());
    return win::make_direct_runner_launcher()->launch(helper_exe(), quote_command_line(argv),
                                                      win::test::test_binary_directory());
  }

  static DWORD exit_code_of(const win::RunnerProcess& process) {
    EXPECT_EQ(WaitForSingleObject(process.process.get(), 60000), WAIT_OBJECT_0);
    DWORD code = 0;
    GetExitCodeProcess(process.process.get(), &code);
    return code;
  }

  // Runs the helper with `request_json` through a real channel; its exit code.
  DWORD run_helper(const std::string& request_json) {
    win::SetupChannelServer server = win::SetupChannelServer::create();
    const win::RunnerProcess helper =
        start({"--request-pipe=" + server.name(),
               "--parent-pid=" + std::to_string(GetCurrentProcessId())});
    server.send(request_json, helper.process.get(), std::chrono::seconds(30));
    return exit_code_of(helper);
  }
};

TEST_F(SetupHelperProcessTest, FullSetupThroughTheHelperProcess) {
  EXPECT_EQ(run_helper(setup_request_to_json(request(SetupMode::full))), 0u);
  const FakeMachineState state = machine_.load();
  EXPECT_EQ(state.helper_runs, 1u);
  EXPECT_EQ(state.users.size(), 2u);
  EXPECT_FALSE(state.firewall_rules.empty());
  EXPECT_EQ(setup_marker_from_json(read_text(setup_marker_path(home_))).system, "fake");
  EXPECT_TRUE(file_exists(secrets_file_path(home_)));
  EXPECT_FALSE(file_exists(setup_error_path(home_)));

  EXPECT_EQ(run_helper(setup_request_to_json(request(SetupMode::uninstall))), 0u);
  EXPECT_EQ(machine_.load().helper_runs, 2u);
  expect_nothing_left(machine_.load());
}

TEST_F(SetupHelperProcessTest, FailureExitsOneWithTheReport) {
  machine_.update(
      [](FakeMachineState& state) { state.modify_state = win::FirewallModifyState::group_policy; });
  EXPECT_EQ(run_helper(setup_request_to_json(request(SetupMode::full))), 1u);
  const auto report = error_report();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->code, SetupErrorCode::firewall_policy_ineffective);
  EXPECT_FALSE(file_exists(setup_marker_path(home_)));
}

TEST_F(SetupHelperProcessTest, BadRequestExitsOneWithRequestInvalid) {
  Json bad = parse_json(setup_request_to_json(request(SetupMode::full)), ErrorCode::io_error);
  bad["version"] = 99;
  EXPECT_EQ(run_helper(bad.dump()), 1u);
  const auto report = error_report();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->code, SetupErrorCode::request_invalid);
  EXPECT_EQ(report->stage, "request");
  EXPECT_TRUE(machine_.load().users.empty());
}

TEST_F(SetupHelperProcessTest, BadArgumentsExitTwoAndTouchNothing) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{},
        {"--request-pipe=\\\\.\\pipe\\x", "--parent-pid=1"},
        {"--request-pipe=\\\\.\\pipe\\winsandbox-setup-" + std::string(32, 'a')},
        {"--request-pipe=\\\\.\\pipe\\winsandbox-setup-" + std::string(32, 'a'),
         "--parent-pid=abc"},
        {"--request-pipe=\\\\.\\pipe\\winsandbox-setup-" + std::string(32, 'a'), "--parent-pid=1",
         "--extra"}}) {
    EXPECT_EQ(exit_code_of(start(args)), 2u) << ::testing::PrintToString(args);
  }
  EXPECT_EQ(machine_.load().helper_runs, 0u);
}

TEST_F(SetupHelperProcessTest, HelperExitsWhenItsParentIsGone) {
  const win::RunnerProcess parent = win::make_direct_runner_launcher()->launch(
      win::test::helper_path("exit_code"), quote_command_line({"ws_exit_code", "0"}),
      win::test::test_binary_directory());
  ASSERT_EQ(WaitForSingleObject(parent.process.get(), 15000), WAIT_OBJECT_0);
  win::SetupChannelServer server = win::SetupChannelServer::create();
  const win::RunnerProcess helper = start(
      {"--request-pipe=" + server.name(), "--parent-pid=" + std::to_string(parent.process_id)});
  EXPECT_EQ(exit_code_of(helper), 1u);
  EXPECT_TRUE(machine_.load().users.empty());
}

TEST_F(SetupHelperProcessTest, TheExecutableEmbedsARequireAdministratorManifest) {
  const HMODULE module = LoadLibraryExW(win::to_wide(helper_exe().str()).c_str(), nullptr,
                                        LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE);
  ASSERT_NE(module, nullptr) << GetLastError();
  const HRSRC resource = FindResourceW(module, MAKEINTRESOURCEW(1), MAKEINTRESOURCEW(24));
  ASSERT_NE(resource, nullptr) << GetLastError();
  const HGLOBAL loaded = LoadResource(module, resource);
  ASSERT_NE(loaded, nullptr);
  const std::string manifest(static_cast<const char*>(LockResource(loaded)),
                             SizeofResource(module, resource));
  EXPECT_NE(manifest.find("requestedExecutionLevel level=\"requireAdministrator\""),
            std::string::npos)
      << manifest;
  FreeLibrary(module);
}

}  // namespace
}  // namespace winsandbox
