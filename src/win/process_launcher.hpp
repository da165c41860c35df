// Starting one child process inside a job: the single CreateProcess* call site of the library.
// Behaviour: docs/execution.md#process-launcher, except that the child joins its job by
// a suspended start (create suspended -> assign to the job -> resume) instead of the job-list
// attribute, so it has run no instruction outside the job on any Windows version.
#pragma once

#include <optional>
#include <string>

#include <windows.h>

#include "win/desktop.hpp"
#include "win/handles.hpp"
#include "win/job.hpp"
#include "win/token.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox::win {

enum class ConsoleMode {
  inherit,    // a console child shares our console (if we have one)
  no_window,  // CREATE_NO_WINDOW: a console child gets a hidden console of its own
};

// The child's ends of its standard streams. The same handle may appear twice (merged
// stdout/stderr). They become inheritable only for the duration of the launch and are the
// only handles the child inherits (PROC_THREAD_ATTRIBUTE_HANDLE_LIST).
struct StdioHandles {
  HANDLE input = nullptr;
  HANDLE output = nullptr;
  HANDLE error = nullptr;
};

struct LaunchRequest {
  // The executable (lpApplicationName): no search, no guessing from the command line.
  WinPath application;
  // The complete command line, UTF-8, already quoted (quote_command_line), argv[0] included.
  std::string command_line{};
  // Passed verbatim as the child's working directory.
  WinPath cwd;
  // The child's complete environment: nothing of ours is added.
  Environment environment{};
  // As whom it runs: CreateProcessAsUserW with this primary token, always. Required (no
  // default, never null): there is no path that starts a child with this process's own token.
  // The caller keeps the token alive for the launch.
  SandboxTokenRef token;
  // Redirected standard streams. Mutually exclusive with `pseudo_console`.
  std::optional<StdioHandles> stdio{};
  // A ConPTY (PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, the exact HPCON value). The child inherits no
  // handles then; its standard streams are the pseudo console.
  HPCON pseudo_console = nullptr;
  // STARTUPINFO::lpDesktop ("Winsta0\Default", or PrivateDesktop::startup_name()). Empty leaves
  // it unset (the child inherits ours).
  std::string desktop = kDefaultDesktop;
  ConsoleMode console = ConsoleMode::no_window;
};

struct LaunchedProcess {
  UniqueHandle process;
  DWORD process_id = 0;
};

// Starts the child suspended, assigns it to `job`, then resumes it. If the assignment fails the
// child is terminated before it ran and the error is thrown: nothing runs outside its job.
// Throws Error(command_not_found) when the application does not exist, Error(invalid_argument)
// for an invalid request, Error(command_start_failed) when CreateProcess* refuses it (not an
// executable, access denied, a missing cwd), Error(win32_call_failed) for a later step; messages
// name the call, the Win32 error, the application, the cwd and the command line.
LaunchedProcess launch_process(const LaunchRequest& request, JobObject& job);

}  // namespace winsandbox::win
