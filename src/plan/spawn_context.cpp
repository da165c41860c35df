// The elevated spawn context (include/winsandbox/spawn_context.hpp). Everything here is
// composed from the one implementation of each piece: plan_launch, CapabilitySidStore,
// token_capability_sids, build_setup_request.
#include "plan/spawn_context.hpp"

#include "plan/acl_state.hpp"
#include "plan/capability_sid_store.hpp"
#include "plan/launch_plan.hpp"
#include "plan/setup_request.hpp"
#include "winsandbox/child_env.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::string_view kSandboxBaseName = ".sandbox";

CapabilitySids assign_sids(const ResolvedPermissions& resolved,
                           const ElevatedSpawnOverrides& overrides, RandomSource& random,
                           std::vector<std::string>& warnings) {
  const std::vector<WinPath> roots = writable_root_paths(resolved);
  if (overrides.sid_store_access == SidStoreAccess::read_write) {
    if (overrides.state_directory.empty()) {
      throw Error(ErrorCode::invalid_argument,
                  "a state directory for the capability SID store is required");
    }
    CapabilitySidStore store(overrides.state_directory, random);
    CapabilitySids sids = store.assign(roots);
    warnings.insert(warnings.end(), store.warnings().begin(), store.warnings().end());
    return sids;
  }
  // Dry run (an empty directory: nothing is read, every SID is new).
  CapabilitySidStore store(overrides.state_directory, random);
  CapabilitySids sids = store.preview(roots);
  warnings.insert(warnings.end(), store.warnings().begin(), store.warnings().end());
  return sids;
}

// The capability SID of each write root of the setup request: the SID of the most specific
// writable root of the command containing it (the root itself, or the profile root a
// %USERPROFILE% child came from). A write root outside every writable root (an override) has no
// SID a token carries, so nothing could write there: refused.
std::vector<std::string> write_root_sids(const std::vector<WinPath>& write_roots,
                                         const CapabilitySids& sids) {
  std::vector<std::string> out;
  out.reserve(write_roots.size());
  for (const auto& root : write_roots) {
    const RootCapabilitySid* best = nullptr;
    for (const auto& candidate : sids.writable_roots) {
      if (root.is_within(candidate.root) &&
          (best == nullptr || candidate.root.is_within(best->root))) {
        best = &candidate;
      }
    }
    if (best == nullptr) {
      throw Error(ErrorCode::invalid_argument,
                  "setup write root `" + root.str() +
                      "` lies outside every writable root of the command (no capability SID)");
    }
    out.push_back(best->sid);
  }
  return out;
}

}  // namespace

ElevatedSpawnContext prepare_elevated_spawn_context_for_permissions(
    const ResolvedPermissions& resolved, const WinPath& sandbox_home, const WinPath& cwd,
    const Environment& env, const std::vector<std::string>& command,
    const ElevatedSpawnOverrides& overrides, const FileSystemView& fs, RandomSource& random) {
  // Admission and the child's environment come from the launch planner every spawn path
  // shares; the runner looks the program up itself (ProgramLookup::deferred).
  LaunchPlan plan = plan_launch(LaunchPlanInput{.backend = SandboxBackend::elevated,
                                                .resolved = resolved,
                                                .command_cwd = cwd,
                                                .sandbox_home = sandbox_home,
                                                .env = env,
                                                .command = command,
                                                .inherited_path = overrides.inherited_path,
                                                .inherited_pathext = overrides.inherited_pathext,
                                                .denybin_directory = std::nullopt,
                                                .program_lookup = ProgramLookup::deferred},
                                fs);
  Environment child_env = std::move(plan.environment);
  std::string command_line = std::move(plan.command_line);

  SetupRequest setup_request =
      build_setup_request(resolved, sandbox_home, child_env, fs, overrides.setup);

  std::vector<std::string> warnings;
  CapabilitySids sids = assign_sids(resolved, overrides, random, warnings);
  std::vector<std::string> cap_sids = token_capability_sids(resolved, sids);
  setup_request.write_root_sids = write_root_sids(setup_request.write_roots, sids);

  const WinPath sandbox_base = sandbox_home.join(kSandboxBaseName);
  return ElevatedSpawnContext{.sandbox_base = sandbox_base,
                              .logs_dir = sandbox_base,
                              .capability_sids = std::move(sids),
                              .cap_sids = std::move(cap_sids),
                              .setup_request = std::move(setup_request),
                              .env = std::move(child_env),
                              .command_line = std::move(command_line),
                              .warnings = std::move(warnings)};
}

ElevatedSpawnContext prepare_elevated_spawn_context_for_permissions(
    const ResolvedPermissions& resolved, const WinPath& sandbox_home, const WinPath& cwd,
    const Environment& env, const std::vector<std::string>& command,
    const ElevatedSpawnOverrides& overrides, const FileSystemView& fs) {
  return prepare_elevated_spawn_context_for_permissions(resolved, sandbox_home, cwd, env, command,
                                                        overrides, fs, system_random_source());
}

IpcSpawnRequest make_elevated_spawn_request(const ElevatedSpawnContext& context,
                                            const PermissionProfile& profile,
                                            const ProfileBinding& binding,
                                            const WinPath& sandbox_home, const WinPath& cwd,
                                            const std::vector<std::string>& command,
                                            const SpawnRequestOptions& options) {
  if (binding.workspace_roots.empty()) {
    throw Error(ErrorCode::invalid_argument, "the profile binding has no workspace root");
  }
  std::optional<std::vector<std::string>> workspace_roots;
  if (binding.workspace_roots.size() > 1) {
    workspace_roots.emplace();
    for (const auto& root : binding.workspace_roots) workspace_roots->push_back(root.str());
  }
  return IpcSpawnRequest{.command = command,
                         .cwd = cwd.str(),
                         .env = context.env,
                         .permission_profile = profile,
                         .permission_profile_cwd = binding.workspace_roots.front().str(),
                         .workspace_roots = std::move(workspace_roots),
                         .sandbox_home = context.sandbox_base.str(),
                         .real_sandbox_home = sandbox_home.str(),
                         .cap_sids = context.cap_sids,
                         .timeout_ms = options.timeout_ms,
                         .tty = options.tty,
                         .stdin_open = options.stdin_open,
                         .use_private_desktop = options.use_private_desktop};
}

AclState peek_applied_acl_state(const std::filesystem::path& state_directory,
                                std::vector<std::string>& warnings) {
  if (state_directory.empty()) return {};
  AclStateStore store(state_directory);
  AclState state = store.peek();
  warnings.insert(warnings.end(), store.warnings().begin(), store.warnings().end());
  return state;
}

Json to_json_value(const ElevatedSpawnContext& context) {
  Json out = Json::object();
  out["sandbox_base"] = context.sandbox_base.str();
  out["logs_dir"] = context.logs_dir.str();
  out["capability_sids"] = to_json_value(context.capability_sids);
  out["cap_sids"] = context.cap_sids;
  out["setup_request"] = to_json_value(context.setup_request);
  Json env = Json::object();
  for (const auto& [key, value] : context.env.entries()) env[key] = value;
  out["env"] = std::move(env);
  out["command_line"] = context.command_line;
  return out;
}

std::string elevated_spawn_context_to_json(const ElevatedSpawnContext& context) {
  return dump_json(to_json_value(context));
}

}  // namespace winsandbox
