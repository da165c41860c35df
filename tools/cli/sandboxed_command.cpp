#include "sandboxed_command.hpp"

#include "resolve_inputs.hpp"
#include "winsandbox/capture.hpp"

namespace winsandbox::cli {
namespace {

constexpr int kExitCommandCannotStart = 126;
constexpr int kExitCommandNotFound = 127;

}  // namespace

void add_sandboxed_command_options(CLI::App& command, SandboxedCommandOptions& options) {
  // COMMAND's own arguments are often Windows-style switches (`cmd /c ...`): never options of
  // ours (CLI11 enables `/x` options by default on Windows).
  command.allow_windows_style_options(false);
  add_profile_source_options(command, options.profile_file, options.policy);
  command
      .add_option("--profile-cwd", options.profile_cwd,
                  "Directory :project_roots bind to (the workspace root)")
      ->required();
  command.add_option("--workspace-root", options.workspace_roots,
                     "Workspace root(s) :project_roots bind to instead of --profile-cwd "
                     "(repeatable; --profile only)");
  command.add_option("--cwd", options.cwd,
                     "Directory the command runs in (default: the profile cwd)");
  command.add_option("--env", options.env,
                     "Set KEY=VALUE in the child environment (repeatable; the child starts "
                     "from this process's environment)");
  command.add_option("--sandbox-home", options.sandbox_home,
                     "State directory (capability SIDs, applied ACLs); default "
                     "%LOCALAPPDATA%\\winsandbox");
  command.add_flag("--private-desktop", options.private_desktop,
                   "Run the command on a desktop of its own (no window messages to, or screen "
                   "reads of, the user's programs)");
  command.add_flag("--elevated", options.elevated,
                   "Use the elevated backend: the command runs as a sandbox account through "
                   "winsandbox-runner.exe, so deny-read and the network block are enforced "
                   "(the first run sets it up: `winsandbox setup`)");
  command.add_flag("--no-setup-prompt", options.no_setup_prompt,
                   "With --elevated: never show the setup's UAC prompt; fail with setup_required "
                   "when the setup must run first");
  command.add_option("command", options.command, "-- COMMAND [ARGS...]")->required();
}

ElevatedSetupOverrides elevated_setup_overrides(const SandboxedCommandOptions& options) {
  ElevatedSetupOverrides setup;
  setup.allow_setup_prompt = !options.no_setup_prompt;
  return setup;
}

Environment sandboxed_command_environment(const SandboxedCommandOptions& options) {
  Environment env = current_process_environment();
  const Environment overrides = Environment::from_assignments(options.env);
  for (const auto& [key, value] : overrides.entries()) env.set(key, value);
  return env;
}

std::filesystem::path default_sandbox_home(const Environment& env) {
  const auto local_app_data = env.get("LOCALAPPDATA");
  if (!local_app_data || local_app_data->empty()) {
    throw Error(ErrorCode::invalid_argument,
                "LOCALAPPDATA is not set: pass --sandbox-home DIR (where capability SIDs and "
                "the applied ACL state are kept)");
  }
  return utf8_path(*local_app_data) / "winsandbox";
}

std::filesystem::path sandboxed_command_home(const SandboxedCommandOptions& options,
                                             const Environment& env) {
  if (!options.sandbox_home.empty()) return utf8_path(options.sandbox_home);
  return default_sandbox_home(env);
}

PermissionProfile sandboxed_command_profile(const SandboxedCommandOptions& options) {
  return profile_from_json(read_input(options.profile_file));
}

int report_sandboxed_command_error(const Error& error, const GlobalOptions& global) {
  const int rc = report_error(error, global);
  if (error.code() == ErrorCode::command_not_found) return kExitCommandNotFound;
  if (error.code() == ErrorCode::command_start_failed) return kExitCommandCannotStart;
  return rc;
}

}  // namespace winsandbox::cli
