// resolve(): a permission profile + its binding + the command's cwd and environment + a
// filesystem view → the Windows-native permissions the sandbox must enforce.
// Rules: docs/resolution.md#pipeline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox {

// What symbolic `:project_roots` entries (and `codex-project-roots://` globs) bind to: the
// workspace roots — never the command cwd (docs/architecture.md#binding-rule). Roots must be
// absolute and local.
struct ProfileBinding {
  std::vector<WinPath> workspace_roots;

  // The single-cwd API: `permission_profile_cwd` is the one workspace root.
  static ProfileBinding for_profile_cwd(WinPath permission_profile_cwd) {
    return ProfileBinding{{std::move(permission_profile_cwd)}};
  }
};

class GlobExpansionCache;

struct ResolveOptions {
  // A proxy enforces network policy: run as the offline identity even if network is enabled.
  bool proxy_enforced = false;
  // Where deny-read glob expansions persist between commands (include/winsandbox/glob_cache.hpp);
  // null: every glob is walked afresh. It only ever saves work: the result is the same.
  const GlobExpansionCache* glob_cache = nullptr;
  // False: deny-read globs are compiled and kept (deny_read_globs, explain, the elevated read
  // check) but not expanded against the disk, so `deny_read` holds only the exact deny entries.
  // For a caller that needs the profile's decisions but not the matched files: the elevated
  // runner, whose token does not depend on them (the parent's grants enforce them), and which
  // would otherwise walk the workspace a second time per command (docs/elevated.md#runner-checks).
  bool expand_deny_read_globs = true;
};

// Which capability family the restricted token carries.
//
// | mode                      | when                       | token's capability SIDs      |
// |---------------------------|----------------------------|------------------------------|
// | read_only_capability      | no writable roots          | the one read-only SID        |
// | writable_roots_capability | at least one writable root | one SID per writable root    |
enum class TokenMode { read_only_capability, writable_roots_capability };

// Which local account runs the command in the elevated backend.
//
// | identity | when                                   | network                         |
// |----------|----------------------------------------|---------------------------------|
// | offline  | network blocked, or proxy_enforced     | blocked except loopback proxies |
// | online   | network enabled and no enforced proxy  | unrestricted                    |
enum class NetworkIdentity { offline, online };

struct NetworkPermissions {
  bool blocked = true;
  NetworkIdentity identity = NetworkIdentity::offline;
  // Loopback proxy ports the offline identity may reach (sorted, unique); empty for online.
  std::vector<std::uint16_t> proxy_ports;
  // WINSANDBOX_NETWORK_ALLOW_LOCAL_BINDING=1 in the child env (offline identity only).
  bool allow_local_binding = false;
  friend bool operator==(const NetworkPermissions&, const NetworkPermissions&) = default;
};

struct WritableRoot {
  WinPath root;                             // canonical
  std::vector<WinPath> read_only_subpaths;  // writes denied below these (missing ones kept)
  friend bool operator==(const WritableRoot&, const WritableRoot&) = default;
};

// The objects the ACL effector acts on.
struct AclTargets {
  std::vector<WinPath> allow_write;  // existing writable roots
  std::vector<WinPath> deny_write;   // existing read-only subpaths
  // Missing read-only subpaths other than `.git` (and git pointer targets): created as empty
  // directories carrying the deny-write ACE, so the sandbox cannot create them writable.
  std::vector<WinPath> protect_missing;
  friend bool operator==(const AclTargets&, const AclTargets&) = default;
};

struct ResolvedPermissions {
  std::vector<WinPath> workspace_roots;  // canonical, deduplicated
  WinPath command_cwd;                   // canonical
  TokenMode token_mode = TokenMode::read_only_capability;
  NetworkPermissions network;
  bool full_disk_read = false;
  // Include the platform's default read roots (a readable `:minimal` entry).
  bool include_platform_defaults = false;
  std::vector<WinPath> readable_roots;  // empty when full_disk_read
  std::vector<WritableRoot> writable_roots;
  std::vector<WinPath> deny_read;  // exact deny entries (missing kept) + glob matches
  AclTargets acl;
  // The profile's entries after binding, `:tmpdir` expansion and canonicalization: what
  // explain() evaluates.
  std::vector<FileSystemSandboxEntry> bound_entries;
  std::vector<std::string> deny_read_globs;  // bound, absolute glob patterns
  // What the resolution narrowed on its own, for humans (e.g. a TEMP root dropped because it
  // lies inside protected metadata).
  std::vector<std::string> warnings;

  friend bool operator==(const ResolvedPermissions&, const ResolvedPermissions&) = default;
};

// Throws Error with:
// * profile_not_managed — disabled or external profile;
// * filesystem_unrestricted — managed profile with unrestricted filesystem;
// * full_disk_write — the profile grants `:root = write` with nothing narrowing it, or makes a
//   drive root writable through an exact path however spelled (`C:\ = write`, a workspace
//   root, extra root or TEMP at a drive root, a junction to one), carve-outs notwithstanding;
// * unc_path_unsupported — a UNC path or remote drive as workspace root, writable root or cwd;
// * invalid_profile — a project_roots subpath escaping its root, a non-local path entry;
// * invalid_glob — a deny-read glob that does not compile or has no single meaning: empty,
//   rooted without a drive (`\repo\*.env`, `/repo/*.env`), drive-relative (`C:x\*`), or a
//   `codex-project-roots://` glob leaving its root (`..`, a leading separator);
// * writable_root_redirected — a path the resolution grants or puts an ACE on (workspace root,
//   writable root, TEMP root, read-only or deny path, a `.git`/`.agents`/`.codex` subpath)
//   reaches its canonical location through a junction or symlink lying strictly inside a
//   writable root of the same resolution (writable roots counted both as spelled and
//   canonical): the sandboxed command could have made that link. The message names the link
//   and its target. Links outside every writable root (made by the host, e.g. a workspace
//   reached through a junction) are followed as before.
// Other rules:
// * A TEMP/TMP directory at or inside the protected metadata of a writable entry is dropped
//   (a warning in `warnings`): protected metadata always wins over a TEMP root.
// * A `.git` file's `gitdir:` target is protected only when it lies inside a writable root.
// * A deny glob without `**` is expanded no deeper than its own components below its literal
//   base (`C:\*.env` lists `C:\` only), whatever `glob_scan_max_depth` says.
// Nothing is returned partially: either the whole result or an exception.
// The paths of `resolved.writable_roots`, in their order.
std::vector<WinPath> writable_root_paths(const ResolvedPermissions& resolved);

ResolvedPermissions resolve(const PermissionProfile& profile, const ProfileBinding& binding,
                            const WinPath& command_cwd, const Environment& child_env,
                            const FileSystemView& fs, const ResolveOptions& options = {});

// The elevated backend confines writes with ACLs but cannot confine reads (it grants read roots,
// it does not deny the rest of the disk), so it accepts only profiles under which the command
// cwd's filesystem root is readable: readable per the bound entries and not denied by a deny-read
// path or glob (docs/resolution.md#elevated-read-check).
// Throws Error(root_read_required) naming the root and the deciding rule.
void validate_elevated_read_access(const ResolvedPermissions& resolved, const FileSystemView& fs);

// Why a path may or may not be read and written under resolved permissions.
struct PathVerdict {
  WinPath path;  // as canonicalized through the view
  bool read = false;
  bool write = false;
  std::string rule;  // the entry or built-in rule that decided (for humans)
};
PathVerdict explain(const ResolvedPermissions& resolved, const WinPath& path,
                    const FileSystemView& fs);

// JSON of the `winsandbox resolve` / `explain` output (paths with backslashes). The resolve
// output also states, per backend, whether the network block is enforced:
// `"network_enforcement":{"unelevated":"advisory","elevated":"enforced"}` when the offline
// identity is requested (network restricted, or an enforced proxy) — the unelevated backend
// only points the command at the proxies — and `"not_requested"` for both otherwise; and it
// carries `"warnings"` (always present, possibly empty).
std::string resolved_to_json(const ResolvedPermissions& resolved);
std::string verdicts_to_json(const std::vector<PathVerdict>& verdicts);

std::string_view token_mode_name(TokenMode mode) noexcept;

}  // namespace winsandbox
