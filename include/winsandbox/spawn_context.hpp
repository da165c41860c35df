// The elevated spawn context: everything the parent prepares before it starts
// winsandbox-runner.exe as a sandbox account — capability SIDs, the setup request, the child
// environment, the command line — and the runner's `spawn_request`
// (docs/elevated.md#spawn-context).
// Credentials are not fetched here: the Win32 layer supplies them later.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "winsandbox/acl_plan.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/ipc.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/setup_request.hpp"

namespace winsandbox {

// How the capability SID store (`<state_directory>/cap_sids.json`) is used.
//
// | access     | existing SIDs | missing SIDs                       | disk                      |
// |------------|---------------|------------------------------------|---------------------------|
// | read_write | reused        | created and persisted (locked)     | cap_sids.json (+ .lock)   |
// | read_only  | reused        | generated in memory only (dry run) | nothing written, no lock  |
enum class SidStoreAccess { read_write, read_only };

struct ElevatedSpawnOverrides {
  // The host directory holding the sandbox home's state files (cap_sids.json,
  // .sandbox/acl_state.json). On Windows it is the sandbox home itself; it is separate so that
  // plans can be made on other hosts (the sandbox home is a Windows path). Empty with read_only
  // access: no store is read, every SID is generated in memory.
  std::filesystem::path state_directory;
  SidStoreAccess sid_store_access = SidStoreAccess::read_write;
  // The setup request's choices (mode, accounts, real user, root overrides, extra denies).
  SetupRequestOptions setup;
  // The host PATH / PATHEXT for a child environment that has none
  // (ChildEnvironmentOptions::inherited_path / inherited_pathext).
  std::optional<std::string> inherited_path;
  std::optional<std::string> inherited_pathext;
};

struct ElevatedSpawnContext {
  WinPath sandbox_base;  // <sandbox_home>\.sandbox: the runner's work and log directory
  WinPath logs_dir;      // where sandbox.log goes (= sandbox_base)
  // The SIDs of this command as handed out by the store, and the token's list in token order
  // (token_capability_sids: the read-only SID, or one per writable root sorted by identity).
  CapabilitySids capability_sids;
  std::vector<std::string> cap_sids;
  SetupRequest setup_request;
  Environment env;                    // build_child_environment, elevated backend
  std::string command_line;           // quote_command_line(command)
  std::vector<std::string> warnings;  // e.g. a corrupt SID store moved aside
};

// Prepares the context for running `command` in `cwd` under `resolved` (which must have been
// resolved against the profile's binding, never the command cwd:
// docs/architecture.md#binding-rule):
// * env = build_child_environment(env, elevated backend, network from `resolved`, safe.directory
//   for `cwd` and the writable roots, inherited PATH/PATHEXT from `overrides`);
// * setup_request = build_setup_request(resolved, sandbox_home, <that env>, fs, overrides.setup),
//   with write_root_sids: each write root's capability SID (that of the most specific writable
//   root containing it);
// * capability SIDs from the store under overrides.state_directory (SidStoreAccess), for the
//   writable roots of `resolved`; cap_sids in token order;
// * command_line = quote_command_line(command).
// Nothing is created on disk except what read_write SID assignment writes. Throws
// Error(invalid_argument) for an empty command or program name, a NUL in it, or a missing state
// directory with read_write access, or a setup write root (an override) outside every writable
// root, which no capability SID covers; Error(invalid_profile) when a writable root overlaps the
// sandbox home (equal, inside it, or containing it: the token's root SID would write the
// sandbox's own state — SID store, applied ACLs, marker, secrets; the setup request alone
// dropping the root is not enough, the token and the ACL plan carry it too);
// Error(root_read_required) when the cwd's filesystem root is not readable
// (validate_elevated_read_access); Error(token_limit_exceeded) for too many writable roots;
// Error(io_error) for store failures.
ElevatedSpawnContext prepare_elevated_spawn_context_for_permissions(
    const ResolvedPermissions& resolved, const WinPath& sandbox_home, const WinPath& cwd,
    const Environment& env, const std::vector<std::string>& command,
    const ElevatedSpawnOverrides& overrides, const FileSystemView& fs);

// Runner knobs of the spawn request.
struct SpawnRequestOptions {
  std::optional<std::uint64_t> timeout_ms;
  bool tty = false;
  bool stdin_open = false;
  bool use_private_desktop = false;
};

// The runner's first frame (docs/elevated.md#spawn-request): the caller's *unmaterialized*
// profile with its binding — permission_profile_cwd = the first workspace root, and
// workspace_roots only when there are several — so the runner resolves exactly as the parent
// did; sandbox_home = context.sandbox_base (the runner's log dir), real_sandbox_home =
// `sandbox_home`; cwd = `cwd`; env, cap_sids from the context. Throws Error(invalid_argument)
// for a binding without roots.
IpcSpawnRequest make_elevated_spawn_request(const ElevatedSpawnContext& context,
                                            const PermissionProfile& profile,
                                            const ProfileBinding& binding,
                                            const WinPath& sandbox_home, const WinPath& cwd,
                                            const std::vector<std::string>& command,
                                            const SpawnRequestOptions& options = {});

// The applied ACL state under `state_directory` (`.sandbox/acl_state.json`), read without
// writing anything: no lock, a corrupt file left in place (a warning). Missing file or empty
// directory: an empty state.
AclState peek_applied_acl_state(const std::filesystem::path& state_directory,
                                std::vector<std::string>& warnings);

// `{"sandbox_base":…,"logs_dir":…,"capability_sids":{…},"cap_sids":[…],"setup_request":{…},
//   "env":{…},"command_line":"…"}` (compact).
std::string elevated_spawn_context_to_json(const ElevatedSpawnContext& context);

}  // namespace winsandbox
