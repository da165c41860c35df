// The applied ACL state, `<sandbox_home>/.sandbox/acl_state.json`, and the JSON shapes of ACL
// entries, plans and diffs.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/json_cursor.hpp"
#include "winsandbox/acl_plan.hpp"

namespace winsandbox {

// The names of the ACL enums in every JSON shape (ace_kind_name, ace_origin_name).
inline constexpr EnumNames<AceKind, 4> kAceKindNames{{
    {AceKind::deny_read, "deny_read"},
    {AceKind::deny_write, "deny_write"},
    {AceKind::allow_write, "allow_write"},
    {AceKind::allow_read_execute, "allow_read_execute"},
}};
inline constexpr EnumNames<AceOrigin, 6> kAceOriginNames{{
    {AceOrigin::writable_root, "writable_root"},
    {AceOrigin::read_only_subpath, "read_only_subpath"},
    {AceOrigin::missing_subpath, "missing_subpath"},
    {AceOrigin::deny_read, "deny_read"},
    {AceOrigin::setup_read_root, "setup_read_root"},
    {AceOrigin::world_writable_dir, "world_writable_dir"},
}};

// File format (version 1; pretty-printed):
//
//   {
//     "version": 1,
//     "entries": [
//       {"path": "C:\\repo", "sid": "S-1-5-21-1-2-3-4", "ace": "allow_write",
//        "mask": "0x001301BF", "inheritance": "0x03",
//        "create_directory_if_missing": false, "origin": "writable_root"}
//     ],
//     "world_writable_dirs": ["C:\\Users\\Public\\drop"]
//   }
//
// `entries` are the ACEs the effector reported as applied (record_operations), in plan order.
// Masks and flags are stored, not implied by `ace`, so that a future change of a mask shows up
// in the diff as revoke-old + apply-new. Everything is validated on load (version, fields, kind
// and origin names, SID `S-1-…`, absolute paths, hex values); a file failing any check is
// corrupt and follows the store rule (load_versioned_json): moved to `acl_state.json.corrupt`,
// a warning, and an empty state — the next diff then re-applies every planned ACE, which is
// idempotent on disk, and the old file stays for inspection. (Stale ACEs of the lost state are
// not revoked: the reference's persistent-ACE model, harmless for per-root SIDs.)
class AclStateStore {
public:
  static constexpr std::string_view kDirectory = ".sandbox";
  static constexpr std::string_view kFileName = "acl_state.json";
  static constexpr std::uint64_t kVersion = 1;

  // One locked read-modify-write: holds the store's FileLock from begin() until destroyed, so
  // a whole "diff, apply, record" cycle is serialized across processes (two refreshes never
  // apply the same ACEs twice or record over each other).
  class Transaction {
  public:
    const AclState& state() const noexcept { return state_; }
    // Persists `next` atomically if it differs from what was loaded.
    void commit(const AclState& next);

  private:
    friend class AclStateStore;
    Transaction(FileLock lock, std::filesystem::path file, AclState state)
        : lock_(std::move(lock)), file_(std::move(file)), state_(std::move(state)) {}
    FileLock lock_;
    std::filesystem::path file_;
    AclState state_;
  };

  explicit AclStateStore(std::filesystem::path sandbox_home,
                         std::chrono::milliseconds lock_timeout = FileLock::kDefaultTimeout);

  Transaction begin();
  // The state (empty if none), under the lock for the duration of the read.
  AclState load();
  // The state for a dry run: no lock, and a corrupt file is left in place (a warning, and an
  // empty state). Writes nothing.
  AclState peek();

  const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  std::filesystem::path file_path() const { return home_ / kDirectory / kFileName; }
  std::filesystem::path lock_path() const;

private:
  AclState load_locked();

  std::filesystem::path home_;
  std::chrono::milliseconds lock_timeout_;
  std::vector<std::string> warnings_;
};

Json to_json_value(const AclEntry& entry);
AclEntry acl_entry_from_json(const JsonCursor& cursor);
Json to_json_value(const AclPlan& plan);
Json to_json_value(const AclDiff& diff);
// The state file document (with "version").
Json to_json_value(const AclState& state);
AclState acl_state_from_json(const JsonCursor& cursor);

// `0x001301BF` / `0x03` and back (exactly "0x" + the given number of upper-case hex digits).
std::string format_hex(std::uint32_t value, int digits);

}  // namespace winsandbox
