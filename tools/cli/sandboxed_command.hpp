// The options `capture` and `session` share: where the profile comes from, what it binds to,
// and the command with its cwd, environment and state directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "resolve_inputs.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::cli {

struct SandboxedCommandOptions {
  std::string profile_file;
  std::string policy;
  std::string profile_cwd;
  std::vector<std::string> workspace_roots;
  std::string cwd;
  std::vector<std::string> env;
  std::string sandbox_home;
  bool private_desktop = false;
  bool elevated = false;
  bool no_setup_prompt = false;  // --no-setup-prompt (with --elevated)
  std::vector<std::string> command;
};

// The elevated setup choices of the options (--no-setup-prompt).
ElevatedSetupOverrides elevated_setup_overrides(const SandboxedCommandOptions& options);

// Registers the options above (COMMAND last, after `--`) on `command`.
void add_sandboxed_command_options(CLI::App& command, SandboxedCommandOptions& options);

// The child environment: this process's environment with the --env assignments applied.
Environment sandboxed_command_environment(const SandboxedCommandOptions& options);

// %LOCALAPPDATA%\winsandbox, the sandbox home every command uses by default
// (Error(invalid_argument) without LOCALAPPDATA).
std::filesystem::path default_sandbox_home(const Environment& env);

// --sandbox-home, else %LOCALAPPDATA%\winsandbox (Error(invalid_argument) without LOCALAPPDATA).
std::filesystem::path sandboxed_command_home(const SandboxedCommandOptions& options,
                                             const Environment& env);

// The profile of --profile (not for --policy, which the legacy adapters convert themselves).
PermissionProfile sandboxed_command_profile(const SandboxedCommandOptions& options);

// Fills the fields CaptureRequest and SessionRequest share.
template <typename Request>
void fill_sandboxed_command_request(const SandboxedCommandOptions& options, Request& request) {
  request.command = options.command;
  request.cwd = options.cwd;
  request.env = sandboxed_command_environment(options);
  request.sandbox_home = sandboxed_command_home(options, request.env);
  request.use_private_desktop = options.private_desktop;
  if (options.policy.empty()) {
    request.profile = sandboxed_command_profile(options);
    request.binding = binding_from_options(options.profile_cwd, options.workspace_roots);
  }
}

// Reports `error` (text or --json) and returns the exit code docs/architecture.md#errors gives it:
// 127 command not found, 126 command cannot start, 125 any other sandbox error.
int report_sandboxed_command_error(const Error& error, const GlobalOptions& global);

}  // namespace winsandbox::cli
