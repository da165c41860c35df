// How the parent starts winsandbox-runner.exe (docs/elevated.md#runner-launch).
//
// | launcher | selected by                               | the runner runs as          | logs    |
// |----------|-------------------------------------------|-----------------------------|---------|
// | logon    | default                                   | the sandbox account         | info    |
// |          |                                           | (CreateProcessWithLogonW,   |         |
// |          |                                           | no profile load)            |         |
// | direct   | WINSANDBOX_TEST_RUNNER_LAUNCH=direct only | the calling user            | warning |
// |          |                                           | (CreateProcessW); tests and |         |
// |          |                                           | Wine, which lacks the logon |         |
// |          |                                           | call; no account, no setup  |         |
//
// Everything after the launch — pipes, handshake, the runner's checks, token, job, frames — is
// the same for both. Neither launcher inherits a handle to the runner: it opens the pipes by
// name, and the pipes' DACL admits only the account it runs as (and the caller).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <windows.h>

#include "win/handles.hpp"
#include "win/sid.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox::win {

// The environment variable, and its one value, that selects the direct launcher.
inline constexpr char kRunnerLaunchVariable[] = "WINSANDBOX_TEST_RUNNER_LAUNCH";
inline constexpr char kDirectRunnerLaunch[] = "direct";

struct RunnerProcess {
  UniqueHandle process;
  DWORD process_id = 0;
};

class RunnerLauncher {
public:
  virtual ~RunnerLauncher() = default;
  // "logon" or "direct", for logs and errors.
  virtual std::string_view name() const = 0;
  // The account the runner will run as: the pipes' DACL grants it access.
  virtual Sid runner_account() const = 0;
  // Starts `runner` with `command_line` (argv[0] included) in `cwd`, with no window and no
  // inherited handles. Throws Error(runner_failed) with the Windows error when it cannot.
  virtual RunnerProcess launch(const WinPath& runner, const std::string& command_line,
                               const WinPath& cwd) = 0;
};

// The credentials of a sandbox account (the setup helper stores them: docs/elevated.md).
struct SandboxAccountCredentials {
  std::string user_name;
  std::string password;
};

// The direct launcher (runs the runner as the calling user).
std::unique_ptr<RunnerLauncher> make_direct_runner_launcher();
// The production launcher: CreateProcessWithLogonW as `account`, LOGON_NETCREDENTIALS_ONLY not
// used, and no LOGON_WITH_PROFILE (loading a profile costs seconds per command).
std::unique_ptr<RunnerLauncher> make_logon_runner_launcher(SandboxAccountCredentials account);

// "exit code N" for a process that has exited, else "still running" (for error messages).
std::string describe_exit(HANDLE process);

// True when this process's environment selects the direct launcher.
bool direct_runner_launch_selected();

// `file_name` in the directory of this process's executable. Error(missing_code) naming
// `needed_by` when it is not there.
WinPath locate_executable_beside_this_process(std::string_view file_name, ErrorCode missing_code,
                                              std::string_view needed_by);

// winsandbox-runner.exe next to this process's executable. Error(runner_failed) when it is not
// there.
WinPath locate_runner_executable();

}  // namespace winsandbox::win
