// The elevated setup's logic (docs/setup.md): what winsandbox-setup.exe does with a request,
// over the machine seams of a SetupSystem, so every mode runs against the recording fake in
// tests and against the real machine in the helper.
//
// | mode           | state dirs | group, accounts, secrets | firewall, WFP | ACL grants        |
// marker |
// |----------------|------------|--------------------------|---------------|-------------------|--------|
// | full           | locked     | ensured                  | ensured       | synced (additive) |
// last   | | refresh        | -          | -                        | -             | synced
// (additive) | -      | | provision-only | locked     | ensured                  | ensured       |
// -                 | last   | | repair         | locked     | ensured                  | ensured
// | every recorded    | last   | |                |            |                          | | ACE
// re-applied,   |        | |                |            |                          | | then synced
// |        | | uninstall      | -          | removed                  | removed       | every
// recorded    | removed| |                |            |                          |               |
// ACE revoked       |        |
//
// A marker is deleted before anything else changes and written only after every step
// succeeded. A failure stops the run, and `<home>\.sandbox\setup_error.json` gets the
// SetupErrorReport (a stale one is deleted at the start). Uninstall keeps going past failures
// and ends with uninstall_incomplete naming what stayed.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/setup_plan.hpp"
#include "win/setup/setup_system.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/setup_request.hpp"

namespace winsandbox::win {

// Exit codes of winsandbox-setup.exe.
inline constexpr int kSetupHelperSucceeded = 0;
inline constexpr int kSetupHelperFailed = 1;  // setup_error.json holds the report
inline constexpr int kSetupHelperUsage = 2;   // bad arguments; nothing touched

// "winsandbox-setup.exe".
inline constexpr wchar_t kSetupHelperFileName[] = L"winsandbox-setup.exe";
// How long the helper waits for its request.
inline constexpr std::chrono::milliseconds kSetupRequestTimeout{60000};

struct SetupOutcome {
  // nullopt: every step succeeded.
  std::optional<SetupErrorReport> error;
  // Non-fatal trouble (a WFP failure, a best-effort step).
  std::vector<std::string> warnings;
  // The marker written (full, provision-only, repair on success).
  std::optional<SetupMarker> marker;
  // DACL writes the ACL step made.
  std::size_t acl_writes = 0;

  bool ok() const noexcept { return !error; }
};

struct SetupRunOptions {
  // Called between steps; throws to stop the run (the helper's parent died): the step in
  // progress finishes, nothing after it starts, no marker is written, the exception's message
  // becomes the report (code unknown, stage of the next step).
  std::function<void()> between_steps;
};

// Runs `request.mode` on `system`. Never throws for a step's failure (see SetupOutcome::error);
// the report is also written to setup_error.json.
SetupOutcome run_setup(const SetupRequest& request, SetupSystem& system,
                       const SetupRunOptions& options = {});

// The protected DACLs the setup gives its state directories (docs/setup.md#state-directories),
// as SDDL, every ACE inherited by files and subdirectories:
// * `.sandbox`: SYSTEM, Administrators and the real user full access; nothing for the group
//   (it holds acl_state.json and the marker: a sandboxed command must not rewrite the record
//   of what was granted or denied);
// * `.sandbox-bin`: the same, and read + execute for the group;
// * `.sandbox-secrets`: the group denied everything, SYSTEM and the real user full access.
std::string state_directory_sddl(std::string_view directory_name, std::string_view group_sid,
                                 std::string_view real_user_sid);

// winsandbox-setup.exe's whole life (`args` excludes argv[0]): --request-pipe=<name>
// --parent-pid=<pid>, any order. Returns the exit code.
int run_setup_helper(const std::vector<std::wstring>& args);

// winsandbox-setup.exe next to this process's executable. Error(setup_failed,
// "launch_failed (stage launch): ... is missing") when it is not there. Defined by the setup
// orchestration (setup_orchestrator.cpp), which is its only user.
WinPath locate_setup_helper_executable();

}  // namespace winsandbox::win
