// The launch planner (src/plan/launch_plan.hpp): admission, the child's environment per
// backend, program lookup now or deferred, and that the elevated spawn context is exactly the
// planner's output (the unelevated side: tests/win/launch_preparation_test.cpp).
#include "plan/launch_plan.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_file_system.hpp"
#include "plan/program_resolution.hpp"
#include "plan/spawn_context.hpp"
#include "plan_test_support.hpp"
#include "test_support.hpp"
#include "winsandbox/command_line.hpp"

namespace winsandbox {
namespace {

using testing::CountingRandom;
using testing::FakeFileSystem;

using testing::p;
const WinPath& kHome = testing::kAliceSandboxHome;

struct Scenario {
  FakeFileSystem fs = [] {
    FakeFileSystem f;
    f.dir("C:\\repo\\sub").dir("C:\\repo\\.git").dir("D:\\scratch");
    f.file("C:\\tools\\git.exe").file("C:\\tools\\build.cmd");
    return f;
  }();
  NetworkAccess network = NetworkAccess::restricted;
  ProfileBinding binding = ProfileBinding::for_profile_cwd(p("C:\\repo"));
  WinPath cwd = p("C:\\repo\\sub");
  Environment env = [] {
    Environment e;
    e.set("PATH", "C:\\tools");
    e.set("USERNAME", "alice");
    return e;
  }();
  std::vector<std::string> command{"git", "commit", "-m", "two words"};

  ResolvedPermissions resolved() const {
    const PermissionProfile profile =
        PermissionProfile::workspace_write_with({p("D:\\scratch")}, network, true, true, fs);
    return resolve(profile, binding, cwd, env, fs);
  }
  LaunchPlanInput input(const ResolvedPermissions& r, SandboxBackend backend,
                        ProgramLookup lookup = ProgramLookup::now) const {
    return LaunchPlanInput{.backend = backend,
                           .resolved = r,
                           .command_cwd = cwd,
                           .sandbox_home = kHome,
                           .env = env,
                           .command = command,
                           .inherited_path = std::nullopt,
                           .inherited_pathext = std::nullopt,
                           .denybin_directory = std::nullopt,
                           .program_lookup = lookup};
  }
};

std::vector<std::string> keys_only_in(const Environment& a, const Environment& b) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : a.entries()) {
    if (!b.get(key)) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(LaunchPlan, LooksTheProgramUpNowInTheChildsPath) {
  Scenario s;
  const ResolvedPermissions r = s.resolved();
  const LaunchPlan plan = plan_launch(s.input(r, SandboxBackend::unelevated), s.fs);
  ASSERT_TRUE(plan.program);
  EXPECT_EQ(plan.program->str(), "C:\\tools\\git.EXE");  // the extension as PATHEXT spells it
  EXPECT_EQ(plan.command_line, R"(git commit -m "two words")");
}

TEST(LaunchPlan, ABatchScriptGetsTheBatchSafeCommandLine) {
  Scenario s;
  s.command = {"build", "x"};
  const ResolvedPermissions r = s.resolved();
  const LaunchPlan plan = plan_launch(s.input(r, SandboxBackend::unelevated), s.fs);
  EXPECT_EQ(plan.program->str(), "C:\\tools\\build.CMD");
  EXPECT_EQ(plan.command_line, command_line_for_program(*plan.program, s.command));
  EXPECT_NE(plan.command_line, quote_command_line(s.command));
}

TEST(LaunchPlan, DeferredLookupLeavesTheProgramToTheRunner) {
  Scenario s;
  s.command = {"not-on-path", "a b"};
  const ResolvedPermissions r = s.resolved();
  EXPECT_WS_ERROR(plan_launch(s.input(r, SandboxBackend::elevated), s.fs),
                  ErrorCode::command_not_found, "");
  const LaunchPlan plan =
      plan_launch(s.input(r, SandboxBackend::elevated, ProgramLookup::deferred), s.fs);
  EXPECT_FALSE(plan.program);
  EXPECT_EQ(plan.command_line, R"(not-on-path "a b")");
}

// The environments of the two backends differ in exactly the rows child_env.hpp documents:
// the advisory no-network variables (unelevated, network blocked) and git safe.directory
// (elevated).
TEST(LaunchPlan, BackendsDifferOnlyInTheDocumentedEnvironmentRows) {
  Scenario s;
  const ResolvedPermissions r = s.resolved();
  ASSERT_TRUE(r.network.blocked);
  const LaunchPlan unelevated = plan_launch(s.input(r, SandboxBackend::unelevated), s.fs);
  const LaunchPlan elevated = plan_launch(s.input(r, SandboxBackend::elevated), s.fs);
  EXPECT_EQ(unelevated.command_line, elevated.command_line);
  EXPECT_EQ(unelevated.program, elevated.program);
  EXPECT_EQ(keys_only_in(unelevated.environment, elevated.environment),
            (std::vector<std::string>{"ALL_PROXY", "CARGO_NET_OFFLINE", "GIT_ALLOW_PROTOCOLS",
                                      "GIT_HTTPS_PROXY", "GIT_HTTP_PROXY", "GIT_SSH_COMMAND",
                                      "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "NPM_CONFIG_OFFLINE",
                                      "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_INDEX",
                                      "SBX_NONET_ACTIVE"}));
  EXPECT_EQ(
      keys_only_in(elevated.environment, unelevated.environment),
      (std::vector<std::string>{"GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"}));
}

TEST(LaunchPlan, AdmissionRefusesBeforeAnythingIsPlanned) {
  Scenario s;
  const ResolvedPermissions r = s.resolved();
  for (const auto& command : std::vector<std::vector<std::string>>{{}, {""}}) {
    s.command = command;
    EXPECT_WS_ERROR(admit_launch(s.input(r, SandboxBackend::unelevated), s.fs),
                    ErrorCode::invalid_argument, "");
  }
  s.command = {"git"};
  const WinPath home_in_workspace = p("C:\\repo\\.winsandbox");
  const LaunchPlanInput base = s.input(r, SandboxBackend::unelevated);
  const LaunchPlanInput inside_root{.backend = base.backend,
                                    .resolved = base.resolved,
                                    .command_cwd = base.command_cwd,
                                    .sandbox_home = home_in_workspace,
                                    .env = base.env,
                                    .command = base.command,
                                    .inherited_path = std::nullopt,
                                    .inherited_pathext = std::nullopt,
                                    .denybin_directory = std::nullopt};
  EXPECT_WS_ERROR(plan_launch(inside_root, s.fs), ErrorCode::invalid_profile, "");
}

TEST(LaunchPlan, TheUnelevatedBackendRefusesReadRestrictions) {
  Scenario s;
  ResolvedPermissions r = s.resolved();
  r.deny_read.push_back(p("C:\\repo\\secret"));
  EXPECT_WS_ERROR(admit_launch(s.input(r, SandboxBackend::unelevated), s.fs),
                  ErrorCode::elevated_backend_required, "C:\\repo\\secret");
  EXPECT_NO_THROW(admit_launch(s.input(r, SandboxBackend::elevated), s.fs));
  r.deny_read.clear();
  r.full_disk_read = false;
  EXPECT_WS_ERROR(admit_launch(s.input(r, SandboxBackend::unelevated), s.fs),
                  ErrorCode::elevated_backend_required, "restricts reads");
}

// The elevated parent's context is the planner's output for the elevated backend, with the
// token's SID list from token_capability_sids — the same functions the unelevated preparation
// calls (tests/win/launch_preparation_test.cpp compares the two on a real disk).
TEST(LaunchPlan, TheElevatedSpawnContextIsThePlannersOutput) {
  Scenario s;
  const ResolvedPermissions r = s.resolved();
  ElevatedSpawnOverrides overrides;
  overrides.sid_store_access = SidStoreAccess::read_only;
  CountingRandom random;
  const ElevatedSpawnContext context = prepare_elevated_spawn_context_for_permissions(
      r, kHome, s.cwd, s.env, s.command, overrides, s.fs, random);
  const LaunchPlan plan =
      plan_launch(s.input(r, SandboxBackend::elevated, ProgramLookup::deferred), s.fs);
  EXPECT_EQ(context.env.entries(), plan.environment.entries());
  EXPECT_EQ(context.command_line, plan.command_line);
  EXPECT_EQ(context.cap_sids, token_capability_sids(r, context.capability_sids));
}

}  // namespace
}  // namespace winsandbox
