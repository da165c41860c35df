// CapabilitySidStore: the persistent capability SIDs of one sandbox home,
// `<sandbox_home>/cap_sids.json` (docs/acl-and-sids.md#sid-store).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/json_cursor.hpp"
#include "plan/random_source.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {

// What the file holds. Keys of `writable_roots` are WinPath identities
// (docs/architecture.md#path-identity: upper-case,
// `\` separators, no verbatim prefix, no trailing separator), so every spelling of a root maps
// to one SID.
struct StoredCapabilitySids {
  std::string read_only;                              // empty until first needed
  std::map<std::string, std::string> writable_roots;  // identity -> SID, sorted
  friend bool operator==(const StoredCapabilitySids&, const StoredCapabilitySids&) = default;
};

// File format (version 1; pretty-printed, keys sorted):
//
//   {
//     "version": 1,
//     "read_only": "S-1-5-21-1-2-3-4",
//     "writable_roots": { "C:\\REPO": "S-1-5-21-5-6-7-8" }
//   }
//
// Everything is validated on load: the version, no unknown fields, every SID
// `S-1-5-21-a-b-c-d` (is_capability_sid), every key a WinPath identity, and no SID used twice
// (two roots sharing a SID would let one root's token write the other). A file failing any of
// these is corrupt: load_versioned_json moves it to `cap_sids.json.corrupt`, records a warning,
// and the store starts afresh (new SIDs; ACEs for the old ones become stale and the ACL diff
// revokes them). A file from a newer version is never touched (Error(io_error)).
//
// Concurrency: every read-modify-write holds FileLock(`cap_sids.json.lock`), and the file is
// replaced atomically, so concurrent processes never lose each other's SIDs and never see a
// torn file. (The reference overwrote `cap_sid` in place without a lock; a torn read made a
// process regenerate every SID — openai/codex #26438.)
class CapabilitySidStore {
public:
  static constexpr std::string_view kFileName = "cap_sids.json";
  static constexpr std::uint64_t kVersion = 1;

  // `sandbox_home` is a host-native directory (created on first write). `random` must outlive
  // the store.
  CapabilitySidStore(std::filesystem::path sandbox_home, RandomSource& random,
                     std::chrono::milliseconds lock_timeout = FileLock::kDefaultTimeout);

  // The SIDs for a command whose writable roots are `writable_roots` (any order, duplicates by
  // identity allowed): the read-only SID plus one SID per root, creating and persisting the ones
  // that do not exist yet (and the read-only SID on first use) in one locked transaction. Roots
  // already in the store keep their SID forever. Throws Error(token_limit_exceeded) — before
  // touching the disk — when there are more roots than kMaxTokenCapabilitySids, and
  // Error(io_error) for file and lock failures.
  CapabilitySids assign(const std::vector<WinPath>& writable_roots);

  // assign() for the writable roots of `resolved`.
  CapabilitySids assign_for(const ResolvedPermissions& resolved);

  // The stored SIDs without creating any (still under the lock; a corrupt file is moved aside).
  StoredCapabilitySids read();

  // assign() for a dry run: the same result shape, but the disk is never written — no lock
  // file, no move-aside of a corrupt file (a warning instead), no new file. Roots already in
  // the store get their stored SID; missing ones (and a missing read-only SID) get fresh SIDs
  // that exist only in the returned value, so a later assign() hands out different ones. A
  // store with an empty `sandbox_home` reads nothing: every SID is new.
  CapabilitySids preview(const std::vector<WinPath>& writable_roots);

  // Warnings from loads so far (a corrupt file that was moved aside), oldest first.
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }

  std::filesystem::path file_path() const { return home_ / kFileName; }
  std::filesystem::path lock_path() const;

private:
  StoredCapabilitySids load_locked();
  // The SIDs of `roots` (unique, sorted), adding missing ones to `stored`; `changed` says
  // whether anything was added.
  CapabilitySids complete(StoredCapabilitySids& stored, const std::vector<WinPath>& roots,
                          bool& changed);

  std::filesystem::path home_;
  RandomSource* random_;
  std::chrono::milliseconds lock_timeout_;
  std::vector<std::string> warnings_;
};

// A new capability SID `S-1-5-21-a-b-c-d`: four 32-bit values from `random` (16 bytes,
// little-endian), printed in decimal.
std::string generate_capability_sid(RandomSource& random);

// JSON codecs (file format above; `to_json_value(CapabilitySids)` is the `plan` output shape).
Json to_json_value(const StoredCapabilitySids& stored);
StoredCapabilitySids stored_capability_sids_from_json(const JsonCursor& cursor);
Json to_json_value(const CapabilitySids& sids);

}  // namespace winsandbox
