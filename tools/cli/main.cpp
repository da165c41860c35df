// winsandbox: command-line front end of the winsandbox library.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli_commands.hpp"
#include "cli_logging.hpp"
#include "winsandbox/version.hpp"

int main(int argc, char** argv) {
  using namespace winsandbox::cli;

  CLI::App app{
      "winsandbox: run commands in a Windows sandbox described by a permission profile.\n"
      "Examples:\n"
      "  winsandbox profile check profile.json\n"
      "  winsandbox profile from-policy workspace-write --cwd C:\\repo\n"
      "  winsandbox capture --policy workspace-write --profile-cwd C:\\repo -- cmd /c echo hi\n"
      "  winsandbox session --policy workspace-write --profile-cwd C:\\repo -- cmd\n"};
  app.set_version_flag("--version", std::string(winsandbox::kVersion));
  app.fallthrough();

  CommandRunner runner;
  app.add_flag("--json", runner.global.json,
               "Machine-readable output; errors as {\"error\":{...}}");
  LogOptions log_options;
  add_log_options(app, log_options);
  add_profile_commands(app, runner);
  add_ipc_commands(app, runner);
  add_resolve_commands(app, runner);
  add_plan_command(app, runner);
  add_setup_command(app, runner);
  add_selftest_command(app, runner);
  add_capture_commands(app, runner);
  add_session_command(app, runner);

  const Utf8ConsoleOutput utf8_console;
  std::vector<std::string> arguments;
  try {
    arguments = utf8_arguments(argc, argv);
  } catch (const winsandbox::Error& e) {
    std::cerr << "winsandbox: " << e.what() << " in the command line\n";
    return kExitUsage;
  }
  std::vector<const char*> utf8_argv;
  for (const auto& argument : arguments) utf8_argv.push_back(argument.c_str());

  try {
    app.parse(static_cast<int>(utf8_argv.size()), utf8_argv.data());
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (!runner.has_work()) {
    std::cerr << app.help() << "A command is required.\n";
    return kExitUsage;
  }
  try {
    install_logger(log_options);
    return runner.run();
  } catch (const winsandbox::Error& e) {
    return report_error(e, runner.global);
  } catch (const std::exception& e) {
    return report_error(winsandbox::Error(winsandbox::ErrorCode::invalid_argument, e.what()),
                        runner.global);
  }
}
