#include "resolve_inputs.hpp"

#include <sstream>

#include "cli_common.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox::cli {
namespace {

std::unique_ptr<FileSystemView> open_file_system(const std::string& snapshot_file) {
  if (!snapshot_file.empty()) {
    return std::make_unique<SnapshotFileSystem>(
        SnapshotFileSystem::from_json(read_input(snapshot_file)));
  }
  return open_host_file_system();
}

// `KEY=VALUE` lines; blank lines and lines starting with '#' are skipped.
std::vector<std::string> read_env_file(const std::string& file) {
  std::vector<std::string> assignments;
  std::istringstream lines(read_input(file));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    assignments.push_back(line);
  }
  return assignments;
}

}  // namespace

void add_profile_source_options(CLI::App& command, std::string& profile_file, std::string& policy,
                                bool required) {
  CLI::Option_group* source =
      command.add_option_group("profile source", required ? "Exactly one of:" : "At most one of:");
  source->add_option("--profile", profile_file,
                     "Permission profile JSON file, or - for standard input");
  source->add_option("--policy", policy,
                     "Legacy policy: read-only | workspace-write | JSON SandboxPolicy");
  if (required) {
    source->require_option(1);
  } else {
    source->require_option(0, 1);
  }
}

void add_resolve_input_options(CLI::App& command, ResolveInputOptions& options, bool cwd_required,
                               bool profile_required) {
  add_profile_source_options(command, options.profile_file, options.policy, profile_required);
  auto* profile_cwd = command.add_option("--profile-cwd", options.profile_cwd,
                                         "Directory :project_roots bind to (the workspace root)");
  if (profile_required) profile_cwd->required();
  command.add_option(
      "--workspace-root", options.workspace_roots,
      "Workspace root(s) :project_roots bind to instead of --profile-cwd (repeatable)");
  auto* cwd = command.add_option("--cwd", options.cwd, "Directory the command runs in");
  if (cwd_required) cwd->required();
  command.add_option("--env", options.env, "Child environment variable KEY=VALUE (repeatable)");
  command.add_option("--env-file", options.env_file,
                     "File of KEY=VALUE lines for the child environment");
  command.add_flag("--proxy-enforced", options.proxy_enforced,
                   "A proxy enforces network policy: always use the offline identity");
  command.add_option("--fs-snapshot", options.fs_snapshot,
                     "JSON filesystem snapshot to resolve against instead of the real disk "
                     "(required on non-Windows hosts)");
}

ProfileBinding binding_from_options(const std::string& profile_cwd,
                                    const std::vector<std::string>& workspace_roots) {
  ProfileBinding binding;
  for (const auto& root : workspace_roots) binding.workspace_roots.push_back(WinPath::parse(root));
  if (binding.workspace_roots.empty()) {
    binding = ProfileBinding::for_profile_cwd(WinPath::parse(profile_cwd));
  }
  return binding;
}

ResolveInputs load_resolve_inputs(const ResolveInputOptions& options) {
  auto fs = open_file_system(options.fs_snapshot);
  const WinPath profile_cwd = WinPath::parse(options.profile_cwd);
  PermissionProfile profile =
      options.policy.empty()
          ? profile_from_json(read_input(options.profile_file))
          : profile_from_legacy_policy(parse_policy_string(options.policy), profile_cwd, *fs);

  ProfileBinding binding = binding_from_options(options.profile_cwd, options.workspace_roots);

  std::vector<std::string> assignments;
  if (!options.env_file.empty()) assignments = read_env_file(options.env_file);
  assignments.insert(assignments.end(), options.env.begin(), options.env.end());

  WinPath command_cwd = options.cwd.empty() ? profile_cwd : WinPath::parse(options.cwd);
  return ResolveInputs{std::move(profile),
                       std::move(binding),
                       std::move(command_cwd),
                       Environment::from_assignments(assignments),
                       ResolveOptions{.proxy_enforced = options.proxy_enforced},
                       std::move(fs)};
}

}  // namespace winsandbox::cli
