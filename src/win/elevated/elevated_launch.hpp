// The parent's preparation of one elevated command (docs/elevated.md#elevated-flow): the same
// validation and resolution as the unelevated backend, the launcher chosen, the spawn context
// (capability SIDs, setup request, child environment) and the runner's spawn_request.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "win/elevated/runner_launcher.hpp"
#include "win/launch_preparation.hpp"
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
};

// In order, nothing written before the input is known good: validate and resolve
// (resolve_sandboxed_command), choose the launcher (direct when selected, else the production
// launcher, which needs the setup's stored credentials: Error(setup_required) until they
// exist), find the runner, prepare the spawn context (admission for the elevated backend,
// capability SIDs from the sandbox home's store), grant the NUL device (a warning when it
// fails), build the spawn_request.
ElevatedLaunch prepare_elevated_launch(const SandboxedCommand& command,
                                       const ElevatedSetupOverrides& setup,
                                       const SpawnRequestOptions& options);

}  // namespace winsandbox::win
