// The ACL plan: which ACEs the effector must hold on which paths for one command, and the diff
// against what earlier commands already applied, so that a refresh that changes nothing writes
// nothing (ACL work is O(roots), not O(files): docs/acl-and-sids.md#acl-diff).
// Rules: docs/acl-and-sids.md#acl-plan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/capability_sids.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// Access masks and inheritance flags of the ACEs we write (docs/acl-and-sids.md#ace-masks).
//
// | constant              | value      | bits                                                   |
// |-----------------------|------------|--------------------------------------------------------|
// | kAllowWriteMask       | 0x001301BF | FILE_GENERIC_READ|WRITE|EXECUTE (0x001201BF) + DELETE   |
// |                       |            | (0x00010000); deliberately no FILE_DELETE_CHILD (0x40): |
// |                       |            | delete-child on a root would bypass its children's      |
// |                       |            | deny ACEs                                              |
// | kAllowReadExecuteMask | 0x001200A9 | FILE_GENERIC_READ (0x00120089) | FILE_GENERIC_EXECUTE   |
// |                       |            | (0x001200A0)                                           |
// | kDenyWriteMask        | 0x40130156 | FILE_WRITE_DATA|APPEND_DATA|WRITE_EA|WRITE_ATTRIBUTES   |
// |                       |            | (0x116) + FILE_DELETE_CHILD (0x40) + DELETE (0x10000) + |
// |                       |            | READ_CONTROL|SYNCHRONIZE (0x120000, from                |
// |                       |            | FILE_GENERIC_WRITE) + GENERIC_WRITE (0x40000000)        |
// | kDenyReadMask         | 0x80120089 | FILE_GENERIC_READ (0x00120089) + GENERIC_READ           |
// |                       |            | (0x80000000)                                           |
// | kInheritToChildren    | 0x03       | OBJECT_INHERIT_ACE (0x1) | CONTAINER_INHERIT_ACE (0x2)  |
inline constexpr std::uint32_t kAllowWriteMask = 0x001301BF;
inline constexpr std::uint32_t kAllowReadExecuteMask = 0x001200A9;
inline constexpr std::uint32_t kDenyWriteMask = 0x40130156;
inline constexpr std::uint32_t kDenyReadMask = 0x80120089;
inline constexpr std::uint8_t kObjectInheritAce = 0x1;
inline constexpr std::uint8_t kContainerInheritAce = 0x2;
inline constexpr std::uint8_t kInheritToChildren = kObjectInheritAce | kContainerInheritAce;
// NO_PROPAGATE_INHERIT_ACE: inherited one level down only. With kObjectInheritAce alone it
// reaches the files directly in a directory, not its subdirectories (the setup's read grant on
// the sandbox home: docs/setup.md#grants).
inline constexpr std::uint8_t kNoPropagateInheritAce = 0x4;
inline constexpr std::uint8_t kFilesDirectlyInside = kObjectInheritAce | kNoPropagateInheritAce;

// What an ACE does. Every kind is written with kInheritToChildren.
//
// | kind               | ACE type | mask                  | for                                 |
// |--------------------|----------|-----------------------|-------------------------------------|
// | deny_read          | denied   | kDenyReadMask         | sandbox group (elevated backend)    |
// | deny_write         | denied   | kDenyWriteMask        | root capability SIDs                |
// | allow_write        | allowed  | kAllowWriteMask       | root SID; + sandbox group (elevated)|
// | allow_read_execute | allowed  | kAllowReadExecuteMask | sandbox group (setup read roots)    |
enum class AceKind : std::uint8_t { deny_read, deny_write, allow_write, allow_read_execute };

// Why an ACE is planned (for humans and `winsandbox plan`; not part of its identity).
enum class AceOrigin : std::uint8_t {
  writable_root,       // allow_write on an existing writable root
  read_only_subpath,   // deny_write on an existing read-only subpath (`.git`, carve-outs)
  missing_subpath,     // deny_write on a missing protected subpath (`.codex`, `.agents`, ...)
  deny_read,           // deny_read on a deny-read path or glob match
  setup_read_root,     // allow_read_execute for the sandbox group
  world_writable_dir,  // deny_write on an Everyone-writable directory (audit)
};

// One ACE on one path. Identity (what the diff compares): path identity, SID, kind, mask and
// inheritance; `create_directory_if_missing` and `origin` ride along.
struct AclEntry {
  WinPath path;
  std::string sid;
  AceKind kind = AceKind::allow_write;
  std::uint32_t mask = 0;
  std::uint8_t inheritance = 0;
  // The effector creates the path as an empty directory before writing the ACE when it is
  // missing: protected subpaths that do not exist yet (so the sandbox cannot create them
  // writable — docs/resolution.md#protected-metadata; `.git` is never among them) and deny-read
  // paths (docs/acl-and-sids.md#acl-plan). Without the flag a missing path is skipped.
  bool create_directory_if_missing = false;
  AceOrigin origin = AceOrigin::writable_root;

  bool is_deny() const noexcept {
    return kind == AceKind::deny_read || kind == AceKind::deny_write;
  }
  // Same ACE (the diff's identity), ignoring `create_directory_if_missing` and `origin`.
  bool same_ace(const AclEntry& other) const noexcept;
  friend bool operator==(const AclEntry&, const AclEntry&) = default;
};

// An entry of `kind` with that kind's mask and kInheritToChildren.
AclEntry make_acl_entry(WinPath path, std::string sid, AceKind kind, AceOrigin origin,
                        bool create_directory_if_missing = false);

struct AclPlanOptions {
  // The sandbox users' group SID. Present exactly for the elevated backend, where the command
  // runs as a separate account that needs a normal DACL grant (the group) on top of the
  // capability SID's grant, and where deny-read is enforceable (reads are checked against the
  // account's groups, never against a WRITE_RESTRICTED token's capability SIDs).
  std::optional<std::string> sandbox_group_sid;
  // Directories the sandbox group must read and execute (elevated setup read roots). Requires
  // `sandbox_group_sid`.
  std::vector<WinPath> setup_read_roots;
  // Everyone-writable directories found by the last world-writable audit (audit_plan.hpp); the
  // caller passes AclState::world_writable_dirs when no audit ran this time, so the denies
  // keep covering the current token's SIDs.
  std::vector<WinPath> world_writable_dirs;
};

// The ACEs one command needs.
struct AclPlan {
  // Sorted: deny_read, deny_write, allow_write, allow_read_execute; then by path identity, then
  // SID. No two entries are the same ACE.
  std::vector<AclEntry> entries;
  // The audit input the world-writable denies came from (persisted with the applied state).
  std::vector<WinPath> world_writable_dirs;
  friend bool operator==(const AclPlan&, const AclPlan&) = default;
};

// The deny-write rule of every plan: the SIDs of the roots that overlap `path` (contain it or
// lie inside it); every root's SID when none does. Each SID once, in root order.
std::vector<std::string> deny_write_sids(const std::vector<RootCapabilitySid>& roots,
                                         const WinPath& path);

// `entries` in plan order (kind, path identity, SID, mask, inheritance) with duplicate ACEs
// merged: the first origin wins, create_directory_if_missing is OR-ed.
std::vector<AclEntry> in_plan_order(std::vector<AclEntry> entries);

// Builds the plan (docs/acl-and-sids.md#acl-plan):
// * allow_write on every existing writable root (resolved.acl.allow_write) for the SID of the
//   most specific writable root containing it (its own), and for the sandbox group if set;
// * deny_write on every read-only subpath (resolved.acl.deny_write) and missing protected
//   subpath (resolved.acl.protect_missing, create_directory_if_missing) for every root SID whose
//   root overlaps the path (contains it or lies inside it); if none overlaps, for all root SIDs.
//   Read-only mode has no root SIDs and so no such denies (nothing grants its SID a write);
// * deny_read on every resolved.deny_read path for the sandbox group, create_directory_if_missing
//   (missing exact deny paths are materialized, as the reference does);
// * allow_read_execute on every setup read root for the sandbox group, except a path that
//   already gets the group's allow_write (which includes read and execute);
// * deny_write on every world-writable directory outside all writable roots for every token
//   capability SID (audit_plan.hpp: world_writable_deny_entries).
// Throws Error(invalid_profile) when deny-read paths exist without a sandbox group (the
// unelevated backend cannot enforce them; we refuse instead of running less restricted),
// Error(invalid_argument) for read roots without a group, a malformed group SID or a missing
// root SID, Error(token_limit_exceeded) as token_capability_sids.
AclPlan plan_acl(const ResolvedPermissions& resolved, const CapabilitySids& sids,
                 const AclPlanOptions& options = {});

// What earlier commands applied (persisted by the API layer in
// `<sandbox_home>/.sandbox/acl_state.json`; format in src/plan/acl_state.hpp).
struct AclState {
  std::vector<AclEntry> entries;
  std::vector<WinPath> world_writable_dirs;
  friend bool operator==(const AclState&, const AclState&) = default;
};

// What to do with applied ACEs the plan no longer wants.
//
// | mode     | stale entries                | use when                                      |
// |----------|------------------------------|-----------------------------------------------|
// | exact    | revoked                      | one active configuration per sandbox home     |
// |          |                              | (the default; removing a root revokes its ACEs)|
// | additive | kept (reported as retained)  | sessions with different roots share a sandbox |
// |          |                              | home: never pull another session's grants or  |
// |          |                              | denies from under it. Stale allows are        |
// |          |                              | harmless (keyed on per-root SIDs only tokens  |
// |          |                              | of that root carry; the group allow alone     |
// |          |                              | cannot pass the restricted write check);      |
// |          |                              | stale denies fail closed                      |
enum class AclSyncMode { exact, additive };

enum class AclAction { apply, revoke };

// One step for the effector.
// * apply: ensure `entry`'s ACE is present as an explicit ACE on `entry.path` (creating the
//   directory first when `create_directory_if_missing` and the path is missing);
// * revoke: remove the explicit ACEs on `entry.path` for `entry.sid` of `entry.kind`'s ACE type
//   and exactly `entry.mask` — only that ACE. (Not REVOKE_ACCESS, which would drop every ACE
//   of the SID on the path, including a deny this diff just applied.)
struct AclOperation {
  AclAction action = AclAction::apply;
  AclEntry entry;
  friend bool operator==(const AclOperation&, const AclOperation&) = default;
};

struct AclDiff {
  std::vector<AclEntry> to_apply;   // every deny first, then the allows (plan order)
  std::vector<AclEntry> to_revoke;  // allows first, then denies: tighten before loosening
  std::vector<AclEntry> unchanged;  // planned and already applied: nothing to write
  std::vector<AclEntry> retained;   // additive mode: applied, not planned, kept

  // Nothing to apply or revoke: the effector touches no DACL.
  bool empty() const noexcept { return to_apply.empty() && to_revoke.empty(); }
  // The ordered steps: to_apply (denies, then allows), then to_revoke. Denies are in place
  // before any grant widens access, and before anything is revoked, so a profile change never
  // opens a window without its denies.
  std::vector<AclOperation> operations() const;
  friend bool operator==(const AclDiff&, const AclDiff&) = default;
};

// Compares the plan with the applied state (ACE identity, see AclEntry::same_ace).
AclDiff diff_acl(const AclPlan& plan, const AclState& applied,
                 AclSyncMode mode = AclSyncMode::exact);

// The applied state after the effector completed `completed` (a subset of the diff's
// operations, in any order: a failed operation is left out, so a failed apply is retried and a
// failed revoke stays recorded until it succeeds). The audit input becomes the plan's.
AclState record_operations(AclState state, const AclPlan& plan,
                           const std::vector<AclOperation>& completed);

std::string_view ace_kind_name(AceKind kind) noexcept;
std::string_view ace_origin_name(AceOrigin origin) noexcept;

// Compact JSON for `winsandbox plan`. An entry is
// `{"path":"C:\\repo","sid":"S-…","ace":"allow_write","mask":"0x001301BF","inheritance":"0x03",
//   "create_directory_if_missing":false,"origin":"writable_root"}`.
std::string acl_plan_to_json(const AclPlan& plan);
std::string acl_diff_to_json(const AclDiff& diff);

}  // namespace winsandbox
