// `winsandbox setup`: the elevated setup of a sandbox home (docs/setup.md) — run it (full, or
// provision-only without a profile), repair it, uninstall it, show its status or its dry-run
// plan. With a profile (the same inputs as `plan`) the setup covers that profile's roots; without
// one, only the accounts, secrets and firewall (the elevated commands add their grants later).
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_commands.hpp"
#include "resolve_inputs.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/setup.hpp"
#include "winsandbox/spawn_context.hpp"

namespace winsandbox::cli {
namespace {

using Json = nlohmann::ordered_json;

struct SetupOptions {
  ResolveInputOptions inputs;
  std::string sandbox_home;
  std::string proxy_port_policy;
  bool status = false;
  bool repair = false;
  bool uninstall = false;
  bool dry_run = false;
  bool no_prompt = false;
};

bool has_profile(const SetupOptions& options) {
  return !options.inputs.profile_file.empty() || !options.inputs.policy.empty();
}

// --sandbox-home, else %LOCALAPPDATA%\winsandbox (as the executing commands).
WinPath sandbox_home_of(const SetupOptions& options, const Environment& env) {
  if (!options.sandbox_home.empty()) return WinPath::parse(options.sandbox_home);
  const auto local_app_data = env.get("LOCALAPPDATA");
  if (!local_app_data || local_app_data->empty()) {
    throw Error(ErrorCode::invalid_argument,
                "LOCALAPPDATA is not set: pass --sandbox-home DIR (the sandbox home to set up)");
  }
  return WinPath::parse(*local_app_data).join("winsandbox");
}

// The child environment the elevated commands start from: this process's, with --env and
// --env-file applied. Against a snapshot (--fs-snapshot: not this machine) only those, as `plan`.
Environment child_environment(const SetupOptions& options, const ResolveInputs* inputs) {
  Environment env =
      options.inputs.fs_snapshot.empty() ? current_process_environment() : Environment{};
  const Environment given =
      inputs ? inputs->child_env : Environment::from_assignments(options.inputs.env);
  for (const auto& [key, value] : given.entries()) env.set(key, value);
  return env;
}

// Only reads (status, dry run) leave the SID store untouched.
bool writes_state(const SetupOptions& options) {
  return !options.status && !options.dry_run;
}

SetupRequest profile_setup_request(const SetupOptions& options, const ResolveInputs& inputs,
                                   const WinPath& sandbox_home, const Environment& env,
                                   const std::vector<PortRange>& port_policy) {
  const ResolvedPermissions resolved =
      resolve(inputs.profile, inputs.binding, inputs.command_cwd, env, *inputs.fs, inputs.options);
  ElevatedSpawnOverrides overrides;
#ifdef _WIN32
  overrides.state_directory = std::filesystem::path(sandbox_home.str());
#endif
  overrides.sid_store_access =
      writes_state(options) ? SidStoreAccess::read_write : SidStoreAccess::read_only;
  overrides.setup.proxy_port_policy = port_policy;
  const ElevatedSpawnContext context = prepare_elevated_spawn_context_for_permissions(
      resolved, sandbox_home, inputs.command_cwd, env, {"setup"}, overrides, *inputs.fs);
  for (const auto& warning : context.warnings) {
    std::cerr << "winsandbox: warning: " << warning << '\n';
  }
  return context.setup_request;
}

SetupRunMode run_mode_of(const SetupOptions& options, bool profile) {
  if (options.repair) return SetupRunMode::repair;
  if (options.uninstall) return SetupRunMode::uninstall;
  return profile ? SetupRunMode::full : SetupRunMode::provision_only;
}

void print_status(const SetupStatus& status, const GlobalOptions& global) {
  if (global.json) {
    print_line(setup_status_to_json(status));
    return;
  }
  std::string line = "setup: " + std::string(setup_state_name(status.state));
  for (const SetupDrift& reason : status.reasons) {
    line += "\n  " + std::string(setup_drift_kind_name(reason.kind)) + ": " + reason.message;
  }
  print_line(line);
}

int run_setup_command(const SetupOptions& options, const GlobalOptions& global) {
  const bool profile = has_profile(options);
  if (!profile && !options.inputs.profile_cwd.empty()) {
    throw Error(ErrorCode::invalid_argument, "--profile-cwd needs --profile or --policy");
  }
  if (profile && options.inputs.profile_cwd.empty()) {
    throw Error(ErrorCode::invalid_argument, "--profile and --policy need --profile-cwd");
  }
  const std::vector<PortRange> port_policy =
      options.proxy_port_policy.empty() ? std::vector<PortRange>{}
                                        : parse_proxy_port_policy(options.proxy_port_policy);

  std::optional<ResolveInputs> inputs;
  if (profile) inputs.emplace(load_resolve_inputs(options.inputs));
  const Environment env = child_environment(options, inputs ? &*inputs : nullptr);
  const WinPath sandbox_home = sandbox_home_of(options, env);
  const SetupRunMode mode = run_mode_of(options, profile);

  SetupRequest request =
      inputs ? profile_setup_request(options, *inputs, sandbox_home, env, port_policy)
             : provision_only_setup_request(
                   sandbox_home, std::string(env.get("USERNAME").value_or("")), port_policy);

  if (options.dry_run) {
    const std::string plan =
        setup_plan_json(request, mode, known_setup_group_sid(request.sandbox_home));
    print_line(global.json ? plan : Json::parse(plan).dump(2));
    return kExitOk;
  }
  if (options.status) {
    print_status(setup_status(request), global);
    return kExitOk;
  }
  run_setup(request, {.mode = mode, .allow_prompt = !options.no_prompt});
  const SetupStatus after = setup_status(request);
  if (global.json) {
    Json out = Json::object();
    out["mode"] = setup_run_mode_name(mode);
    out["sandbox_home"] = request.sandbox_home.str();
    out["status"] = Json::parse(setup_status_to_json(after));
    print_line(out.dump());
  } else {
    print_line("setup " + setup_run_mode_name(mode) + " done for " + request.sandbox_home.str() +
               "; status: " + std::string(setup_state_name(after.state)));
  }
  return kExitOk;
}

}  // namespace

void add_setup_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<SetupOptions>();
  CLI::App* setup = app.add_subcommand(
      "setup",
      "The elevated backend's one-time setup of a sandbox home: sandbox accounts, secrets, "
      "firewall and WFP rules, and (with a profile) its ACL grants. Shows a UAC prompt unless "
      "already elevated. Without a profile: accounts and firewall only");
  add_resolve_input_options(*setup, options->inputs, /*cwd_required=*/false,
                            /*profile_required=*/false);
  setup->add_option("--sandbox-home", options->sandbox_home,
                    "The sandbox home (default %LOCALAPPDATA%\\winsandbox)");
  setup->add_option("--proxy-port-policy", options->proxy_port_policy,
                    "Loopback ports the host's proxy may use, e.g. 8080,9000-9100: permitted "
                    "once, so a proxy port change inside them needs no new setup");
  auto* status = setup->add_flag("--status", options->status,
                                 "Print whether the setup is missing, current or outdated (and "
                                 "why); changes nothing");
  auto* repair = setup->add_flag("--repair", options->repair,
                                 "Run the setup again: new passwords, every rule and recorded "
                                 "ACE re-applied");
  auto* uninstall = setup->add_flag("--uninstall", options->uninstall,
                                    "Remove the accounts, group, rules, filters, every recorded "
                                    "ACE, the marker and the secrets");
  auto* dry_run = setup->add_flag("--dry-run", options->dry_run,
                                  "Print every account, firewall rule, WFP filter and ACE the "
                                  "run would make (or remove), as JSON; changes nothing");
  // --dry-run combines with --repair / --uninstall: the plan of that mode.
  status->excludes(repair, uninstall, dry_run);
  repair->excludes(uninstall);
  setup->add_flag("--no-prompt", options->no_prompt,
                  "Never show a UAC prompt: fail with setup_required when elevation is needed");
  setup->callback([&runner, options] {
    runner.set([&runner, options] { return run_setup_command(*options, runner.global); });
  });
}

}  // namespace winsandbox::cli
