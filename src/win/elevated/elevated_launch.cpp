#include "win/elevated/elevated_launch.hpp"

#include "common/log.hpp"
#include "win/acl_effector.hpp"
#include "win/environment_block.hpp"
#include "win/setup/secrets_file.hpp"
#include "win/setup/setup_orchestrator.hpp"
#include "win/setup/setup_system.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/glob_cache.hpp"

namespace winsandbox::win {
namespace {

std::vector<WinPath> parse_paths(const std::vector<std::string>& paths, std::string_view what) {
  std::vector<WinPath> parsed;
  for (const std::string& path : paths) {
    if (!WinPath::looks_absolute(path)) {
      throw Error(ErrorCode::relative_path,
                  std::string(what) + " `" + path + "` is not an absolute Windows path");
    }
    parsed.push_back(WinPath::parse(path));
  }
  return parsed;
}

SetupRequestOptions setup_options(const ElevatedSetupOverrides& setup) {
  SetupRequestOptions options;
  options.proxy_port_policy = setup.proxy_port_policy;
  if (setup.read_roots_override) {
    options.read_roots = parse_paths(*setup.read_roots_override, "read root override");
  }
  options.read_roots_include_platform_defaults = setup.read_roots_include_platform_defaults;
  if (setup.write_roots_override) {
    options.write_roots = parse_paths(*setup.write_roots_override, "write root override");
  }
  options.extra_deny_read = parse_paths(setup.deny_read_paths_override, "deny-read override");
  options.extra_deny_write = parse_paths(setup.deny_write_paths_override, "deny-write override");
  return options;
}

// The production launcher's credentials: the setup stores them (docs/setup.md#secrets).
SandboxAccountCredentials sandbox_credentials(const SetupRequest& request) {
  SetupSystem system = make_setup_system();
  std::optional<SandboxAccountCredentials> credentials =
      load_sandbox_credentials(request.sandbox_home, request.network_identity, *system.secrets);
  if (!credentials) {
    throw Error(ErrorCode::setup_required,
                "no stored credentials for the sandbox accounts of sandbox home " +
                    request.sandbox_home.str() + ": run `winsandbox setup`");
  }
  return std::move(*credentials);
}

// A logon the account's password no longer opens (1326 bad credentials; 1312 no logon session,
// from the launch or reported by the runner): the secrets are stale, a repair makes new ones.
bool stale_credentials(const Error& error) {
  const auto code = error.win32_error();
  return code && (*code == ERROR_LOGON_FAILURE || *code == ERROR_NO_SUCH_LOGON_SESSION);
}

}  // namespace

ElevatedLaunch prepare_elevated_launch(const SandboxedCommand& command,
                                       const ElevatedSetupOverrides& setup,
                                       const SpawnRequestOptions& options) {
  const std::unique_ptr<FileSystemView> fs = open_host_file_system();
  // The deny-read globs this backend enforces are expanded through the home's cache, so an
  // unchanged workspace costs one check per directory, not a walk
  // (docs/resolution.md#glob-expansion-cache).
  const GlobExpansionCache glob_cache = GlobExpansionCache::in_sandbox_home(command.sandbox_home);
  const ResolvedCommand resolved = resolve_sandboxed_command(
      command, *fs, {.proxy_enforced = setup.proxy_enforced, .glob_cache = &glob_cache});
  ElevatedSpawnOverrides overrides{
      .state_directory = resolved.home_path,
      .sid_store_access = SidStoreAccess::read_write,
      .setup = setup_options(setup),
      .inherited_path = host_variable("PATH"),
      .inherited_pathext = host_variable("PATHEXT"),
  };
  std::vector<std::string> warnings;
  WinPath runner = locate_runner_executable();
  ElevatedSpawnContext context = [&] {
    log::TimedStep step("elevated spawn context");
    ElevatedSpawnContext prepared = prepare_elevated_spawn_context_for_permissions(
        resolved.resolved, resolved.sandbox_home, resolved.resolved.command_cwd, command.env,
        command.command, overrides, *fs);
    step.set_detail(fmt::format("{} capability SID(s) on the token", prepared.cap_sids.size()));
    return prepared;
  }();
  warnings.insert(warnings.end(), context.warnings.begin(), context.warnings.end());
  // The launcher, after the setup it depends on (docs/setup.md#orchestration).
  const SetupLaunchOptions run_options{.allow_prompt = setup.allow_setup_prompt};
  std::unique_ptr<RunnerLauncher> launcher;
  std::optional<SetupLaunchOptions> repair;
  if (direct_runner_launch_selected()) {
    // The warning reaches the caller through the result (the CLI prints it); the log only notes
    // the choice, so a CLI user does not read it twice.
    log::info("elevated: direct runner launch selected (WINSANDBOX_TEST_RUNNER_LAUNCH=direct)");
    warnings.emplace_back(kDirectRunnerWarning);
    // Tests with the fake machine run the orchestration too, to count what it does.
    if (fake_setup_system_selected()) ensure_setup(context.setup_request, run_options);
    launcher = make_direct_runner_launcher();
  } else {
    ensure_setup(context.setup_request, run_options);
    launcher = make_logon_runner_launcher(sandbox_credentials(context.setup_request));
    repair = run_options;
  }
  if (const auto failure = grant_null_device(context.cap_sids)) {
    warnings.push_back("NUL device not granted to the capability SIDs: " + *failure);
  }
  IpcSpawnRequest request =
      make_elevated_spawn_request(context, command.profile, command.binding, resolved.sandbox_home,
                                  resolved.resolved.command_cwd, command.command, options);
  return ElevatedLaunch{
      .request = std::move(request),
      .launcher = std::move(launcher),
      .runner = std::move(runner),
      .setup_request = std::move(context.setup_request),
      .warnings = std::move(warnings),
      .repair = repair,
  };
}

RunnerConnection start_elevated_runner(ElevatedLaunch& launch) {
  try {
    return start_runner(*launch.launcher, launch.runner, launch.request);
  } catch (const Error& error) {
    if (!launch.repair || !stale_credentials(error)) throw;
    log::warn("elevated: the sandbox account's credentials are stale ({}); repairing the setup",
              error.what());
  }
  SetupRequest repair = launch.setup_request;
  repair.mode = SetupMode::repair;
  run_setup_process(repair, *launch.repair);
  launch.launcher = make_logon_runner_launcher(sandbox_credentials(launch.setup_request));
  try {
    return start_runner(*launch.launcher, launch.runner, launch.request);
  } catch (const Error& error) {
    if (!stale_credentials(error)) throw;
    throw Error(ErrorCode::setup_required,
                "the sandbox account's credentials are still rejected after a setup repair (" +
                    std::string(error.what()) + "): run `winsandbox setup --repair`",
                error.win32_error());
  }
}

}  // namespace winsandbox::win
