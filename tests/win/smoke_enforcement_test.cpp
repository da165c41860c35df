// windows-smoke tier: what the sandbox enforces, through the public capture and session APIs. Wine
// neither enforces restricted tokens nor persists file DACLs, so every test here skips under Wine
// with the reason; on Windows (the CI windows-latest runner) they must pass.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plan/capability_sid_store.hpp"
#include "plan/plan_test_support.hpp"
#include "win/acl_effector.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/session.hpp"

namespace winsandbox {
namespace {

constexpr char kWineDoesNotEnforce[] =
    "Wine does not enforce restricted tokens or file DACLs; this enforcement check runs on "
    "Windows (windows-smoke)";

class SmokeEnforcementTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (win::test::running_under_wine()) GTEST_SKIP() << kWineDoesNotEnforce;
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

TEST_F(SmokeEnforcementTest, SessionChildTokensCarryTheSameSids) {
  for (const bool tty : {false, true}) {
    SCOPED_TRACE(tty ? "pseudo console" : "pipes");
    SessionRequest r;
    win::test::fill_sandboxed_request(r, workspace(), base_ / "home", "token_info", {});
    r.tty = tty;
    Session session = spawn_session_for_permission_profile(r);
    ASSERT_EQ(session.wait(std::chrono::milliseconds(60000)), std::optional<std::int32_t>(0));
    expect_workspace_token_sids(session.take_stdout(), base_ / "home", workspace());
  }
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

}  // namespace
}  // namespace winsandbox
