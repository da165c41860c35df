#include "win/acl_effector.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include <aclapi.h>
#include <sddl.h>

#include "common/log.hpp"
#include "common/text.hpp"
#include "plan/acl_state.hpp"
#include "win/long_path.hpp"
#include "win/named_mutex.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {
namespace {

TypedBuffer<ACL> copy_acl(const ACL* acl) {
  TypedBuffer<ACL> copy(acl->AclSize);
  std::memcpy(copy.get(), acl, acl->AclSize);
  return copy;
}

Dacl dacl_from_descriptor(PSECURITY_DESCRIPTOR descriptor) {
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL acl = nullptr;
  if (!GetSecurityDescriptorDacl(descriptor, &present, &acl, &defaulted)) {
    throw_last_error("GetSecurityDescriptorDacl");
  }
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  if (!GetSecurityDescriptorControl(descriptor, &control, &revision)) {
    throw_last_error("GetSecurityDescriptorControl");
  }
  Dacl dacl;
  if (present && acl != nullptr) dacl.acl = copy_acl(acl);
  dacl.is_protected = (control & SE_DACL_PROTECTED) != 0;
  return dacl;
}

PACL acl_pointer(const Dacl& dacl) {
  return dacl.acl ? const_cast<ACL*>(dacl.acl->get()) : nullptr;
}

// The ACEs of an ACL, as headers (every ACE starts with one).
std::vector<const ACE_HEADER*> aces_of(const ACL* acl) {
  std::vector<const ACE_HEADER*> aces;
  for (DWORD i = 0; i < acl->AceCount; ++i) {
    void* ace = nullptr;
    if (!GetAce(const_cast<ACL*>(acl), i, &ace)) throw_last_error("GetAce");
    aces.push_back(static_cast<const ACE_HEADER*>(ace));
  }
  return aces;
}

bool matches(const ACE_HEADER* header, const AceSpec& spec) {
  if (header->AceType != spec.type || (header->AceFlags & INHERITED_ACE) != 0) return false;
  if ((header->AceFlags & VALID_INHERIT_FLAGS) != spec.flags) return false;
  // ACCESS_ALLOWED_ACE and ACCESS_DENIED_ACE share one layout.
  const auto* ace = reinterpret_cast<const ACCESS_ALLOWED_ACE*>(header);
  return ace->Mask == spec.mask &&
         EqualSid(const_cast<DWORD*>(&ace->SidStart), spec.sid.get()) != FALSE;
}

DWORD ace_size(const AceSpec& spec) {
  return sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) + spec.sid.length();
}

void append_ace(ACL* acl, BYTE revision, const ACE_HEADER* ace) {
  if (!AddAce(acl, revision, MAXDWORD, const_cast<ACE_HEADER*>(ace), ace->AceSize)) {
    throw_last_error("AddAce");
  }
}

void append_ace(ACL* acl, BYTE revision, const AceSpec& spec) {
  const BOOL added =
      spec.type == ACCESS_DENIED_ACE_TYPE
          ? AddAccessDeniedAceEx(acl, revision, spec.flags, spec.mask, spec.sid.get())
          : AddAccessAllowedAceEx(acl, revision, spec.flags, spec.mask, spec.sid.get());
  if (!added) throw_last_error("AddAccess*AceEx");
}

BYTE revision_of(const ACL* acl) {
  return acl->AclRevision < ACL_REVISION ? ACL_REVISION : acl->AclRevision;
}

// Throws Error(win32_call_failed) for a non-zero status of an API that returns it.
void check_status(DWORD status, std::string_view call, const WinPath& path) {
  if (status != ERROR_SUCCESS) {
    const Error error = win32_error(call, status);
    throw Error(error.code(), error.what() + std::string(" | path=") + path.str(), status);
  }
}

std::string sddl_of(const Dacl& dacl) {
  SECURITY_DESCRIPTOR descriptor{};
  if (!InitializeSecurityDescriptor(&descriptor, SECURITY_DESCRIPTOR_REVISION)) {
    throw_last_error("InitializeSecurityDescriptor");
  }
  if (!SetSecurityDescriptorDacl(&descriptor, TRUE, acl_pointer(dacl), FALSE)) {
    throw_last_error("SetSecurityDescriptorDacl");
  }
  if (dacl.is_protected &&
      !SetSecurityDescriptorControl(&descriptor, SE_DACL_PROTECTED, SE_DACL_PROTECTED)) {
    throw_last_error("SetSecurityDescriptorControl");
  }
  UniqueLocalPtr<LPWSTR> text;
  if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(
          &descriptor, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, text.put(), nullptr)) {
    throw_last_error("ConvertSecurityDescriptorToStringSecurityDescriptorW");
  }
  return to_utf8(text.get());
}

std::string describe(const AclOperation& op) {
  return std::string(op.action == AclAction::apply ? "apply " : "revoke ") +
         std::string(ace_kind_name(op.entry.kind)) + " for " + op.entry.sid + " on " +
         op.entry.path.str();
}

// Undoes one step's own ACE, on the DACL as it is now: an undo touches nothing but that ACE, so
// undoes of several steps on one path are independent, and one that fails leaves exactly its
// step's ACE behind. (Restoring the whole DACL read before the step would also remove the ACE
// of a later step whose undo failed, while the state keeps it recorded: a deny recorded as
// applied that is not on disk is never re-applied.) The created directory goes only when
// `remove_created_directory`.
void undo_step(DaclAccess& access, const AclOperation& op, bool remove_created_directory) {
  const WinPath& path = op.entry.path;
  const AceSpec ace = ace_spec_of(op.entry);
  const Dacl current = access.read_dacl(path);
  if (op.action == AclAction::apply) {
    if (const std::optional<Dacl> without = without_ace(current, ace)) {
      access.write_dacl(path, *without);
    }
    if (remove_created_directory) access.remove_empty_directory(path);
  } else if (!has_explicit_ace(current, ace)) {
    access.write_dacl(path, with_ace(current, ace));
  }
}

}  // namespace

// ---- Win32FileDaclAccess ----

bool Win32FileDaclAccess::exists(const WinPath& path) {
  return GetFileAttributesW(long_path(path).c_str()) != INVALID_FILE_ATTRIBUTES;
}

void Win32FileDaclAccess::create_directory(const WinPath& path) {
  if (!CreateDirectoryW(long_path(path).c_str(), nullptr)) {
    const DWORD error = GetLastError();
    if (error != ERROR_ALREADY_EXISTS) check_status(error, "CreateDirectoryW", path);
  }
}

void Win32FileDaclAccess::remove_empty_directory(const WinPath& path) noexcept {
  try {
    RemoveDirectoryW(long_path(path).c_str());
  } catch (...) {
    // best effort
  }
}

Dacl Win32FileDaclAccess::read_dacl(const WinPath& path) {
  PACL acl = nullptr;
  UniqueSecurityDescriptor descriptor;
  check_status(
      GetNamedSecurityInfoW(long_path(path).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                            nullptr, nullptr, &acl, nullptr, descriptor.put()),
      "GetNamedSecurityInfoW", path);
  return dacl_from_descriptor(descriptor.get());
}

void Win32FileDaclAccess::write_dacl(const WinPath& path, const Dacl& dacl) {
  const UniqueHandle object(
      CreateFileW(long_path(path).c_str(), READ_CONTROL | WRITE_DAC,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                  FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!object) check_status(GetLastError(), "CreateFileW(READ_CONTROL | WRITE_DAC)", path);
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(object.get(), &info)) {
    check_status(GetLastError(), "GetFileInformationByHandle", path);
  }
  require_acl_target_is_requested(
      path, OpenedAclTarget{
                .is_reparse_point = (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0,
                .final_path = final_path(object.get()),
            });
  const SECURITY_INFORMATION what =
      DACL_SECURITY_INFORMATION | (dacl.is_protected ? PROTECTED_DACL_SECURITY_INFORMATION
                                                     : UNPROTECTED_DACL_SECURITY_INFORMATION);
  check_status(SetSecurityInfo(object.get(), SE_FILE_OBJECT, what, nullptr, nullptr,
                               acl_pointer(dacl), nullptr),
               "SetSecurityInfo", path);
}

void require_acl_target_is_requested(const WinPath& requested, const OpenedAclTarget& opened) {
  if (opened.is_reparse_point) {
    throw Error(ErrorCode::writable_root_redirected,
                "refusing to write a DACL on " + requested.str() +
                    ": it is a junction or symbolic link (reparse point), which the sandbox "
                    "could have made to redirect the ACE");
  }
  if (!opened.final_path) {
    throw Error(ErrorCode::writable_root_redirected,
                "refusing to write a DACL on " + requested.str() +
                    ": the opened object's final path cannot be read, so it cannot be checked");
  }
  if (*opened.final_path != requested) {
    throw Error(ErrorCode::writable_root_redirected,
                "refusing to write a DACL on " + requested.str() + ": opening it reached " +
                    opened.final_path->str() +
                    " (a junction or symbolic link on the way, which the sandbox could have made "
                    "to redirect the ACE)");
  }
}

// ---- SddlDaclAccess ----

SddlDaclAccess::SddlDaclAccess(std::string new_directory_sddl)
    : new_directory_sddl_(std::move(new_directory_sddl)) {}

void SddlDaclAccess::set(const WinPath& path, std::string sddl) {
  descriptors_[path.identity()] = std::move(sddl);
}

std::optional<std::string> SddlDaclAccess::sddl(const WinPath& path) const {
  const auto it = descriptors_.find(path.identity());
  if (it == descriptors_.end()) return std::nullopt;
  return it->second;
}

bool SddlDaclAccess::exists(const WinPath& path) {
  return descriptors_.contains(path.identity());
}

void SddlDaclAccess::create_directory(const WinPath& path) {
  descriptors_.try_emplace(path.identity(), new_directory_sddl_);
}

void SddlDaclAccess::remove_empty_directory(const WinPath& path) noexcept {
  descriptors_.erase(path.identity());
}

Dacl SddlDaclAccess::read_dacl(const WinPath& path) {
  const auto text = sddl(path);
  if (!text) {
    throw Error(ErrorCode::win32_call_failed, "no security descriptor for " + path.str(),
                ERROR_FILE_NOT_FOUND);
  }
  UniqueSecurityDescriptor descriptor;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(to_wide(*text).c_str(), SDDL_REVISION_1,
                                                            descriptor.put(), nullptr)) {
    throw_last_error("ConvertStringSecurityDescriptorToSecurityDescriptorW(" + *text + ")");
  }
  return dacl_from_descriptor(descriptor.get());
}

void SddlDaclAccess::write_dacl(const WinPath& path, const Dacl& dacl) {
  if (failing_attempts_.erase(++attempts_) != 0) {
    throw Error(ErrorCode::win32_call_failed,
                "injected failure: SetNamedSecurityInfoW failed: 5 | path=" + path.str(),
                ERROR_ACCESS_DENIED);
  }
  if (!exists(path)) {
    throw Error(ErrorCode::win32_call_failed, "no security descriptor for " + path.str(),
                ERROR_FILE_NOT_FOUND);
  }
  descriptors_[path.identity()] = sddl_of(dacl);
  ++writes_;
}

// ---- ACE editing ----

AceSpec ace_spec_of(const AclEntry& entry) {
  return AceSpec{
      .type = entry.is_deny() ? static_cast<BYTE>(ACCESS_DENIED_ACE_TYPE)
                              : static_cast<BYTE>(ACCESS_ALLOWED_ACE_TYPE),
      .flags = entry.inheritance,
      .mask = entry.mask,
      .sid = Sid::parse(entry.sid),
  };
}

bool has_explicit_ace(const Dacl& dacl, const AceSpec& ace) {
  if (!dacl.acl) return false;
  for (const ACE_HEADER* header : aces_of(dacl.acl->get())) {
    if (matches(header, ace)) return true;
  }
  return false;
}

bool allows_access(const Dacl& dacl, const Sid& sid, ACCESS_MASK mask) {
  if (!dacl.acl) return true;
  for (const ACE_HEADER* header : aces_of(dacl.acl->get())) {
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0) {
      continue;
    }
    const auto* ace = reinterpret_cast<const ACCESS_ALLOWED_ACE*>(header);
    if (EqualSid(const_cast<DWORD*>(&ace->SidStart), sid.get()) == FALSE) continue;
    // The file generic mapping (as MapGenericMask with FILE_GENERIC_*).
    ACCESS_MASK granted = ace->Mask;
    if (granted & GENERIC_READ) granted |= FILE_GENERIC_READ;
    if (granted & GENERIC_WRITE) granted |= FILE_GENERIC_WRITE;
    if (granted & GENERIC_EXECUTE) granted |= FILE_GENERIC_EXECUTE;
    if (granted & GENERIC_ALL) granted |= FILE_ALL_ACCESS;
    if ((granted & mask) == mask) return true;
  }
  return false;
}

namespace {

// A read + execute grant every account holds already (BUILTIN\Users, Authenticated Users,
// Everyone) or the grantee holds some other way: nothing to write. The platform defaults
// (C:\Windows, ...) are such paths, and their DACLs are TrustedInstaller's.
bool read_grant_already_held(const AclEntry& entry, const Dacl& dacl) {
  if (entry.kind != AceKind::allow_read_execute) return false;
  for (const std::string_view sid : {std::string_view(entry.sid), std::string_view("S-1-5-32-545"),
                                     std::string_view("S-1-5-11"), std::string_view("S-1-1-0")}) {
    if (allows_access(dacl, Sid::parse(sid), entry.mask)) return true;
  }
  return false;
}

}  // namespace

Dacl with_ace(const Dacl& dacl, const AceSpec& ace) {
  if (!dacl.acl) {
    throw Error(ErrorCode::invalid_argument,
                "refusing to add an ACE to a NULL DACL (it would deny everyone else)");
  }
  const ACL* old = dacl.acl->get();
  const std::vector<const ACE_HEADER*> aces = aces_of(old);
  // Canonical order: explicit denies, explicit allows, inherited ACEs.
  std::size_t insert_at = 0;
  if (ace.type != ACCESS_DENIED_ACE_TYPE) {
    insert_at = aces.size();
    for (std::size_t i = 0; i < aces.size(); ++i) {
      if ((aces[i]->AceFlags & INHERITED_ACE) != 0) {
        insert_at = i;
        break;
      }
    }
  }
  const DWORD size = old->AclSize + ace_size(ace);
  const BYTE revision = revision_of(old);
  Dacl result{TypedBuffer<ACL>(size), dacl.is_protected};
  ACL* acl = result.acl->get();
  if (!InitializeAcl(acl, size, revision)) throw_last_error("InitializeAcl");
  for (std::size_t i = 0; i <= aces.size(); ++i) {
    if (i == insert_at) append_ace(acl, revision, ace);
    if (i < aces.size()) append_ace(acl, revision, aces[i]);
  }
  return result;
}

std::optional<Dacl> without_ace(const Dacl& dacl, const AceSpec& ace) {
  if (!dacl.acl) return std::nullopt;
  const ACL* old = dacl.acl->get();
  const std::vector<const ACE_HEADER*> aces = aces_of(old);
  const BYTE revision = revision_of(old);
  Dacl result{TypedBuffer<ACL>(old->AclSize), dacl.is_protected};
  ACL* acl = result.acl->get();
  if (!InitializeAcl(acl, old->AclSize, revision)) throw_last_error("InitializeAcl");
  bool removed = false;
  for (const ACE_HEADER* header : aces) {
    if (matches(header, ace)) {
      removed = true;
    } else {
      append_ace(acl, revision, header);
    }
  }
  if (!removed) return std::nullopt;
  return result;
}

// ---- the effector ----

AclApplyOutcome apply_acl_operations(const std::vector<AclOperation>& operations,
                                     DaclAccess& access) {
  // A step that wrote a DACL, for the rollback.
  struct Written {
    std::size_t completed_index;  // the operation's place in outcome.completed
    bool created_directory;
  };
  AclApplyOutcome outcome;
  std::vector<Written> written;

  for (const AclOperation& op : operations) {
    try {
      const AclEntry& entry = op.entry;
      const AceSpec ace = ace_spec_of(entry);
      if (op.action == AclAction::apply) {
        bool created = false;
        if (!access.exists(entry.path)) {
          if (!entry.create_directory_if_missing) {
            outcome.skipped_missing.push_back(op);
            continue;
          }
          access.create_directory(entry.path);
          created = true;
        }
        const Dacl current = access.read_dacl(entry.path);
        if (has_explicit_ace(current, ace) || read_grant_already_held(entry, current)) {
          outcome.completed.push_back(op);
          continue;
        }
        try {
          access.write_dacl(entry.path, with_ace(current, ace));
        } catch (...) {
          if (created) access.remove_empty_directory(entry.path);
          throw;
        }
        outcome.completed.push_back(op);
        ++outcome.writes;
        written.push_back({outcome.completed.size() - 1, created});
      } else {
        if (!access.exists(entry.path)) {
          outcome.completed.push_back(op);  // nothing left to revoke
          continue;
        }
        const std::optional<Dacl> next = without_ace(access.read_dacl(entry.path), ace);
        if (next) {
          access.write_dacl(entry.path, *next);
          ++outcome.writes;
          written.push_back({outcome.completed.size(), false});
        }
        outcome.completed.push_back(op);
      }
    } catch (const Error& error) {
      outcome.error = Error(error.code(), describe(op) + ": " + error.what(), error.win32_error());
      break;
    } catch (const std::exception& error) {
      outcome.error = Error(ErrorCode::win32_call_failed, describe(op) + ": " + error.what());
      break;
    }
  }
  if (!outcome.error) return outcome;

  // Roll back in reverse order. A step whose undo fails keeps its ACE on disk (or, for a
  // revoke, stays without it) and stays in `completed`, so the state records it and a later
  // run revokes (or re-applies) it. A directory still holding such an ACE is not removed.
  std::vector<bool> keep(outcome.completed.size(), true);
  std::vector<WinPath> paths_with_failed_undo;
  for (auto it = written.rbegin(); it != written.rend(); ++it) {
    const AclOperation& op = outcome.completed[it->completed_index];
    const bool remove_directory =
        it->created_directory &&
        std::find(paths_with_failed_undo.begin(), paths_with_failed_undo.end(), op.entry.path) ==
            paths_with_failed_undo.end();
    try {
      undo_step(access, op, remove_directory);
      keep[it->completed_index] = false;
      --outcome.writes;
    } catch (const std::exception& error) {
      outcome.rollback_failures.push_back("undo " + describe(op) + ": " + error.what());
      paths_with_failed_undo.push_back(op.entry.path);
    }
  }
  std::vector<AclOperation> still_holding;
  for (std::size_t i = 0; i < outcome.completed.size(); ++i) {
    if (keep[i]) still_holding.push_back(std::move(outcome.completed[i]));
  }
  outcome.completed = std::move(still_holding);
  return outcome;
}

std::string acl_mutex_name(const std::filesystem::path& sandbox_home) {
  // FNV-1a over the case-folded UTF-8 path: mutex names may not contain `\`.
  const std::uint64_t hash = fnv1a_64(fold_case(path_to_utf8(sandbox_home)));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return std::string("Local\\winsandbox-acl-") + hex;
}

namespace {

// Load the state, plan (`make_plan` sees the state), diff, apply, record, report.
template <typename MakePlan>
AclSyncResult sync_planned(MakePlan make_plan, const std::filesystem::path& sandbox_home,
                           DaclAccess& access, AclSyncMode mode,
                           std::chrono::milliseconds lock_timeout) {
  const NamedMutexLock mutex = NamedMutexLock::acquire(acl_mutex_name(sandbox_home), lock_timeout);
  AclStateStore store(sandbox_home, lock_timeout);
  AclStateStore::Transaction transaction = store.begin();
  AclSyncResult result;
  result.plan = make_plan(transaction.state());
  result.diff = diff_acl(result.plan, transaction.state(), mode);
  if (!result.diff.empty()) {
    result.outcome = apply_acl_operations(result.diff.operations(), access);
  }
  transaction.commit(record_operations(transaction.state(), result.plan, result.outcome.completed));
  if (const auto& error = result.outcome.error) {
    std::string message = error->what();
    const auto& failures = result.outcome.rollback_failures;
    if (failures.empty()) {
      message += " (earlier ACL changes of this run were rolled back)";
    } else {
      message +=
          " (rollback incomplete, " + std::to_string(failures.size()) + " undo step(s) failed: ";
      for (std::size_t i = 0; i < failures.size(); ++i) {
        message += (i == 0 ? "" : "; ") + failures[i];
      }
      message += "; the applied state records those steps as done, as they are on disk)";
    }
    throw Error(error->code(), std::move(message), error->win32_error());
  }
  return result;
}

}  // namespace

AclSyncResult sync_acls(const ResolvedPermissions& resolved, const CapabilitySids& sids,
                        AclPlanOptions options, const std::filesystem::path& sandbox_home,
                        DaclAccess& access, AclSyncMode mode,
                        std::chrono::milliseconds lock_timeout) {
  return sync_planned(
      [&](const AclState& state) {
        if (options.world_writable_dirs.empty()) {
          options.world_writable_dirs = state.world_writable_dirs;
        }
        return plan_acl(resolved, sids, options);
      },
      sandbox_home, access, mode, lock_timeout);
}

AclSyncResult sync_acl_plan(AclPlan plan, const std::filesystem::path& sandbox_home,
                            DaclAccess& access, AclSyncMode mode,
                            std::chrono::milliseconds lock_timeout) {
  return sync_planned([&](const AclState&) { return std::move(plan); }, sandbox_home, access, mode,
                      lock_timeout);
}

// ---- the NUL device ----

std::optional<std::string> grant_null_device(const std::vector<std::string>& sids) {
  try {
    const UniqueHandle device(CreateFileW(L"\\\\.\\NUL", READ_CONTROL | WRITE_DAC,
                                          FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                          OPEN_EXISTING, 0, nullptr));
    if (!device) throw_last_error("CreateFileW(\\\\.\\NUL)");
    PACL acl = nullptr;
    UniqueSecurityDescriptor descriptor;
    const DWORD status = GetSecurityInfo(device.get(), SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION,
                                         nullptr, nullptr, &acl, nullptr, descriptor.put());
    if (status != ERROR_SUCCESS) throw win32_error("GetSecurityInfo(\\\\.\\NUL)", status);
    Dacl dacl = dacl_from_descriptor(descriptor.get());
    if (!dacl.acl) return std::nullopt;  // a NULL DACL already lets everyone in
    bool changed = false;
    for (const std::string& text : sids) {
      const AceSpec ace{.type = ACCESS_ALLOWED_ACE_TYPE,
                        .flags = 0,
                        .mask = kNullDeviceMask,
                        .sid = Sid::parse(text)};
      if (has_explicit_ace(dacl, ace)) continue;
      dacl = with_ace(dacl, ace);
      changed = true;
    }
    if (!changed) return std::nullopt;
    const DWORD set = SetSecurityInfo(device.get(), SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION,
                                      nullptr, nullptr, acl_pointer(dacl), nullptr);
    if (set != ERROR_SUCCESS) throw win32_error("SetSecurityInfo(\\\\.\\NUL)", set);
    return std::nullopt;
  } catch (const std::exception& error) {
    return std::string(error.what());
  }
}

}  // namespace winsandbox::win
