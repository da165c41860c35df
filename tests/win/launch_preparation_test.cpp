// The unelevated launch preparation and the elevated spawn context plan through the same
// launch planner (src/plan/launch_plan.hpp): for the same input on the same disk and sandbox
// home they give the child the same environment, command line and restricting SIDs.
#include "win/launch_preparation.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plan/plan_test_support.hpp"
#include "plan/spawn_context.hpp"
#include "test_support.hpp"
#include "win/environment_block.hpp"
#include "win_test_support.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/spawn_context.hpp"

namespace winsandbox {
namespace {

using win::test::win_path_of;

TEST(LaunchPreparation, SameEnvironmentCommandLineAndSidsAsTheElevatedSpawnContext) {
  testing::ScratchDir workspace;
  testing::ScratchDir home;
  std::filesystem::create_directories(workspace.path() / "sub");
  const WinPath root = win_path_of(workspace.path());
  // Network enabled and no git worktree: no backend-specific environment rows apply
  // (tests/plan/launch_plan_test.cpp pins those rows).
  const std::unique_ptr<FileSystemView> fs = open_host_file_system();
  const PermissionProfile profile = profile_from_legacy_policy(
      parse_policy_string(R"({"type":"workspace-write","network_access":true})"), root, *fs);
  const ProfileBinding binding = ProfileBinding::for_profile_cwd(root);
  const std::vector<std::string> command = {win::test::helper_path("print_argv").str(), "a b",
                                            "c\"d"};
  const std::string cwd = root.join("sub").str();
  const Environment env = win::test::base_environment({"WS_MARK=1"});

  const win::PreparedLaunch unelevated =
      win::prepare_sandboxed_launch({profile, binding, command, cwd, env, home.path()});

  const WinPath command_cwd = WinPath::parse(cwd);
  const ResolvedPermissions resolved = resolve(profile, binding, command_cwd, env, *fs);
  ElevatedSpawnOverrides overrides;
  overrides.state_directory = home.path();
  overrides.inherited_path = win::host_variable("PATH");
  overrides.inherited_pathext = win::host_variable("PATHEXT");
  const ElevatedSpawnContext elevated = prepare_elevated_spawn_context_for_permissions(
      resolved, win_path_of(home.path()), command_cwd, env, command, overrides, *fs);

  EXPECT_EQ(unelevated.environment.entries(), elevated.env.entries());
  EXPECT_EQ(unelevated.command_line, elevated.command_line);
  EXPECT_EQ(unelevated.token_sids, elevated.cap_sids);  // one SID store, one token order
  EXPECT_FALSE(unelevated.token_sids.empty());
  EXPECT_TRUE(unelevated.environment.get("WS_MARK"));
}

}  // namespace
}  // namespace winsandbox
