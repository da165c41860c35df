// Registration of the CLI's subcommands. Each command parses into its own options and hands
// the work to the runner; main() runs it and maps errors to exit codes.
#pragma once

#include <functional>
#include <utility>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"

namespace winsandbox::cli {

class CommandRunner {
public:
  GlobalOptions global;  // filled by option parsing before any work runs

  void set(std::function<int()> work) { work_ = std::move(work); }
  bool has_work() const { return static_cast<bool>(work_); }
  int run() const { return work_(); }

private:
  std::function<int()> work_;
};

void add_profile_commands(CLI::App& app, CommandRunner& runner);
void add_ipc_commands(CLI::App& app, CommandRunner& runner);
void add_resolve_commands(CLI::App& app, CommandRunner& runner);
void add_capture_commands(CLI::App& app, CommandRunner& runner);
void add_session_command(CLI::App& app, CommandRunner& runner);
void add_plan_command(CLI::App& app, CommandRunner& runner);
void add_setup_command(CLI::App& app, CommandRunner& runner);
void add_selftest_command(CLI::App& app, CommandRunner& runner);

}  // namespace winsandbox::cli
