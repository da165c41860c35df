// The ACL effector: makes the DACLs on disk hold what an AclDiff (plan layer) asks for, one ACE
// at a time, and records what it did in the applied state. Behaviour: reference
// crate's effector (docs/acl-and-sids.md#effector), with these fixes:
//
// * check before write: an ACE already present (explicit, same type, SID, mask and
//   inheritance) is not written again, so an unchanged refresh writes no DACL; nor is a read +
//   execute grant whose access BUILTIN\Users, Authenticated Users, Everyone or the grantee hold
//   already (the platform defaults: their DACLs are TrustedInstaller's). Both count as done;
// * single-ACE edits: an apply inserts exactly one ACE in canonical position (an explicit deny
//   first, an explicit allow after the explicit denies and before inherited ACEs) and a revoke
//   removes exactly the matching explicit ACE. Never SET_ACCESS / REVOKE_ACCESS, which merge or
//   drop every ACE of the SID on the path (a deny just applied included);
// * order: the diff's (denies, then allows, then revokes), so no step widens access before
//   the denies that go with it are in place;
// * rollback: when a step fails, the DACL writes done so far are undone in reverse order, each
//   undo removing (or re-adding) only its own step's ACE on the DACL as it is then, and the
//   failure is reported; the applied state records exactly what holds on disk afterwards —
//   including the steps whose undo failed, so a later run revokes (or re-applies) them;
// * one named mutex per sandbox home around "load state, diff, apply, record".
//
// The algorithm is separated from the object it edits by DaclAccess ("read the DACL of a path,
// write the DACL of a path"): Win32FileDaclAccess edits files, SddlDaclAccess keeps security
// descriptors in memory as SDDL (Wine does not persist file DACLs, so the algorithm is tested
// there against in-memory descriptors).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <windows.h>

#include "win/handles.hpp"
#include "win/sid.hpp"
#include "winsandbox/acl_plan.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {

// A DACL as read from (or to be written to) an object.
struct Dacl {
  // The ACL bytes; nullopt for a NULL DACL (no access checks at all).
  std::optional<TypedBuffer<ACL>> acl;
  // SE_DACL_PROTECTED: the object does not inherit ACEs from its parent.
  bool is_protected = false;
};

// The objects the effector edits, by path.
class DaclAccess {
public:
  virtual ~DaclAccess() = default;
  virtual bool exists(const WinPath& path) = 0;
  // Creates `path` as an empty directory (its parent exists). Throws Error.
  virtual void create_directory(const WinPath& path) = 0;
  // Rollback of create_directory; best effort.
  virtual void remove_empty_directory(const WinPath& path) noexcept = 0;
  virtual Dacl read_dacl(const WinPath& path) = 0;
  virtual void write_dacl(const WinPath& path, const Dacl& dacl) = 0;
};

// What write_dacl learned about the object it opened for a path (FILE_FLAG_OPEN_REPARSE_POINT:
// a final junction or symlink is opened itself, not followed).
struct OpenedAclTarget {
  bool is_reparse_point = false;
  // The handle's final path (final_path in long_path.hpp); nullopt if it has none.
  std::optional<WinPath> final_path;
};

// Refuses with Error(writable_root_redirected) to write a DACL for `requested` on `opened` unless
// it is the very object named: not a reparse point, and its final path equal to `requested`
// (WinPath identity: case-insensitive), so no junction or symlink anywhere on the way. A
// directory the sandboxed command could write may hold such a link, planted to steer a grant
// onto something else.
void require_acl_target_is_requested(const WinPath& requested, const OpenedAclTarget& opened);

// Files and directories on disk, with long-path spellings. Reads: GetNamedSecurityInfoW. Writes:
// the object is opened (READ_CONTROL | WRITE_DAC, FILE_FLAG_OPEN_REPARSE_POINT), checked with
// require_acl_target_is_requested, and written through that same handle (SetSecurityInfo), so
// nothing can be swapped in between the check and the write. Writes keep the DACL's protection
// state; inherited ACEs in the DACL written are recomputed by the system from the parent.
class Win32FileDaclAccess final : public DaclAccess {
public:
  bool exists(const WinPath& path) override;
  void create_directory(const WinPath& path) override;
  void remove_empty_directory(const WinPath& path) noexcept override;
  Dacl read_dacl(const WinPath& path) override;
  void write_dacl(const WinPath& path, const Dacl& dacl) override;
};

// Security descriptors in memory, one SDDL DACL string (`D:P(A;OICI;FA;;;SY)...`) per path
// identity, converted with ConvertStringSecurityDescriptorToSecurityDescriptorW and back. A path
// exists when it has a descriptor.
class SddlDaclAccess final : public DaclAccess {
public:
  // `new_directory_sddl`: the DACL a directory made by create_directory gets.
  explicit SddlDaclAccess(std::string new_directory_sddl = "D:(A;OICI;FA;;;SY)");

  void set(const WinPath& path, std::string sddl);
  // The DACL of `path` as SDDL (as ConvertSecurityDescriptorToStringSecurityDescriptorW
  // prints it after a write), or nullopt if the path does not exist.
  std::optional<std::string> sddl(const WinPath& path) const;
  // Failure injection: write attempt number `n` (1 = the next attempt) throws
  // Error(win32_call_failed, ERROR_ACCESS_DENIED) and leaves the descriptor unchanged. Calls
  // add up, so a forward step and a later undo can both fail.
  void fail_write(std::size_t n) { failing_attempts_.insert(attempts_ + n); }
  // DACL writes that succeeded so far.
  std::size_t writes() const noexcept { return writes_; }

  bool exists(const WinPath& path) override;
  void create_directory(const WinPath& path) override;
  void remove_empty_directory(const WinPath& path) noexcept override;
  Dacl read_dacl(const WinPath& path) override;
  void write_dacl(const WinPath& path, const Dacl& dacl) override;

private:
  std::string new_directory_sddl_;
  std::map<std::string, std::string> descriptors_;  // identity -> SDDL
  std::size_t writes_ = 0;
  std::size_t attempts_ = 0;
  std::set<std::size_t> failing_attempts_;
};

// One ACE as the effector writes it.
struct AceSpec {
  BYTE type = ACCESS_ALLOWED_ACE_TYPE;  // or ACCESS_DENIED_ACE_TYPE
  BYTE flags = 0;                       // inheritance flags
  ACCESS_MASK mask = 0;
  Sid sid;
};
AceSpec ace_spec_of(const AclEntry& entry);

// An explicit (not inherited) ACE of exactly this type, SID, mask and inheritance flags.
bool has_explicit_ace(const Dacl& dacl, const AceSpec& ace);
// True when an allow ACE that applies to the object itself (explicit or inherited, not
// inherit-only) gives `sid` every bit of `mask` (generic rights mapped for files). A NULL DACL
// allows everything. Deny ACEs are not weighed: callers use this to skip a grant, never to
// conclude that access is refused.
bool allows_access(const Dacl& dacl, const Sid& sid, ACCESS_MASK mask);

// A copy of `dacl` with `ace` inserted in canonical position. Throws Error(invalid_argument) for
// a NULL DACL (adding an ACE would turn "no checks" into "only this ACE").
Dacl with_ace(const Dacl& dacl, const AceSpec& ace);
// A copy without the matching explicit ACEs; nullopt if there is none.
std::optional<Dacl> without_ace(const Dacl& dacl, const AceSpec& ace);

struct AclApplyOutcome {
  // The operations that hold on disk now: written, or already true (ACE present / nothing to
  // revoke). What record_operations() must be given.
  std::vector<AclOperation> completed;
  // Applies skipped because the path is missing and may not be created (retried next time).
  std::vector<AclOperation> skipped_missing;
  // DACL writes that stayed (after any rollback).
  std::size_t writes = 0;
  // The failure that stopped the run (the rest was not attempted, earlier writes rolled back).
  std::optional<Error> error;
  // Undo steps that failed during the rollback, as `undo <operation>: <error>`. Their operation
  // stays in `completed`, which describes the disk: an apply's ACE is still there, a revoked
  // ACE is still gone. (A directory the run created is kept while such an ACE is on it.)
  std::vector<std::string> rollback_failures;
};

// Applies `operations` in order through `access`; never throws for a step's failure (see
// AclApplyOutcome::error).
AclApplyOutcome apply_acl_operations(const std::vector<AclOperation>& operations,
                                     DaclAccess& access);

struct AclSyncResult {
  AclPlan plan;
  AclDiff diff;
  AclApplyOutcome outcome;
};

// The whole cycle for one command, under the sandbox home's named mutex and the applied-state
// file lock: load `<sandbox_home>/.sandbox/acl_state.json`, plan (options.world_writable_dirs
// defaults to the state's), diff, apply, record what holds, and throw the step's Error if one
// failed (after the rollback and the record). Its message names the failed step and then
// either says the run was rolled back or lists every failed undo step (rollback_failures).
// Plan errors throw before anything is touched.
AclSyncResult sync_acls(const ResolvedPermissions& resolved, const CapabilitySids& sids,
                        AclPlanOptions options, const std::filesystem::path& sandbox_home,
                        DaclAccess& access, AclSyncMode mode = AclSyncMode::exact,
                        std::chrono::milliseconds lock_timeout = std::chrono::seconds(30));

// The same cycle for a plan made elsewhere (the elevated setup's grants: setup_acl_plan).
AclSyncResult sync_acl_plan(AclPlan plan, const std::filesystem::path& sandbox_home,
                            DaclAccess& access, AclSyncMode mode = AclSyncMode::exact,
                            std::chrono::milliseconds lock_timeout = std::chrono::seconds(30));

// `Local\winsandbox-acl-<hash of the sandbox home>`.
std::string acl_mutex_name(const std::filesystem::path& sandbox_home);

// The NUL device mask granted to capability SIDs (FILE_GENERIC_READ|WRITE|EXECUTE), so that
// redirections such as `2>NUL` work under a write-restricted token.
inline constexpr ACCESS_MASK kNullDeviceMask = 0x001201BF;

// Grants `\\.\NUL` (a kernel object; SE_KERNEL_OBJECT) kNullDeviceMask to each SID that does
// not hold that ACE yet. Best effort, as the reference: returns what failed, or nullopt.
std::optional<std::string> grant_null_device(const std::vector<std::string>& sids);

}  // namespace winsandbox::win
