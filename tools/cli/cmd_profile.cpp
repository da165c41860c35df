// `winsandbox profile check|from-policy`.
#include <memory>

#include "cli_commands.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox::cli {
namespace {

struct ProfileOptions {
  std::string input;
  std::string policy;
  std::string cwd;
};

int run_check(const ProfileOptions& options) {
  const PermissionProfile profile = profile_from_json(read_input(options.input));
  print_line(profile_to_json(profile));
  return kExitOk;
}

int run_from_policy(const ProfileOptions& options) {
  const SandboxPolicy policy = parse_policy_string(options.policy);
  const WinPath cwd = WinPath::parse(options.cwd);
  // Carve-outs for existing `.git`/`.agents` need a disk view; until the Win32 view exists
  // (resolve issue) only the always-protected `.codex` carve-out is emitted.
  print_line(profile_to_json(profile_from_legacy_policy(policy, cwd, EmptyFileSystem{})));
  return kExitOk;
}

}  // namespace

void add_profile_commands(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<ProfileOptions>();
  CLI::App* profile = app.add_subcommand("profile", "Validate and convert permission profiles");
  profile->require_subcommand(1);

  CLI::App* check = profile->add_subcommand(
      "check", "Validate a permission profile (JSON) and print its normalized form");
  check->add_option("FILE", options->input, "Profile JSON file, or - for standard input")
      ->required();
  check->callback([&runner, options] { runner.set([options] { return run_check(*options); }); });

  CLI::App* from_policy = profile->add_subcommand(
      "from-policy", "Convert a legacy policy string (preset or JSON) to a permission profile");
  from_policy
      ->add_option("POLICY", options->policy, "read-only | workspace-write | a JSON SandboxPolicy")
      ->required();
  from_policy->add_option("--cwd", options->cwd, "Workspace directory the policy applies to")
      ->required();
  from_policy->callback(
      [&runner, options] { runner.set([options] { return run_from_policy(*options); }); });
}

}  // namespace winsandbox::cli
