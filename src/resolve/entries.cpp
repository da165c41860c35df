#include "resolve/entries.hpp"

#include <algorithm>

#include "common/overloaded.hpp"
#include "model/protected_paths.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

using Kind = FileSystemSpecialPath::Kind;
using Mode = FileSystemAccessMode;

std::string join_pattern(const WinPath& base, std::string_view relative) {
  std::string pattern = base.str();
  if (!pattern.ends_with('\\')) pattern += '\\';
  for (char c : relative) pattern += c == '/' ? '\\' : c;
  return pattern;
}

WinPath bind_subpath(const WinPath& root, const std::string& subpath) {
  try {
    return root.join(subpath);
  } catch (const Error& e) {
    throw Error(ErrorCode::invalid_profile, "project_roots subpath `" + subpath +
                                                "` cannot be bound to `" + root.str() +
                                                "`: " + e.what());
  }
}

std::string describe(const FileSystemPath& path) {
  return std::visit(Overloaded{
                        [](const WinPath& exact) { return exact.str(); },
                        [](const GlobPattern& glob) { return "glob " + glob.pattern; },
                        [](const FileSystemSpecialPath& special) -> std::string {
                          switch (special.kind) {
                            case Kind::root: return ":root";
                            case Kind::minimal: return ":minimal";
                            case Kind::project_roots:
                              return special.subpath ? ":project_roots/" + *special.subpath
                                                     : ":project_roots";
                            case Kind::tmpdir: return ":tmpdir";
                            case Kind::slash_tmp: return ":slash_tmp";
                            case Kind::unknown: return special.path;
                          }
                          return "?";
                        },
                    },
                    path);
}

bool is_protected_name(const std::string& name) {
  return std::any_of(kProtectedMetadataNames.begin(), kProtectedMetadataNames.end(),
                     [&](std::string_view n) { return fold_case(n) == fold_case(name); });
}

}  // namespace

WinPath normalize_through(const FileSystemView& fs, const WinPath& path) {
  std::vector<std::string> missing_tail;
  std::optional<WinPath> current = path;
  while (current) {
    if (fs.kind(*current) != NodeKind::missing) {
      if (auto canonical = fs.canonical(*current)) {
        WinPath result = std::move(*canonical);
        for (auto it = missing_tail.rbegin(); it != missing_tail.rend(); ++it) result = result.join(*it);
        return result;
      }
    }
    if (current->is_root()) break;
    missing_tail.push_back(current->filename());
    current = current->parent();
  }
  return path;
}

std::vector<FileSystemSandboxEntry> bind_project_roots(
    const std::vector<FileSystemSandboxEntry>& entries, const std::vector<WinPath>& workspace_roots) {
  std::vector<FileSystemSandboxEntry> bound;
  for (const auto& entry : entries) {
    const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
    if (special && special->kind == Kind::project_roots) {
      for (const auto& root : workspace_roots) {
        bound.push_back({special->subpath ? bind_subpath(root, *special->subpath) : root, entry.access});
      }
      continue;
    }
    const auto* glob = std::get_if<GlobPattern>(&entry.path);
    if (glob && glob->pattern.starts_with(kProjectRootsGlobPrefix)) {
      const std::string_view relative =
          std::string_view(glob->pattern).substr(kProjectRootsGlobPrefix.size());
      for (const auto& root : workspace_roots) {
        bound.push_back({GlobPattern{join_pattern(root, relative)}, entry.access});
      }
      continue;
    }
    bound.push_back(entry);
  }
  return bound;
}

std::vector<FileSystemSandboxEntry> expand_temp_entries(
    const std::vector<FileSystemSandboxEntry>& entries, const Environment& child_env) {
  std::vector<WinPath> temp_dirs;
  for (const auto& [key, value] : child_env.entries()) {
    if (!env_key_equals(key, "TEMP") && !env_key_equals(key, "TMP")) continue;
    if (auto path = WinPath::try_parse(value)) temp_dirs.push_back(std::move(*path));
  }
  std::vector<FileSystemSandboxEntry> expanded;
  for (const auto& entry : entries) {
    const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
    if (special && special->kind == Kind::slash_tmp) continue;
    if (special && special->kind == Kind::tmpdir) {
      for (const auto& dir : temp_dirs) expanded.push_back({dir, entry.access});
      continue;
    }
    expanded.push_back(entry);
  }
  return expanded;
}

ConcreteEntries::ConcreteEntries(const std::vector<FileSystemSandboxEntry>& bound,
                                 const WinPath& command_cwd, const FileSystemView& fs) {
  for (const auto& entry : bound) {
    const std::string origin = describe(entry.path) + " = " + std::string(access_mode_name(entry.access));
    if (const auto* exact = std::get_if<WinPath>(&entry.path)) {
      entries_.push_back({normalize_through(fs, *exact), entry.access, origin});
    } else if (const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
               special && special->kind == Kind::root) {
      entries_.push_back({command_cwd.root(), entry.access, origin});
    }
  }
}

const ConcreteEntries::Entry* ConcreteEntries::deciding_entry(const WinPath& path) const {
  const Entry* best = nullptr;
  for (const auto& entry : entries_) {
    if (!path.is_within(entry.path)) continue;
    if (!best || std::pair(entry.path.component_count(), entry.access) >
                     std::pair(best->path.component_count(), best->access)) {
      best = &entry;
    }
  }
  return best;
}

FileSystemAccessMode ConcreteEntries::access(const WinPath& path) const {
  const Entry* entry = deciding_entry(path);
  return entry ? entry->access : Mode::deny;
}

bool ConcreteEntries::can_read(const WinPath& path) const { return winsandbox::can_read(access(path)); }

bool ConcreteEntries::can_write(const WinPath& path, std::string* reason) const {
  if (!winsandbox::can_write(access(path))) return false;
  for (const auto& writable : entries_) {
    if (writable.access != Mode::write) continue;
    const auto relative = path.relative_to(writable.path);
    if (!relative || relative->empty() || !is_protected_name(relative->front())) continue;
    const WinPath metadata = writable.path.join(relative->front());
    const bool granted_inside = std::any_of(entries_.begin(), entries_.end(), [&](const Entry& w) {
      return w.access == Mode::write && path.is_within(w.path) && w.path.is_within(metadata);
    });
    if (granted_inside) return true;
    if (reason) *reason = "protected metadata `" + metadata.str() + "` of writable entry " + writable.origin;
    return false;
  }
  return true;
}

}  // namespace winsandbox
