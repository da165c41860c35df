// `winsandbox selftest`: the enforcement probes on this machine, as a table or JSON
// (docs/selftest.md). Exit 0 when no probe failed (passed, or not verifiable on this host), 1
// when one did, 125 when the self-test itself could not run.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_commands.hpp"
#include "sandboxed_command.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/selftest.hpp"

namespace winsandbox::cli {
namespace {

constexpr int kExitProbeFailed = 1;

struct SelftestCommandOptions {
  bool elevated = false;
  bool list = false;
  bool no_prompt = false;
  std::string sandbox_home;
  std::vector<std::string> probes;
};

// --sandbox-home; with --elevated, else the home the elevated commands use
// (%LOCALAPPDATA%\winsandbox), so the self-test does not set up a second one; else empty (a fresh
// home in the scratch directory).
std::filesystem::path selftest_home(const SelftestCommandOptions& options) {
  if (!options.sandbox_home.empty()) return utf8_path(options.sandbox_home);
  if (!options.elevated) return {};
  return default_sandbox_home(current_process_environment());
}

int list_probes(const SelftestCommandOptions& options, const GlobalOptions& global) {
  std::vector<SelftestBackend> backends{SelftestBackend::unelevated};
  if (options.elevated) backends.push_back(SelftestBackend::elevated);
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const SelftestBackend backend : backends) {
    for (const SelftestProbeInfo& probe : selftest_probes(backend)) {
      if (global.json) {
        rows.push_back({{"probe", probe.name},
                        {"backend", selftest_backend_name(backend)},
                        {"kind", probe_kind_name(probe.kind)},
                        {"expected", probe.expected}});
      } else {
        std::cout << selftest_backend_name(backend) << "\t" << probe_kind_name(probe.kind) << "\t"
                  << probe.name << "\n";
      }
    }
  }
  if (global.json) print_line(rows.dump());
  return kExitOk;
}

int run_selftest_command(const SelftestCommandOptions& options, const GlobalOptions& global) {
  if (options.list) return list_probes(options, global);
  SelftestOptions selftest;
  if (options.elevated) selftest.backends.push_back(SelftestBackend::elevated);
  selftest.sandbox_home = selftest_home(options);
  selftest.only = options.probes;
  selftest.allow_setup_prompt = !options.no_prompt;
  if (!global.json) {
    selftest.on_row = [](const SelftestRow& row) {
      std::cerr << "selftest: " << probe_verdict_name(row.verdict) << "  "
                << selftest_backend_name(row.backend) << "  " << row.probe << " ("
                << row.duration.count() << " ms)\n";
    };
  }
  const SelftestReport report = run_selftest(selftest);
  if (global.json) {
    print_line(selftest_report_to_json(report));
  } else {
    std::cout << selftest_report_to_table(report);
  }
  return report.ok() ? kExitOk : kExitProbeFailed;
}

}  // namespace

void add_selftest_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<SelftestCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "selftest",
      "Run the sandbox's enforcement probes in a temporary workspace on this machine and print, "
      "per probe, what was expected, what was observed and the verdict (passed, failed, or not "
      "verifiable here: Wine enforces nothing). Exit 0 when no probe failed, 1 when one did");
  command->add_flag("--elevated", options->elevated,
                    "Also run the elevated backend's probes (deny-read, network); its setup runs "
                    "first when needed");
  command->add_flag("--no-setup-prompt", options->no_prompt,
                    "Fail the elevated probes with setup_required instead of showing a UAC "
                    "prompt");
  command->add_option("--sandbox-home", options->sandbox_home,
                      "The sandbox home the probes use (default: a fresh one; with --elevated "
                      "%LOCALAPPDATA%\\winsandbox)");
  command->add_option("--probe", options->probes, "Run only this probe (repeatable; exact name)");
  command->add_flag("--list", options->list, "List the probes instead of running them");
  command->callback([&runner, options] {
    runner.set([options, &runner] { return run_selftest_command(*options, runner.global); });
  });
}

}  // namespace winsandbox::cli
