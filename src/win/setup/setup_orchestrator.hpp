// The library's side of the elevated setup (docs/setup.md#orchestration): before an elevated
// command runs, compare what the sandbox home's setup provisioned (marker, secrets) with what the
// command's SetupRequest needs, and
//
// | status             | what happens                                                      |
// |--------------------|-------------------------------------------------------------------|
// | missing / outdated | winsandbox-setup.exe runs (mode full), elevated, once per home    |
// | current            | the in-process refresh: the setup's ACL grants, additive, through |
// |                    | the applied state — nothing changed: no ACE written, no process   |
//
// How the helper is started:
//
// | condition                                           | launch                          |
// |-----------------------------------------------------|---------------------------------|
// | WINSANDBOX_TEST_SETUP_LAUNCH=direct, or the caller  | CreateProcessW (no prompt)      |
// | is elevated (Administrators, elevated token)        |                                 |
// | otherwise, prompting allowed                        | ShellExecuteExW "runas" (UAC)   |
// | otherwise, prompting forbidden                      | Error(setup_required)           |
//
// At most one setup run per sandbox home at a time: a named mutex guards "check, run, re-check";
// a caller that waited for another's run re-checks and finds the setup current.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "plan/setup_plan.hpp"
#include "win/setup/setup_helper.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/setup_request.hpp"

namespace winsandbox::win {

// The environment variable, and its values: `direct` starts the helper without UAC; `prompt`
// treats the caller as not elevated even when it is (tests of the prompt path and of
// setup_required on an elevated Wine or CI account). Unset or anything else: as the table says.
inline constexpr char kSetupLaunchVariable[] = "WINSANDBOX_TEST_SETUP_LAUNCH";
inline constexpr char kDirectSetupLaunch[] = "direct";
inline constexpr char kPromptSetupLaunch[] = "prompt";

// True when this process's environment selects the direct setup launch / the prompt path / the
// fake machine.
bool direct_setup_launch_selected();
bool prompt_setup_launch_selected();
bool fake_setup_system_selected();
// True when this process runs with an elevated token that is a member of Administrators.
bool process_is_elevated_administrator();

// (winsandbox-setup.exe is found by locate_setup_helper_executable, setup_helper.hpp.)

// `Local\winsandbox-setup-<hash of the sandbox home>`.
std::string setup_mutex_name(const WinPath& sandbox_home);

// The marker as the orchestrator counts it: nullopt when there is none, it cannot be decoded, or
// it was written by the fake machine (`"system":"fake"`) while the fake is not selected.
std::optional<SetupMarker> read_setup_marker(const WinPath& sandbox_home);
// True when the secrets file exists.
bool setup_secrets_present(const WinPath& sandbox_home);
// evaluate_setup_status over the two above.
SetupStatus read_setup_status(const SetupRequest& request);

struct SetupLaunchOptions {
  // False: Error(setup_required) instead of a UAC prompt.
  bool allow_prompt = true;
  // How long a caller waits for another caller's setup run of the same home (and for its own
  // helper): a UAC prompt waits for a human.
  std::chrono::milliseconds timeout = std::chrono::minutes(10);
};

// What ensure_setup did.
struct SetupEnsureResult {
  SetupStatus status;          // what the check found first
  bool helper_ran = false;     // this call ran winsandbox-setup.exe
  std::size_t ace_writes = 0;  // DACL writes of the in-process refresh
  SetupMarker marker;          // the marker the command runs under
};

// The check-run-recheck cycle above for `request` (its mode is ignored: full when the helper
// runs). Errors: setup_required (prompting forbidden), setup_canceled (UAC declined),
// setup_failed ("<code> (stage <stage>): <message>", the report's Windows error; a helper that
// exited 0 without a marker: helper_incomplete), and the refresh's ACL errors.
SetupEnsureResult ensure_setup(const SetupRequest& request, const SetupLaunchOptions& options = {});

// Runs winsandbox-setup.exe once in `request.mode` under the home's setup mutex, waits for it and
// checks its outcome (modes that write a marker: the marker must be there afterwards). Errors as
// ensure_setup.
void run_setup_process(const SetupRequest& request, const SetupLaunchOptions& options = {});

}  // namespace winsandbox::win
