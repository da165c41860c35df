// The inputs shared by `resolve`, `explain`, `plan` and the executing commands: a profile (or
// legacy policy), its binding, the command cwd, the child environment and a filesystem view.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::cli {

struct ResolveInputOptions {
  std::string profile_file;  // --profile FILE|-
  std::string policy;        // --policy STRING
  std::string profile_cwd;   // --profile-cwd DIR
  std::vector<std::string> workspace_roots;
  std::string cwd;  // --cwd DIR (defaults to the profile cwd where allowed)
  std::vector<std::string> env;
  std::string env_file;
  bool proxy_enforced = false;
  std::string fs_snapshot;
};

// Registers the "exactly one of --profile FILE|- / --policy STRING" group (`required` false: at
// most one).
void add_profile_source_options(CLI::App& command, std::string& profile_file, std::string& policy,
                                bool required = true);

// Registers the options on `command`. `cwd_required`: whether --cwd must be given;
// `profile_required` false: the profile source and --profile-cwd are optional (the caller checks
// that --profile-cwd comes with a profile).
void add_resolve_input_options(CLI::App& command, ResolveInputOptions& options, bool cwd_required,
                               bool profile_required = true);

// --workspace-root DIR... when given, else the one root --profile-cwd DIR.
ProfileBinding binding_from_options(const std::string& profile_cwd,
                                    const std::vector<std::string>& workspace_roots);

// The parsed, validated inputs.
struct ResolveInputs {
  PermissionProfile profile;
  ProfileBinding binding;
  WinPath command_cwd;
  Environment child_env;
  ResolveOptions options;
  std::unique_ptr<FileSystemView> fs;
};
ResolveInputs load_resolve_inputs(const ResolveInputOptions& options);

}  // namespace winsandbox::cli
