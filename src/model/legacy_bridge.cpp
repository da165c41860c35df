// PermissionProfile <-> legacy SandboxPolicy (docs/profiles.md#legacy-bridges).
#include <algorithm>

#include "common/overloaded.hpp"
#include "model/file_system_predicates.hpp"
#include "model/protected_paths.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/legacy_policy.hpp"

namespace winsandbox {
namespace {

using Kind = FileSystemSpecialPath::Kind;
using Mode = FileSystemAccessMode;

NetworkAccess network_from_bool(bool enabled) {
  return enabled ? NetworkAccess::enabled : NetworkAccess::restricted;
}

void append_carve_outs(std::vector<FileSystemSandboxEntry>& entries, std::vector<WinPath> paths) {
  for (auto& path : paths) {
    FileSystemPath carve_out = std::move(path);
    const bool shadowed = std::any_of(entries.begin(), entries.end(), [&](const auto& entry) {
      return shares_target(entry.path, carve_out);
    });
    if (!shadowed) entries.push_back({std::move(carve_out), Mode::read});
  }
}

PermissionProfile workspace_write_profile(const WorkspaceWritePolicy& policy, const WinPath& cwd,
                                          const FileSystemView& fs) {
  PermissionProfile profile = PermissionProfile::workspace_write_with(
      policy.writable_roots, network_from_bool(policy.network_access),
      policy.exclude_tmpdir_env_var, policy.exclude_slash_tmp, fs);
  auto& managed = std::get<ManagedProfile>(profile.value());
  auto& entries = std::get<RestrictedFileSystem>(managed.file_system).entries;
  // The cwd is the legacy workspace root: its `.codex` is protected even before it exists.
  append_carve_outs(entries, default_read_only_subpaths(cwd, {.dot_codex = true}, fs));
  return profile;
}

// What the entries of a restricted profile ask to write, as the legacy bridge sees it.
struct WriteRequests {
  bool workspace_root = false;
  bool whole_disk = false;
  bool tmpdir = false;
  bool slash_tmp = false;
  std::vector<WinPath> other_roots;

  void add_root(WinPath root) {
    if (std::find(other_roots.begin(), other_roots.end(), root) == other_roots.end()) {
      other_roots.push_back(std::move(root));
    }
  }
  bool any_outside_workspace() const {
    return whole_disk || tmpdir || slash_tmp || !other_roots.empty();
  }
};

WriteRequests collect_write_requests(const RestrictedFileSystem& fs, const WinPath& cwd) {
  WriteRequests requests;
  for (const auto& entry : fs.entries) {
    if (entry.access != Mode::write) continue;
    if (const auto* exact = std::get_if<WinPath>(&entry.path)) {
      if (*exact == cwd) {
        requests.workspace_root = true;
      } else {
        requests.add_root(*exact);
      }
      continue;
    }
    const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
    if (special == nullptr) continue;  // globs take no part in the projection
    switch (special->kind) {
      case Kind::root: requests.whole_disk = true; break;
      case Kind::project_roots:
        if (!special->subpath) {
          requests.workspace_root = true;
        } else if (auto root = resolve_path_reference(cwd, *special->subpath)) {
          requests.add_root(std::move(*root));
        } else {
          throw Error(ErrorCode::invalid_profile,
                      "project_roots subpath `" + *special->subpath + "` is not a valid path");
        }
        break;
      case Kind::tmpdir: requests.tmpdir = true; break;
      case Kind::slash_tmp: requests.slash_tmp = true; break;
      case Kind::minimal:
      case Kind::unknown: break;
    }
  }
  return requests;
}

SandboxPolicy legacy_policy_from_restricted(const RestrictedFileSystem& fs, NetworkAccess network,
                                            const WinPath& cwd) {
  const bool network_enabled = network == NetworkAccess::enabled;
  const WriteRequests requests = collect_write_requests(fs, cwd);
  if (has_full_disk_write_access(fs)) {
    if (network_enabled) return DangerFullAccessPolicy{};
    return ExternalSandboxPolicy{NetworkAccess::restricted};
  }
  if (requests.workspace_root) {
    return WorkspaceWritePolicy{requests.other_roots, network_enabled, !requests.tmpdir,
                                !requests.slash_tmp};
  }
  if (requests.any_outside_workspace()) {
    throw Error(ErrorCode::unsupported_legacy_projection,
                "permissions profile requests filesystem writes outside the workspace root, which "
                "is not supported until the runtime enforces FileSystemSandboxPolicy directly");
  }
  return ReadOnlyPolicy{network_enabled};
}

}  // namespace

bool has_full_disk_write_access(const RestrictedFileSystem& file_system) {
  const auto& entries = file_system.entries;
  const auto is_root = [](const FileSystemPath& path) {
    const auto* special = std::get_if<FileSystemSpecialPath>(&path);
    return special && special->kind == Kind::root;
  };
  const bool root_writable = std::any_of(entries.begin(), entries.end(), [&](const auto& entry) {
    return entry.access == Mode::write && is_root(entry.path);
  });
  if (!root_writable) return false;

  const auto narrows = [&](const FileSystemSandboxEntry& entry) {
    if (entry.access == Mode::write) return false;
    if (const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path)) {
      if (special->kind == Kind::minimal || special->kind == Kind::unknown) return false;
      if (special->kind == Kind::root) return entry.access == Mode::deny;
    }
    if (std::holds_alternative<GlobPattern>(entry.path)) return true;
    // Only a `read` entry can be shadowed, by a `write` entry for the same target.
    const bool shadowed =
        entry.access == Mode::read &&
        std::any_of(entries.begin(), entries.end(), [&](const auto& other) {
          return other.access == Mode::write && shares_target(other.path, entry.path);
        });
    return !shadowed;
  };
  return std::none_of(entries.begin(), entries.end(), narrows);
}

PermissionProfile profile_from_legacy_policy(const SandboxPolicy& policy, const WinPath& cwd,
                                             const FileSystemView& fs) {
  return std::visit(
      Overloaded{
          [](const DangerFullAccessPolicy&) -> PermissionProfile { return DisabledProfile{}; },
          [](const ExternalSandboxPolicy& p) -> PermissionProfile {
            return ExternalProfile{p.network_access};
          },
          [](const ReadOnlyPolicy& p) -> PermissionProfile {
            PermissionProfile profile = PermissionProfile::read_only();
            std::get<ManagedProfile>(profile.value()).network = network_from_bool(p.network_access);
            return profile;
          },
          [&](const WorkspaceWritePolicy& p) { return workspace_write_profile(p, cwd, fs); },
      },
      policy);
}

SandboxPolicy legacy_policy_from_profile(const PermissionProfile& profile, const WinPath& cwd) {
  return std::visit(
      Overloaded{
          [](const DisabledProfile&) -> SandboxPolicy { return DangerFullAccessPolicy{}; },
          [](const ExternalProfile& p) -> SandboxPolicy {
            return ExternalSandboxPolicy{p.network};
          },
          [&](const ManagedProfile& p) -> SandboxPolicy {
            if (std::holds_alternative<UnrestrictedFileSystem>(p.file_system)) {
              if (p.network == NetworkAccess::enabled) return DangerFullAccessPolicy{};
              return ExternalSandboxPolicy{NetworkAccess::restricted};
            }
            return legacy_policy_from_restricted(std::get<RestrictedFileSystem>(p.file_system),
                                                 p.network, cwd);
          },
      },
      profile.value());
}

}  // namespace winsandbox
