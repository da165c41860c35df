// The parent's preparation of one elevated command (docs/elevated.md#elevated-flow): the same
// validation and resolution as the unelevated backend, the launcher chosen, the spawn context
// (capability SIDs, setup request, child environment) and the runner's spawn_request.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "win/elevated/runner_client.hpp"
#include "win/elevated/runner_launcher.hpp"
#include "win/launch_preparation.hpp"
#include "win/setup/setup_orchestrator.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/ipc.hpp"
#include "winsandbox/spawn_context.hpp"

namespace winsandbox::win {

// The warning every command started through the direct launcher carries.
inline constexpr char kDirectRunnerWarning[] =
    "the elevated runner was started directly as the calling user "
    "(WINSANDBOX_TEST_RUNNER_LAUNCH=direct): writes are confined by the restricted token, but "
    "deny-read and the network block are NOT enforced; use it for tests only";

struct ElevatedLaunch {
  IpcSpawnRequest request;
  std::unique_ptr<RunnerLauncher> launcher;
  WinPath runner;              // winsandbox-runner.exe
  SetupRequest setup_request;  // what the elevated setup must have provisioned for it
  std::vector<std::string> warnings;
  // The production launcher's setup options: a stale password triggers one repair run. Empty
  // for the direct launcher.
  std::optional<SetupLaunchOptions> repair;
};

// In order, nothing written before the input is known good: validate and resolve
// (resolve_sandboxed_command), find the runner, prepare the spawn context (admission for the
// elevated backend, capability SIDs from the sandbox home's store), choose the launcher — the
// production one after ensure_setup (setup_orchestrator.hpp: the helper when the setup is missing
// or outdated, else the in-process refresh of the grants) with the account's stored
// credentials; the direct one without setup, unless the fake setup system is selected — grant
// the NUL device (a warning when it fails), build the spawn_request.
ElevatedLaunch prepare_elevated_launch(const SandboxedCommand& command,
                                       const ElevatedSetupOverrides& setup,
                                       const SpawnRequestOptions& options);

// start_runner with `launch`'s launcher. With the production launcher, a logon the stored
// password no longer opens (Windows error 1326 or 1312) runs the setup once in mode repair and
// tries again with the new credentials; still stale: Error(setup_required). No loops.
RunnerConnection start_elevated_runner(ElevatedLaunch& launch);

}  // namespace winsandbox::win
