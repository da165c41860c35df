#include "winsandbox/profile.hpp"

#include "model/protected_paths.hpp"

namespace winsandbox {
namespace {

using Kind = FileSystemSpecialPath::Kind;
using Mode = FileSystemAccessMode;

FileSystemSandboxEntry special_entry(FileSystemSpecialPath special, Mode access) {
  return {std::move(special), access};
}

bool has_entry_sharing_target(const std::vector<FileSystemSandboxEntry>& entries,
                              const FileSystemPath& path) {
  for (const auto& entry : entries) {
    if (shares_target(entry.path, path)) return true;
  }
  return false;
}

}  // namespace

bool shares_target(const FileSystemPath& a, const FileSystemPath& b) {
  if (a.index() == b.index()) return a == b;
  // A bare drive/share root and `:root` name the same directory. (The reference's
  // `/tmp` ~ `:slash_tmp` rule cannot arise: `/tmp` is not an absolute Windows path.)
  const auto root_and_bare_root = [](const FileSystemPath& x, const FileSystemPath& y) {
    const auto* special = std::get_if<FileSystemSpecialPath>(&x);
    const auto* exact = std::get_if<WinPath>(&y);
    return special && exact && special->kind == Kind::root && exact->is_root();
  };
  return root_and_bare_root(a, b) || root_and_bare_root(b, a);
}

PermissionProfile PermissionProfile::read_only() {
  return ManagedProfile{RestrictedFileSystem{{special_entry(FileSystemSpecialPath::root(), Mode::read)}, {}},
                        NetworkAccess::restricted};
}

PermissionProfile PermissionProfile::workspace_write() {
  return workspace_write_with({}, NetworkAccess::restricted, false, false, EmptyFileSystem{});
}

PermissionProfile PermissionProfile::workspace_write_with(const std::vector<WinPath>& writable_roots,
                                                          NetworkAccess network, bool exclude_tmpdir,
                                                          bool exclude_slash_tmp,
                                                          const FileSystemView& fs) {
  std::vector<FileSystemSandboxEntry> entries;
  entries.push_back(special_entry(FileSystemSpecialPath::root(), Mode::read));
  entries.push_back(special_entry(FileSystemSpecialPath::project_roots(), Mode::write));
  if (!exclude_slash_tmp) entries.push_back(special_entry(FileSystemSpecialPath::slash_tmp(), Mode::write));
  if (!exclude_tmpdir) entries.push_back(special_entry(FileSystemSpecialPath::tmpdir(), Mode::write));
  for (const auto& root : writable_roots) entries.push_back({root, Mode::write});
  for (const auto name : kProtectedMetadataNames) {
    FileSystemPath protected_path = FileSystemSpecialPath::project_roots(std::string(name));
    if (!has_entry_sharing_target(entries, protected_path)) {
      entries.push_back({std::move(protected_path), Mode::read});
    }
  }
  for (const auto& root : writable_roots) {
    for (auto& subpath : default_read_only_subpaths(root, {}, fs)) {
      FileSystemPath carve_out = std::move(subpath);
      if (!has_entry_sharing_target(entries, carve_out)) {
        entries.push_back({std::move(carve_out), Mode::read});
      }
    }
  }
  return ManagedProfile{RestrictedFileSystem{std::move(entries), {}}, network};
}

PermissionProfile PermissionProfile::from_runtime_permissions(SandboxEnforcement enforcement,
                                                              const FileSystemSandboxPolicy& file_system,
                                                              NetworkAccess network) {
  using PolicyKind = FileSystemSandboxPolicy::Kind;
  switch (file_system.kind) {
    case PolicyKind::external_sandbox: return ExternalProfile{network};
    case PolicyKind::unrestricted:
      if (enforcement == SandboxEnforcement::disabled) return DisabledProfile{};
      return ManagedProfile{UnrestrictedFileSystem{}, network};
    case PolicyKind::restricted: break;
  }
  return ManagedProfile{RestrictedFileSystem{file_system.entries, file_system.glob_scan_max_depth}, network};
}

FileSystemSandboxPolicy PermissionProfile::file_system_policy() const {
  using PolicyKind = FileSystemSandboxPolicy::Kind;
  if (std::holds_alternative<DisabledProfile>(value_)) return {PolicyKind::unrestricted, {}, {}};
  if (std::holds_alternative<ExternalProfile>(value_)) return {PolicyKind::external_sandbox, {}, {}};
  if (const auto* restricted = restricted_file_system()) {
    return {PolicyKind::restricted, restricted->entries, restricted->glob_scan_max_depth};
  }
  return {PolicyKind::unrestricted, {}, {}};
}

SandboxEnforcement PermissionProfile::enforcement() const noexcept {
  if (std::holds_alternative<DisabledProfile>(value_)) return SandboxEnforcement::disabled;
  if (std::holds_alternative<ExternalProfile>(value_)) return SandboxEnforcement::external;
  return SandboxEnforcement::managed;
}

const RestrictedFileSystem* PermissionProfile::restricted_file_system() const noexcept {
  const auto* managed_profile = managed();
  return managed_profile ? std::get_if<RestrictedFileSystem>(&managed_profile->file_system) : nullptr;
}

NetworkAccess PermissionProfile::network() const noexcept {
  if (const auto* m = std::get_if<ManagedProfile>(&value_)) return m->network;
  if (const auto* e = std::get_if<ExternalProfile>(&value_)) return e->network;
  return NetworkAccess::enabled;
}

}  // namespace winsandbox
