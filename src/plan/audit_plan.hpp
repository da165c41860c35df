// The world-writable audit (docs/acl-and-sids.md#world-writable-audit): a sandbox token carries
// Everyone (S-1-1-0) among its restricting SIDs, so a directory whose DACL lets Everyone write is
// writable by every sandboxed command. The audit finds such directories near where commands
// run, within a fixed budget, and the ACL plan denies the token's capability SIDs write access
// to the ones outside the writable roots.
//
// Split: this file is portable — the candidate list (over a FileSystemView), the bounded scan
// driver, and the deny entries. Reading a DACL is Win32: the Win32 layer implements
// WorldWritableProbe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/json_cursor.hpp"
#include "winsandbox/acl_plan.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// The write bits that make a directory world-writable when an effective allow ACE grants them
// to Everyone: FILE_WRITE_DATA (0x2) | FILE_APPEND_DATA (0x4) | FILE_WRITE_EA (0x10) |
// FILE_WRITE_ATTRIBUTES (0x100).
inline constexpr std::uint32_t kEveryoneWriteBits = 0x116;

// Implemented by the Win32 layer: whether `directory`'s DACL has an effective allow ACE for
// Everyone with any of kEveryoneWriteBits — inherited ACEs included, INHERIT_ONLY ACEs skipped,
// generic rights mapped through the file generic mapping. A DACL that cannot be read counts as
// not writable (the audit must never fail a command). Must not throw.
class WorldWritableProbe {
public:
  virtual ~WorldWritableProbe() = default;
  virtual bool is_everyone_writable(const WinPath& directory) = 0;
};

// Budget (docs/acl-and-sids.md#world-writable-audit): the scan stops when it has run longer than
// `time_budget` or made `max_checks` checks, and reads at most `max_entries_per_directory` names of
// a listing.
struct AuditLimits {
  std::chrono::milliseconds time_budget{2000};
  std::size_t max_checks = 50'000;
  std::size_t max_entries_per_directory = 1'000;
};

// What the scan looks at, in order.
struct AuditCandidates {
  // Phase 1: the canonical command cwd, whose immediate child directories are checked first
  // (nullopt when the cwd cannot be resolved).
  std::optional<WinPath> cwd;
  // Phase 2: each checked, then its immediate child directories. Canonical, existing
  // directories, deduplicated by identity, in this order:
  //   1. the cwd;
  //   2. TEMP, then TMP (the child environment's value, else the parent's);
  //   3. USERPROFILE, then PUBLIC (the parent environment: they describe the host, not the
  //      child);
  //   4. each PATH entry (the child's PATH, else the parent's; split on `;`, trimmed, quotes
  //      removed, non-absolute entries skipped);
  //   5. the system drive root and the Windows directory: the root of the parent's SystemRoot
  //      and SystemRoot itself, `C:\` and `C:\Windows` without one (the reference hard-codes
  //      drive C).
  // Values that do not parse or do not resolve through the view are dropped.
  std::vector<WinPath> roots;
  friend bool operator==(const AuditCandidates&, const AuditCandidates&) = default;
};

AuditCandidates audit_candidates(const WinPath& cwd, const Environment& child_env,
                                 const Environment& parent_env, const FileSystemView& fs);

struct AuditResult {
  enum class Stop { completed, time_budget, check_budget };
  // World-writable directories, in scan order, deduplicated by identity.
  std::vector<WinPath> flagged;
  std::size_t checked = 0;
  std::chrono::milliseconds duration{0};
  Stop stopped = Stop::completed;
};

using AuditClock = std::function<std::chrono::steady_clock::time_point()>;

// Runs the scan: phase 1 then phase 2 (AuditCandidates). A directory is checked at most once.
// Children are taken from `fs.list_directory` (the first max_entries_per_directory names);
// only real directories are checked — files, junctions and symlinks are skipped, and so is any
// path ending in `\Windows\Installer`, `\Windows\Registration` or `\ProgramData` (system
// directories with deliberately odd ACLs). The budget is checked before every check and every
// listing; `clock` is injectable for tests.
AuditResult run_world_writable_audit(const AuditCandidates& candidates, const FileSystemView& fs,
                                     WorldWritableProbe& probe, const AuditLimits& limits = {},
                                     const AuditClock& clock = std::chrono::steady_clock::now);

// The log line of the reference: `AUDIT: world-writable scan OK; checked=N; duration_ms=M`, or
// `AUDIT: world-writable scan FAILED; cwd=<cwd>; checked=N; duration_ms=M; flagged:` followed
// by ` - <path>` lines; a stopped scan appends `; stopped=time_budget|check_budget`.
std::string audit_log_line(const AuditResult& result, const WinPath& cwd);

// The deny-write ACEs for the flagged directories: for every flagged directory that is not
// inside a writable root of `resolved` (the roots' own grants decide there), one deny_write
// entry per token capability SID (`token_sids`: token_capability_sids(), so the read-only SID
// in read-only mode). Deduplicated, in flagged order.
std::vector<AclEntry> world_writable_deny_entries(const std::vector<WinPath>& flagged,
                                                  const ResolvedPermissions& resolved,
                                                  const std::vector<std::string>& token_sids);

Json to_json_value(const AuditCandidates& candidates);
Json to_json_value(const AuditResult& result);
std::string_view audit_stop_name(AuditResult::Stop stop) noexcept;

}  // namespace winsandbox
