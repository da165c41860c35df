// `winsandbox session`: run one command in the sandbox attached to this terminal (a pseudo
// console when stdin is a console) and exit with its exit code.
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "cli_commands.hpp"
#include "sandboxed_command.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/session.hpp"

namespace winsandbox::cli {
namespace {

struct SessionOptions {
  SandboxedCommandOptions command;
  TerminalMode mode = TerminalMode::automatic;
};

int run_session(const SessionOptions& options, const GlobalOptions& global) {
  try {
    SessionRequest request;
    fill_sandboxed_command_request(options.command, request);
    const std::string& policy = options.command.policy;
    const std::string& policy_cwd = options.command.profile_cwd;
    SessionSpawner spawn = [&](const SessionRequest& prepared) {
      if (options.command.elevated) {
        ElevatedProfileSessionRequest elevated{.session = prepared,
                                               .setup = elevated_setup_overrides(options.command)};
        return policy.empty() ? spawn_session_for_permission_profile_elevated(elevated)
                              : spawn_session_elevated_for_policy(policy, policy_cwd, elevated);
      }
      return policy.empty() ? spawn_session_for_permission_profile(prepared)
                            : spawn_session_for_policy(policy, policy_cwd, prepared);
    };
    return run_session_in_this_terminal(std::move(request), options.mode, spawn);
  } catch (const Error& error) {
    return report_sandboxed_command_error(error, global);
  }
}

}  // namespace

void add_session_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<SessionOptions>();
  CLI::App* session = app.add_subcommand(
      "session",
      "Run COMMAND in the sandbox attached to this terminal: raw input, resize and Ctrl-C reach "
      "it through a pseudo console when stdin is a console; otherwise stdin/stdout/stderr are "
      "piped. Exits with its exit code (125 sandbox error, 126 cannot start, 127 not found)");
  const std::map<std::string, TerminalMode> modes{{"auto", TerminalMode::automatic},
                                                  {"on", TerminalMode::pseudo_console},
                                                  {"off", TerminalMode::pipes}};
  session
      ->add_option("--tty", options->mode,
                   "auto: a pseudo console when stdin is a console; on: always; off: pipes")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case))
      ->default_str("auto");
  add_sandboxed_command_options(*session, options->command);
  session->callback([&runner, options] {
    runner.set([&runner, options] { return run_session(*options, runner.global); });
  });
}

}  // namespace winsandbox::cli
