// `winsandbox resolve` and `winsandbox explain`.
#include <iostream>
#include <memory>

#include "cli_commands.hpp"
#include "resolve_inputs.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::cli {
namespace {

struct ResolveCommandOptions {
  ResolveInputOptions inputs;
  bool elevated = false;  // also check the elevated backend's precondition
};

struct ExplainOptions {
  ResolveInputOptions inputs;
  std::vector<std::string> paths;
};

ResolvedPermissions resolve_inputs(const ResolveInputs& inputs) {
  return resolve(inputs.profile, inputs.binding, inputs.command_cwd, inputs.child_env, *inputs.fs,
                 inputs.options);
}

void print_resolved_text(const ResolvedPermissions& r) {
  std::cout << "token mode:       " << token_mode_name(r.token_mode) << '\n'
            << "network:          " << (r.network.blocked ? "blocked" : "allowed") << " ("
            << (r.network.identity == NetworkIdentity::offline ? "offline" : "online")
            << " identity)\n"
            << "full-disk read:   " << (r.full_disk_read ? "yes" : "no") << '\n';
  for (const auto& root : r.readable_roots) std::cout << "readable root:    " << root.str() << '\n';
  for (const auto& root : r.writable_roots) {
    std::cout << "writable root:    " << root.root.str() << '\n';
    for (const auto& sub : root.read_only_subpaths)
      std::cout << "  read-only:      " << sub.str() << '\n';
  }
  for (const auto& path : r.deny_read) std::cout << "deny read:        " << path.str() << '\n';
}

int run_resolve(const ResolveCommandOptions& options, const GlobalOptions& global) {
  const ResolveInputs inputs = load_resolve_inputs(options.inputs);
  const ResolvedPermissions resolved = resolve_inputs(inputs);
  if (options.elevated) validate_elevated_read_access(resolved, *inputs.fs);
  if (global.json) {
    print_line(resolved_to_json(resolved));
  } else {
    print_resolved_text(resolved);
  }
  return kExitOk;
}

int run_explain(const ExplainOptions& options, const GlobalOptions& global) {
  const ResolveInputs inputs = load_resolve_inputs(options.inputs);
  const ResolvedPermissions resolved = resolve_inputs(inputs);
  std::vector<PathVerdict> verdicts;
  for (const auto& path : options.paths)
    verdicts.push_back(explain(resolved, WinPath::parse(path), *inputs.fs));
  if (global.json) {
    print_line(verdicts_to_json(verdicts));
    return kExitOk;
  }
  for (const auto& v : verdicts) {
    std::cout << v.path.str() << ": read=" << (v.read ? "yes" : "no")
              << " write=" << (v.write ? "yes" : "no") << " (" << v.rule << ")\n";
  }
  return kExitOk;
}

}  // namespace

void add_resolve_commands(CLI::App& app, CommandRunner& runner) {
  auto resolve_options = std::make_shared<ResolveCommandOptions>();
  CLI::App* resolve_cmd =
      app.add_subcommand("resolve", "Resolve a permission profile into Windows-native permissions");
  add_resolve_input_options(*resolve_cmd, resolve_options->inputs, /*cwd_required=*/true);
  resolve_cmd->add_flag("--elevated", resolve_options->elevated,
                        "Also require what the elevated backend needs (readable `:root`)");
  resolve_cmd->callback([&runner, resolve_options] {
    runner.set([&runner, resolve_options] { return run_resolve(*resolve_options, runner.global); });
  });

  auto explain_options = std::make_shared<ExplainOptions>();
  CLI::App* explain_cmd = app.add_subcommand(
      "explain", "Say whether each PATH may be read and written, and which rule decided");
  add_resolve_input_options(*explain_cmd, explain_options->inputs, /*cwd_required=*/true);
  explain_cmd->add_option("PATH", explain_options->paths, "Paths to explain")->required();
  explain_cmd->callback([&runner, explain_options] {
    runner.set([&runner, explain_options] { return run_explain(*explain_options, runner.global); });
  });
}

}  // namespace winsandbox::cli
