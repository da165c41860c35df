// Starting a session's command from a launch that is already planned and has its token: the
// unelevated backend (after prepare_sandboxed_launch) and winsandbox-runner.exe (after its
// checks, with the sandbox account's token) attach the command the same way — a job, pipes or a
// pseudo console, a private desktop on request, a reader thread delivering the output.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "win/pseudo_console.hpp"
#include "win/token.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/session.hpp"

namespace winsandbox::win {

struct SessionLaunch {
  WinPath application;
  std::string command_line;  // quoted, argv[0] included
  WinPath cwd;
  Environment environment;
  SandboxTokenRef token;
  // Attached to this pseudo console when set (created by the caller, before anything else, so a
  // bad size fails as bad input), to three pipes otherwise.
  std::optional<PseudoConsole> console;
  bool use_private_desktop = false;
  // As SessionRequest::on_stdout / on_stderr (called on the session's reader thread).
  std::function<void(std::string_view)> on_stdout{};
  std::function<void(std::string_view)> on_stderr{};
  std::vector<std::string> warnings{};
};

// Starts the command; Errors as launch_process.
Session start_session(SessionLaunch launch);

}  // namespace winsandbox::win
