// `winsandbox plan`: everything the elevated backend would do for one command, as one JSON
// object, without doing it: resolved permissions, capability SIDs, the ACL diff against the
// applied state, the setup request, the child environment, the command line and the runner's
// spawn_request. It writes nothing but the capability SID store (`--dry-run`: nothing at all).
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_commands.hpp"
#include "resolve_inputs.hpp"
#include "winsandbox/acl_plan.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/ipc.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/setup_request.hpp"
#include "winsandbox/spawn_context.hpp"

namespace winsandbox::cli {
namespace {

using Json = nlohmann::ordered_json;

struct PlanOptions {
  ResolveInputOptions inputs;
  std::string sandbox_home;
  std::string state_dir;
  bool dry_run = false;
  std::string sandbox_group_sid;
  std::optional<std::uint64_t> timeout_ms;
  std::vector<std::string> command;
};

// The host directory of the sandbox home's state files: --state-dir, else (Windows) the sandbox
// home itself. Elsewhere the sandbox home is not a host path: a dry run then reads no store,
// and a real run needs --state-dir.
std::filesystem::path state_directory(const PlanOptions& options, const WinPath& sandbox_home) {
  if (!options.state_dir.empty()) return utf8_path(options.state_dir);
#ifdef _WIN32
  return utf8_path(sandbox_home.str());
#else
  (void)sandbox_home;
  if (options.dry_run) return {};
  throw Error(ErrorCode::invalid_argument,
              "--state-dir is required on non-Windows hosts (the sandbox home " +
                  sandbox_home.str() + " is a Windows path); or use --dry-run");
#endif
}

Json parsed(const std::string& text) {
  return Json::parse(text);
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& warning : warnings) std::cerr << "winsandbox: warning: " << warning << '\n';
}

int run_plan(const PlanOptions& options) {
  const ResolveInputs inputs = load_resolve_inputs(options.inputs);
  const WinPath sandbox_home = WinPath::parse(options.sandbox_home);
  const ResolvedPermissions resolved = resolve(inputs.profile, inputs.binding, inputs.command_cwd,
                                               inputs.child_env, *inputs.fs, inputs.options);

  ElevatedSpawnOverrides overrides;
  overrides.state_directory = state_directory(options, sandbox_home);
  overrides.sid_store_access =
      options.dry_run ? SidStoreAccess::read_only : SidStoreAccess::read_write;
  const ElevatedSpawnContext context = prepare_elevated_spawn_context_for_permissions(
      resolved, sandbox_home, inputs.command_cwd, inputs.child_env, options.command, overrides,
      *inputs.fs);

  std::vector<std::string> warnings = context.warnings;
  const AclState applied = peek_applied_acl_state(overrides.state_directory, warnings);
  AclPlanOptions acl_options;
  if (!options.sandbox_group_sid.empty()) {
    acl_options.sandbox_group_sid = options.sandbox_group_sid;
    acl_options.setup_read_roots = context.setup_request.read_roots;
  }
  acl_options.world_writable_dirs = applied.world_writable_dirs;
  const AclDiff diff = diff_acl(plan_acl(resolved, context.capability_sids, acl_options), applied);

  SpawnRequestOptions spawn_options;
  spawn_options.timeout_ms = options.timeout_ms;
  const IpcSpawnRequest spawn_request =
      make_elevated_spawn_request(context, inputs.profile, inputs.binding, sandbox_home,
                                  inputs.command_cwd, options.command, spawn_options);

  const Json context_json = parsed(elevated_spawn_context_to_json(context));
  Json out = Json::object();
  out["resolved"] = parsed(resolved_to_json(resolved));
  out["capability_sids"] = parsed(capability_sids_to_json(context.capability_sids));
  out["capability_sids"]["token"] = context.cap_sids;
  out["acl_diff"] = parsed(acl_diff_to_json(diff));
  out["setup_request"] = context_json.at("setup_request");
  out["env"] = context_json.at("env");
  out["command_line"] = context.command_line;
  out["spawn_request"] = parsed(ipc_message_to_json(spawn_request));
  print_warnings(warnings);
  print_line(out.dump(-1, ' ', false, Json::error_handler_t::replace));
  return kExitOk;
}

}  // namespace

void add_plan_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* plan = app.add_subcommand(
      "plan",
      "Print what running COMMAND in the elevated sandbox would need, as JSON: resolved "
      "permissions, capability SIDs, ACL diff, setup request, environment, command line, "
      "spawn_request");
  add_resolve_input_options(*plan, options->inputs, /*cwd_required=*/false);
  plan->add_option("--sandbox-home", options->sandbox_home,
                   "The sandbox home (absolute Windows path) the plan is for")
      ->required();
  plan->add_option("--state-dir", options->state_dir,
                   "Host directory holding the sandbox home's state files (cap_sids.json, "
                   ".sandbox/acl_state.json); default on Windows: the sandbox home");
  plan->add_flag("--dry-run", options->dry_run,
                 "Write nothing: SIDs missing from the store are generated in memory only");
  plan->add_option("--sandbox-group-sid", options->sandbox_group_sid,
                   "SID of the sandbox users' group (adds its grants and denies to the ACL plan)");
  plan->add_option("--timeout-ms", options->timeout_ms, "Runner timeout for the spawn_request");
  plan->add_option("COMMAND", options->command, "The command and its arguments (after --)")
      ->required();
  plan->callback([&runner, options] { runner.set([options] { return run_plan(*options); }); });
}

}  // namespace winsandbox::cli
