#include "win/elevated/elevated_launch.hpp"

#include "common/log.hpp"
#include "win/acl_effector.hpp"
#include "winsandbox/fs_view.hpp"

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

// The production launcher needs the sandbox account's credentials, which the elevated setup
// stores (docs/elevated.md#setup-request). Until that store exists there are none to load.
std::unique_ptr<RunnerLauncher> choose_launcher(const WinPath& sandbox_home,
                                                std::vector<std::string>& warnings) {
  if (direct_runner_launch_selected()) {
    // The warning reaches the caller through the result (the CLI prints it); the log only notes
    // the choice, so a CLI user does not read it twice.
    log::info("elevated: direct runner launch selected (WINSANDBOX_TEST_RUNNER_LAUNCH=direct)");
    warnings.emplace_back(kDirectRunnerWarning);
    return make_direct_runner_launcher();
  }
  throw Error(ErrorCode::setup_required,
              "the elevated backend needs the sandbox accounts that `winsandbox setup` creates, "
              "and no stored credentials were found for sandbox home " +
                  sandbox_home.str());
}

}  // namespace

ElevatedLaunch prepare_elevated_launch(const SandboxedCommand& command,
                                       const ElevatedSetupOverrides& setup,
                                       const SpawnRequestOptions& options) {
  const std::unique_ptr<FileSystemView> fs = open_host_file_system();
  const ResolvedCommand resolved =
      resolve_sandboxed_command(command, *fs, {.proxy_enforced = setup.proxy_enforced});
  ElevatedSpawnOverrides overrides{
      .state_directory = resolved.home_path,
      .sid_store_access = SidStoreAccess::read_write,
      .setup = setup_options(setup),
      .inherited_path = host_variable(L"PATH"),
      .inherited_pathext = host_variable(L"PATHEXT"),
  };
  std::vector<std::string> warnings;
  std::unique_ptr<RunnerLauncher> launcher = choose_launcher(resolved.sandbox_home, warnings);
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
  };
}

}  // namespace winsandbox::win
