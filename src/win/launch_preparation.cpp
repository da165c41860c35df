#include "win/launch_preparation.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <windows.h>

#include "common/log.hpp"
#include "plan/capability_sid_store.hpp"
#include "plan/denybin.hpp"
#include "plan/launch_plan.hpp"
#include "plan/random_source.hpp"
#include "win/acl_effector.hpp"
#include "win/environment_block.hpp"
#include "win/handles.hpp"
#include "win/unicode.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::win {

namespace {

// The command cwd, checked: absolute, and an existing directory.
WinPath command_cwd(const SandboxedCommand& request, const FileSystemView& fs) {
  const std::string text =
      request.cwd.empty() ? request.binding.workspace_roots.front().str() : request.cwd;
  if (!WinPath::looks_absolute(text)) {
    throw Error(ErrorCode::relative_path,
                "the command cwd `" + text + "` is not an absolute Windows path");
  }
  const WinPath cwd = WinPath::parse(text);
  if (!fs.is_directory(cwd)) {
    throw Error(ErrorCode::invalid_path,
                "the command cwd `" + cwd.str() + "` does not exist or is not a directory");
  }
  return cwd;
}

// The API's own inputs (admit_launch checks the command).
void validate(const SandboxedCommand& request) {
  if (request.binding.workspace_roots.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "no workspace root given (permission_profile_cwd or workspace_roots)");
  }
  if (request.sandbox_home.empty()) {
    throw Error(ErrorCode::invalid_argument, "no sandbox home given");
  }
}

}  // namespace

ResolvedCommand resolve_sandboxed_command(const SandboxedCommand& request, const FileSystemView& fs,
                                          const ResolveOptions& options) {
  validate(request);
  const WinPath cwd = command_cwd(request, fs);
  log::TimedStep step("resolve");
  ResolvedPermissions permissions =
      resolve(request.profile, request.binding, cwd, request.env, fs, options);
  step.set_detail(fmt::format("{} writable root(s), network {}", permissions.writable_roots.size(),
                              permissions.network.blocked ? "blocked" : "enabled"));
  const std::filesystem::path home_path = std::filesystem::absolute(request.sandbox_home);
  return ResolvedCommand{std::move(permissions), WinPath::parse(to_utf8(home_path.wstring())),
                         home_path};
}

PreparedLaunch prepare_sandboxed_launch(const SandboxedCommand& request) {
  // Everything that can be wrong with the input fails here, before any state is touched.
  const std::unique_ptr<FileSystemView> fs = open_host_file_system();
  // This backend refuses every deny-read glob (admission: elevated_backend_required), so it never
  // walks the workspace to expand one.
  const ResolvedCommand resolved_command =
      resolve_sandboxed_command(request, *fs, {.expand_deny_read_globs = false});
  const ResolvedPermissions& resolved = resolved_command.resolved;
  const std::filesystem::path& home_path = resolved_command.home_path;
  const WinPath& sandbox_home = resolved_command.sandbox_home;
  LaunchPlanInput plan_input{
      .backend = SandboxBackend::unelevated,
      .resolved = resolved,
      .command_cwd = resolved.command_cwd,
      .sandbox_home = sandbox_home,
      .env = request.env,
      .command = request.command,
      .inherited_path = host_variable("PATH"),
      .inherited_pathext = host_variable("PATHEXT"),
      .denybin_directory = std::nullopt,
      .program_lookup = ProgramLookup::now,
  };
  {
    log::TimedStep step("admission");
    admit_launch(plan_input, *fs);
  }

  // The stubs are written before the program is resolved, so a bare `ssh` finds its stub even
  // on the first run (resolution reads the disk). Their directory is our state, not input, and
  // writing it is idempotent: it may happen although a later check rejects the command.
  if (resolved.network.blocked) {
    log::TimedStep step("network stubs");
    plan_input.denybin_directory =
        WinPath::parse(to_utf8(ensure_denybin_directory(home_path).wstring()));
  }
  LaunchPlan plan = [&] {
    log::TimedStep step("program resolution");
    LaunchPlan planned = plan_admitted_launch(plan_input, *fs);
    step.set_detail(planned.program->str());
    return planned;
  }();

  // State: SIDs, then ACLs (rolled back by the effector if a step fails).
  CapabilitySidStore sid_store(request.sandbox_home, system_random_source());
  CapabilitySids sids;
  std::vector<std::string> token_sids;
  {
    log::TimedStep step("capability SIDs");
    sids = sid_store.assign_for(resolved);
    token_sids = token_capability_sids(resolved, sids);
    step.set_detail(fmt::format("{} on the token", token_sids.size()));
  }
  {
    // Additive: one sandbox home serves every workspace (the CLI default is per user), and a
    // command must never pull the grants or denies of another one still running from under
    // it. Stale allows are harmless (per-root SIDs only that root's tokens carry); stale denies
    // fail closed.
    log::TimedStep step("ACL sync");
    Win32FileDaclAccess files;
    const AclSyncResult synced =
        sync_acls(resolved, sids, {}, request.sandbox_home, files, AclSyncMode::additive);
    step.set_detail(fmt::format("{} ACE(s) written, {} unchanged", synced.outcome.writes,
                                synced.diff.unchanged.size()));
  }

  std::vector<std::string> warnings = sid_store.warnings();
  if (resolved.network.blocked) warnings.emplace_back(kAdvisoryNetworkWarning);
  if (const auto failure = grant_null_device(token_sids)) {
    warnings.push_back("NUL device not granted to the capability SIDs: " + *failure);
  }
  SandboxToken token = [&] {
    log::TimedStep step("token");
    const UniqueHandle base_token = open_current_process_token();
    return create_restricted_token(base_token.get(), RestrictedTokenSpec{token_sids, {}});
  }();
  return PreparedLaunch{
      .application = std::move(*plan.program),
      .command_line = std::move(plan.command_line),
      .cwd = resolved.command_cwd,
      .environment = std::move(plan.environment),
      .token = std::move(token),
      .token_sids = std::move(token_sids),
      .warnings = std::move(warnings),
  };
}

}  // namespace winsandbox::win
