// The unelevated backend's launch preparation: the stateful steps after the launch planner
// (docs/execution.md#launch-planner) — network stubs, capability SIDs, ACL sync, NUL device,
// restricted token. Capture and session both start their child from a PreparedLaunch.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "win/token.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::win {

// The warning every capture and session with the network blocked carries: this backend only
// steers well-behaved tools (stubs, proxy variables); a program can still open a socket.
inline constexpr char kAdvisoryNetworkWarning[] =
    "network access is restricted only in an advisory way under the unelevated backend (network "
    "stubs first on PATH, proxy variables pointing nowhere): a program that opens a socket "
    "itself is not blocked; the elevated backend enforces the network block";

// What every sandboxed spawn path needs, before anything is launched.
struct SandboxedCommand {
  const PermissionProfile& profile;
  const ProfileBinding& binding;
  const std::vector<std::string>& command;
  const std::string& cwd;  // empty: the first workspace root
  const Environment& env;
  const std::filesystem::path& sandbox_home;
};

// The launch, prepared: input validated, profile resolved, network stubs written (network
// blocked: plan/denybin.hpp, first on the child's PATH), program found, capability SIDs
// assigned, ACLs applied, NUL device granted, restricted token built.
struct PreparedLaunch {
  WinPath application;
  std::string command_line;
  WinPath cwd;
  Environment environment;
  SandboxToken token;
  std::vector<std::string> token_sids;  // the token's restricting SIDs, in token order
  std::vector<std::string> warnings;
};

// The first step of every backend: the request validated (a workspace root, a sandbox home),
// the command cwd checked (absolute, an existing directory; empty: the first workspace root),
// the profile resolved against its binding with `options` (a timed log step).
struct ResolvedCommand {
  ResolvedPermissions resolved;
  WinPath sandbox_home;             // absolute
  std::filesystem::path home_path;  // the same, as a host path
};
ResolvedCommand resolve_sandboxed_command(const SandboxedCommand& command, const FileSystemView& fs,
                                          const ResolveOptions& options = {});

// Errors as run_capture_for_permission_profile documents; bad input, and a profile this backend
// cannot enforce (elevated_backend_required), fails before any permission state (SIDs, ACLs,
// network stubs) is touched. (A later failure, e.g. command_not_found, may follow the writing
// of the network stub directory, which only ever holds the same stubs.)
PreparedLaunch prepare_sandboxed_launch(const SandboxedCommand& command);

}  // namespace winsandbox::win
