// windows-smoke tier: what the sandbox enforces, through the public capture and session APIs. Wine
// neither enforces restricted tokens nor persists file DACLs, so every test here skips under Wine
// with the reason; on Windows (the CI windows-latest runner) they must pass.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <winsock2.h>

#include "plan/capability_sid_store.hpp"
#include "plan/plan_test_support.hpp"
#include "plan/setup_plan.hpp"
#include "smoke_support.hpp"
#include "win/acl_effector.hpp"
#include "win/setup/setup_orchestrator.hpp"
#include "win/setup/setup_system.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/session.hpp"
#include "winsandbox/setup.hpp"
#include "winsandbox/spawn_context.hpp"

namespace winsandbox {
namespace {

class SmokeEnforcementTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (const std::string reason = win::test::smoke_skip_reason_here(); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    std::filesystem::create_directories(base_ / "workspace" / ".git");
    std::filesystem::create_directories(base_ / "outside");
    std::filesystem::create_directories(base_ / "home");
  }
  WinPath path(const std::filesystem::path& p) const { return win::test::win_path_of(p); }
  WinPath workspace() const { return path(base_ / "workspace"); }

  CaptureResult run(std::string_view helper, std::vector<std::string> args = {}) {
    CaptureRequest r;
    win::test::fill_sandboxed_request(r, workspace(), base_ / "home", helper, std::move(args));
    r.timeout = std::chrono::milliseconds(60000);
    return run_capture_for_permission_profile(r);
  }

  testing::ScratchDir scratch_;
  const std::filesystem::path& base_ = scratch_.path();
};

TEST_F(SmokeEnforcementTest, WriteInsideTheWorkspaceIsAllowed) {
  const auto target = base_ / "workspace" / "inside.txt";
  const CaptureResult result = run("write_file", {path(target).str()});
  EXPECT_EQ(result.exit_code, 0) << result.stdout_bytes;
  EXPECT_TRUE(std::filesystem::exists(target));
}

TEST_F(SmokeEnforcementTest, WriteOutsideTheRootsIsDenied) {
  const auto target = base_ / "outside" / "escape.txt";
  const CaptureResult result = run("write_file", {path(target).str()});
  EXPECT_EQ(result.exit_code, ERROR_ACCESS_DENIED) << result.stdout_bytes;
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(SmokeEnforcementTest, WriteIntoDotGitIsDenied) {
  const auto target = base_ / "workspace" / ".git" / "config";
  const CaptureResult result = run("write_file", {path(target).str()});
  EXPECT_EQ(result.exit_code, ERROR_ACCESS_DENIED) << result.stdout_bytes;
  EXPECT_FALSE(std::filesystem::exists(target));
}

// docs/execution.md#launch-sequence: every spawn path builds its token with the one token builder;
// each path's child reports the restricting SIDs it got: the root's SID as the store handed it out,
// then the logon SID and Everyone.
void expect_workspace_token_sids(const std::string& token_report, const std::filesystem::path& home,
                                 const WinPath& workspace) {
  std::vector<std::string> actual;
  const std::regex restricting("restricting (S-[0-9-]+)");
  for (auto it = std::sregex_iterator(token_report.begin(), token_report.end(), restricting);
       it != std::sregex_iterator(); ++it) {
    actual.push_back((*it)[1].str());
  }
  CapabilitySidStore store(home, system_random_source());
  const StoredCapabilitySids stored = store.read();
  const auto root_sid = stored.writable_roots.find(workspace.identity());
  ASSERT_NE(root_sid, stored.writable_roots.end());
  const win::UniqueHandle own = win::open_current_process_token(TOKEN_QUERY);
  const auto logon = win::find_logon_sid(own.get());
  ASSERT_TRUE(logon);
  EXPECT_EQ(actual, (std::vector<std::string>{root_sid->second, logon->to_string(), "S-1-1-0"}))
      << token_report;
}

TEST_F(SmokeEnforcementTest, ChildTokenCarriesTheRootSidLogonSidAndEveryone) {
  const CaptureResult result = run("token_info");
  ASSERT_EQ(result.exit_code, 0) << result.stdout_bytes;
  expect_workspace_token_sids(result.stdout_bytes, base_ / "home", workspace());
}

// One field of ws_token_info's report ("user S-...", "integrity 2000"); "" when absent.
std::string token_report_field(const std::string& report, const std::string& field) {
  std::smatch match;
  const std::regex line("(^|\n)" + field + " ([^\r\n]+)");
  return std::regex_search(report, match, line) ? match[2].str() : "";
}

// The integrity level RID of `token`, in hex as ws_token_info prints it.
std::string integrity_of(HANDLE token) {
  const auto label = win::get_token_information<TOKEN_MANDATORY_LABEL>(token, TokenIntegrityLevel);
  const PSID sid = label->Label.Sid;
  const DWORD rid = *GetSidSubAuthority(sid, *GetSidSubAuthorityCount(sid) - 1);
  char hex[16];
  std::snprintf(hex, sizeof(hex), "%lx", static_cast<unsigned long>(rid));
  return hex;
}

// The unelevated backend runs the command as the caller (a restricted copy of the caller's
// token), at the caller's integrity level, with the same restricting SIDs on every spawn path:
// capture, session on pipes, session on a console.
TEST_F(SmokeEnforcementTest, EverySpawnPathRunsAsTheCallerAtTheCallersIntegrity) {
  const win::UniqueHandle own = win::open_current_process_token(TOKEN_QUERY);
  const std::string user = win::token_user_sid(own.get()).to_string();
  const std::string integrity = integrity_of(own.get());
  const CaptureResult capture = run("token_info");
  ASSERT_EQ(capture.exit_code, 0) << capture.stdout_bytes;
  std::vector<std::string> reports{capture.stdout_bytes};
  for (const bool tty : {false, true}) {
    SessionRequest r;
    win::test::fill_sandboxed_request(r, workspace(), base_ / "home", "token_info", {});
    r.tty = tty;
    Session session = spawn_session_for_permission_profile(r);
    ASSERT_EQ(session.wait(std::chrono::milliseconds(60000)), std::optional<std::int32_t>(0))
        << (tty ? "pseudo console" : "pipes");
    reports.push_back(session.take_stdout());
  }
  for (const std::string& report : reports) {
    EXPECT_EQ(token_report_field(report, "user"), user) << report;
    EXPECT_EQ(token_report_field(report, "integrity"), integrity) << report;
    expect_workspace_token_sids(report, base_ / "home", workspace());
  }
}

// A hidden top-level window of this process's on its desktop, with a title no other window has.
class OwnWindow {
public:
  OwnWindow() : title_(L"winsandbox-smoke-" + std::to_wstring(GetCurrentProcessId())) {
    window_ = CreateWindowExW(0, L"STATIC", title_.c_str(), WS_OVERLAPPED, 0, 0, 10, 10, nullptr,
                              nullptr, GetModuleHandleW(nullptr), nullptr);
  }
  ~OwnWindow() {
    if (window_ != nullptr) DestroyWindow(window_);
  }
  OwnWindow(const OwnWindow&) = delete;
  OwnWindow& operator=(const OwnWindow&) = delete;
  bool created() const { return window_ != nullptr; }
  std::string title() const { return win::to_utf8(title_); }

private:
  std::wstring title_;
  HWND window_ = nullptr;
};

// With a private desktop the command cannot see (so cannot message) the user's windows; the
// same command on the user's desktop finds the window, so the absence is the desktop's doing.
TEST_F(SmokeEnforcementTest, APrivateDesktopHidesTheUsersWindows) {
  const OwnWindow window;
  ASSERT_TRUE(window.created()) << GetLastError();
  CaptureRequest r;
  win::test::fill_sandboxed_request(r, workspace(), base_ / "home", "find_window",
                                    {window.title()});
  r.timeout = std::chrono::milliseconds(60000);
  const CaptureResult shared = run_capture_for_permission_profile(r);
  ASSERT_EQ(shared.exit_code, 0) << shared.stdout_bytes;
  ASSERT_EQ(shared.stdout_bytes.rfind("found", 0), 0u)
      << "the control on the user's desktop does not see the window: " << shared.stdout_bytes;
  r.use_private_desktop = true;
  const CaptureResult isolated = run_capture_for_permission_profile(r);
  EXPECT_EQ(isolated.exit_code, 0) << isolated.stdout_bytes;
  EXPECT_EQ(isolated.stdout_bytes, "absent\n");
}

// A junction inside a writable root (which the sandboxed command could have made) never
// carries an ACE to its target: neither the junction itself nor a path through it is written.
TEST_F(SmokeEnforcementTest, AclEffectorNeverWritesThroughAJunction) {
  std::filesystem::create_directories(base_ / "outside" / "target" / "sub");
  const WinPath target = win::test::canonical_path_of(base_ / "outside" / "target");
  const WinPath junction = win::test::canonical_path_of(base_ / "workspace").join("link");
  const std::wstring mklink = L"mklink /J \"" + win::to_wide(junction.str()) + L"\" \"" +
                              win::to_wide(target.str()) + L"\" >NUL";
  ASSERT_EQ(_wsystem(mklink.c_str()), 0) << "mklink /J failed";
  win::Win32FileDaclAccess files;
  for (const WinPath& through : {junction, junction.join("sub")}) {
    SCOPED_TRACE(through.str());
    const AclEntry allow =
        make_acl_entry(through, "S-1-5-21-1-2-3-4", AceKind::allow_write, AceOrigin::writable_root);
    const win::AclApplyOutcome outcome =
        win::apply_acl_operations({AclOperation{AclAction::apply, allow}}, files);
    ASSERT_TRUE(outcome.error);
    EXPECT_EQ(outcome.error->code(), ErrorCode::writable_root_redirected) << outcome.error->what();
    EXPECT_EQ(outcome.writes, 0u);
    const WinPath reached = through == junction ? target : target.join("sub");
    EXPECT_FALSE(win::has_explicit_ace(files.read_dacl(reached), win::ace_spec_of(allow)));
  }
}

// --- the elevated backend (issues 12, 13) ----------------------------------------------------
// The production path: the first elevated command runs the elevated setup
// (winsandbox-setup.exe: accounts, secrets, firewall, WFP, grants), then the runner logs on as
// the sandbox account, so reads and the network are confined by Windows itself. The setup needs
// an elevated test process (the CI runner's administrator): without one the prompt is forbidden,
// every elevated call ends in setup_required, and these tests fail saying so (never skip); they
// never fall back to the direct test launcher, which enforces neither. Each test uninstalls at the
// end and checks that nothing is left: no account, group, firewall rule or recorded ACE. On Windows
// no smoke test may skip: without an elevated test process these tests fail.
constexpr char kSetupMissing[] =
    "setup_required: the elevated setup cannot run here (run the windows-smoke tier from an "
    "elevated, administrator process): ";

class SmokeElevatedTest : public SmokeEnforcementTest {
protected:
  void SetUp() override {
    SmokeEnforcementTest::SetUp();
    if (IsSkipped()) return;
    SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", nullptr);
    SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_LAUNCH", nullptr);
    SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_SYSTEM", nullptr);
    std::filesystem::create_directories(base_ / "workspace" / "private");
    write_text(base_ / "workspace" / "private" / "secret.txt", "secret");
    write_text(base_ / "workspace" / "public.txt", "public");
  }

  // Uninstalls what the test's setup made and checks that nothing stayed.
  void TearDown() override {
    if (IsSkipped() || needs_setup() || !setup_ran_) return;
    const SetupRequest request = provision_only_setup_request(path(base_ / "home"), "");
    run_setup(request, {.mode = SetupRunMode::uninstall, .allow_prompt = false});
    EXPECT_EQ(setup_status(request).state, SetupState::missing);
    for (const char* account : {"WinSandboxOffline", "WinSandboxOnline", "WinSandboxUsers"}) {
      EXPECT_FALSE(account_exists(account)) << account << " survived the uninstall";
    }
    win::SetupSystem system = win::make_windows_setup_system();
    for (const std::string_view rule : all_firewall_rule_names()) {
      EXPECT_FALSE(system.firewall->read_rule(std::string(rule)))
          << "firewall rule " << rule << " survived the uninstall";
    }
    std::vector<std::string> warnings;
    EXPECT_TRUE(peek_applied_acl_state(base_ / "home", warnings).entries.empty())
        << "recorded ACEs survived the uninstall";
  }

  static bool account_exists(const std::string& name) {
    win::SetupSystem system = win::make_windows_setup_system();
    return system.accounts->lookup_sid(name).has_value();
  }

  static void write_text(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
  }

  // workspace-write (network restricted unless `network`), plus a deny-read entry for
  // workspace\private.
  PermissionProfile profile(bool network) const {
    return profile_from_json(win::test::restricted_profile_json(
        win::test::path_entry_json(base_ / "workspace" / "private", "deny"), network));
  }

  // Runs `helper` elevated (the first run sets up); skips the test when the setup cannot run.
  CaptureResult run_elevated(std::string_view helper, std::vector<std::string> args,
                             bool network = false, std::vector<std::string> env = {}) {
    ElevatedProfileCaptureRequest r;
    win::test::fill_sandboxed_request(r.capture, workspace(), base_ / "home", helper,
                                      std::move(args));
    r.capture.profile = profile(network);
    r.capture.env = win::test::base_environment(env);
    r.capture.timeout = std::chrono::milliseconds(60000);
    r.setup.allow_setup_prompt = false;
    try {
      CaptureResult result = run_capture_for_permission_profile_elevated(r);
      setup_ran_ = true;
      return result;
    } catch (const Error& error) {
      if (error.code() != ErrorCode::setup_required) throw;
      skipped_for_setup_ = error.what();
      ADD_FAILURE() << kSetupMissing << skipped_for_setup_;
      return {};
    }
  }

  // True when a run found that the setup cannot run (the test then skips).
  bool needs_setup() const { return !skipped_for_setup_.empty(); }

  std::string skipped_for_setup_;
  bool setup_ran_ = false;
};

// A loopback TCP listener on an ephemeral port (for the firewall's loopback rules).
class LoopbackListener {
public:
  LoopbackListener() {
    WSADATA data{};
    started_ = WSAStartup(MAKEWORD(2, 2), &data) == 0;
    socket_ = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    ::listen(socket_, 8);
    int length = sizeof(address);
    ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackListener() {
    if (socket_ != INVALID_SOCKET) ::closesocket(socket_);
    if (started_) WSACleanup();
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  std::string port() const { return std::to_string(port_); }

private:
  bool started_ = false;
  SOCKET socket_ = INVALID_SOCKET;
  std::uint16_t port_ = 0;
};

TEST_F(SmokeElevatedTest, SetupCreatesTheAccountsAndTheFirewallRules) {
  const CaptureResult first =
      run_elevated("read_file", {path(base_ / "workspace" / "public.txt").str()});
  if (needs_setup()) return;  // a failure already (run_elevated)
  EXPECT_EQ(first.exit_code, 0) << first.stdout_bytes;
  const std::optional<SetupMarker> marker = win::read_setup_marker(path(base_ / "home"));
  ASSERT_TRUE(marker);
  EXPECT_EQ(marker->system, "windows");
  for (const char* account : {"WinSandboxOffline", "WinSandboxOnline", "WinSandboxUsers"}) {
    EXPECT_TRUE(account_exists(account)) << account;
  }
  win::SetupSystem system = win::make_windows_setup_system();
  const auto rule = system.firewall->read_rule(std::string(all_firewall_rule_names().front()));
  ASSERT_TRUE(rule);
  EXPECT_TRUE(rule->enabled);
  EXPECT_NE(rule->local_user_authorized_list.find(marker->offline_sid), std::string::npos)
      << rule->local_user_authorized_list;
}

// The elevated backend runs the command as the offline sandbox account, never as the caller, at
// no more than medium integrity; its token is restricted too. A capture and a pipe session.
TEST_F(SmokeElevatedTest, EverySpawnPathRunsAsTheOfflineSandboxAccount) {
  const CaptureResult capture = run_elevated("token_info", {});
  if (needs_setup()) return;  // a failure already (run_elevated)
  ASSERT_EQ(capture.exit_code, 0) << capture.stdout_bytes;
  const std::optional<SetupMarker> marker = win::read_setup_marker(path(base_ / "home"));
  ASSERT_TRUE(marker);
  const win::UniqueHandle own = win::open_current_process_token(TOKEN_QUERY);
  const std::string caller = win::token_user_sid(own.get()).to_string();
  ElevatedProfileSessionRequest session_request;
  win::test::fill_sandboxed_request(session_request.session, workspace(), base_ / "home",
                                    "token_info", {});
  session_request.session.profile = profile(false);
  session_request.session.env = win::test::base_environment();
  session_request.setup.allow_setup_prompt = false;
  Session session = spawn_session_for_permission_profile_elevated(session_request);
  ASSERT_EQ(session.wait(std::chrono::milliseconds(60000)), std::optional<std::int32_t>(0));
  const std::string session_report = session.take_stdout();
  for (const std::string& report : {capture.stdout_bytes, session_report}) {
    EXPECT_EQ(token_report_field(report, "user"), marker->offline_sid) << report;
    EXPECT_NE(token_report_field(report, "user"), caller) << report;
    const std::string integrity = token_report_field(report, "integrity");
    ASSERT_FALSE(integrity.empty()) << report;
    EXPECT_LE(std::stoul(integrity, nullptr, 16), 0x2000ul) << "above medium: " << report;
    EXPECT_NE(report.find("restricting S-"), std::string::npos) << "not restricted: " << report;
  }
}

TEST_F(SmokeElevatedTest, OfflineCannotReachALoopbackListenerOutsideTheProxyPorts) {
  const LoopbackListener listener;
  const CaptureResult online = run_elevated("tcp_connect", {"127.0.0.1", listener.port()}, true);
  if (needs_setup()) return;  // a failure already (run_elevated)
  ASSERT_EQ(online.exit_code, 0) << "the online control cannot reach the listener: "
                                 << online.stdout_bytes;
  const CaptureResult offline = run_elevated("tcp_connect", {"127.0.0.1", listener.port()});
  EXPECT_NE(offline.exit_code, 0) << offline.stdout_bytes;
  EXPECT_NE(offline.stdout_bytes, "connected");
  // The same listener as the command's proxy port: let through.
  const CaptureResult proxied = run_elevated("tcp_connect", {"127.0.0.1", listener.port()}, false,
                                             {"HTTP_PROXY=http://127.0.0.1:" + listener.port()});
  EXPECT_EQ(proxied.exit_code, 0) << proxied.stdout_bytes;
}

TEST_F(SmokeElevatedTest, DenyReadIsEnforcedAndOtherReadsWork) {
  const CaptureResult allowed =
      run_elevated("read_file", {path(base_ / "workspace" / "public.txt").str()});
  if (needs_setup()) return;  // a failure already (run_elevated)
  EXPECT_EQ(allowed.exit_code, 0) << allowed.stdout_bytes;
  EXPECT_EQ(allowed.stdout_bytes, "ok 6");
  const CaptureResult denied =
      run_elevated("read_file", {path(base_ / "workspace" / "private" / "secret.txt").str()});
  EXPECT_EQ(denied.exit_code, ERROR_ACCESS_DENIED) << denied.stdout_bytes;
}

TEST_F(SmokeElevatedTest, WritesAreConfinedToTheWritableRoots) {
  const auto inside = base_ / "workspace" / "inside.txt";
  const CaptureResult allowed = run_elevated("write_file", {path(inside).str()});
  if (needs_setup()) return;  // a failure already (run_elevated)
  EXPECT_EQ(allowed.exit_code, 0) << allowed.stdout_bytes;
  EXPECT_TRUE(std::filesystem::exists(inside));
  const auto outside = base_ / "outside" / "escape.txt";
  const CaptureResult denied = run_elevated("write_file", {path(outside).str()});
  EXPECT_EQ(denied.exit_code, ERROR_ACCESS_DENIED) << denied.stdout_bytes;
  EXPECT_FALSE(std::filesystem::exists(outside));
  const auto git = base_ / "workspace" / ".git" / "config";
  const CaptureResult git_denied = run_elevated("write_file", {path(git).str()});
  EXPECT_EQ(git_denied.exit_code, ERROR_ACCESS_DENIED) << git_denied.stdout_bytes;
}

// The offline account's firewall rules block outbound connections; with the network enabled
// the same connection succeeds, so the block is the sandbox's doing, not the runner machine's.
TEST_F(SmokeElevatedTest, NetworkRestrictedBlocksOutboundConnections) {
  const CaptureResult online = run_elevated("tcp_connect", {"1.1.1.1", "443"}, true);
  if (needs_setup()) return;  // a failure already (run_elevated)
  ASSERT_EQ(online.exit_code, 0) << "this machine cannot reach 1.1.1.1:443 at all: "
                                 << online.stdout_bytes;
  const CaptureResult offline = run_elevated("tcp_connect", {"1.1.1.1", "443"});
  EXPECT_NE(offline.exit_code, 0) << offline.stdout_bytes;
  EXPECT_NE(offline.stdout_bytes, "connected");
}

}  // namespace
}  // namespace winsandbox
