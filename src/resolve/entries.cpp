#include "resolve/entries.hpp"

#include <algorithm>

#include "common/overloaded.hpp"
#include "model/protected_paths.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

using Kind = FileSystemSpecialPath::Kind;
using Mode = FileSystemAccessMode;

// The part of a `codex-project-roots://` glob after the prefix must stay inside the root it is
// joined to.
void require_root_relative_pattern(std::string_view pattern, std::string_view relative) {
  if (relative.empty()) throw_invalid_glob(pattern, "nothing follows the project roots prefix");
  if (relative.front() == '/' || relative.front() == '\\' ||
      (relative.size() >= 2 && relative[1] == ':')) {
    throw_invalid_glob(pattern,
                       "the part after the project roots prefix must be relative to the root");
  }
  std::size_t start = 0;
  while (start <= relative.size()) {
    const auto end = relative.find_first_of("/\\", start);
    const auto part = relative.substr(start, end == std::string_view::npos ? end : end - start);
    if (part == "..") throw_invalid_glob(pattern, "`..` would leave the project root");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

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
        for (auto it = missing_tail.rbegin(); it != missing_tail.rend(); ++it)
          result = result.child(*it);
        return result;
      }
    }
    if (current->is_root()) break;
    missing_tail.push_back(current->filename());
    current = current->parent();
  }
  return path;
}

void throw_invalid_glob(std::string_view pattern, std::string_view reason) {
  throw Error(ErrorCode::invalid_glob, "invalid deny-read glob pattern `" + std::string(pattern) +
                                           "`: " + std::string(reason));
}

std::vector<LinkHop> links_on_the_way(const FileSystemView& fs, const WinPath& path) {
  std::vector<LinkHop> hops;
  const auto names = path.relative_to(path.root());
  if (!names) return hops;
  WinPath spelled = path.root();
  WinPath resolved = fs.canonical(spelled).value_or(spelled);
  for (const auto& name : *names) {
    try {
      spelled = spelled.child(name);
      resolved = resolved.child(name);
    } catch (const Error&) {
      break;  // not a name a directory can hold: nothing below it exists
    }
    const NodeKind kind = fs.kind(resolved);
    if (kind == NodeKind::missing) break;
    const bool link = kind == NodeKind::junction || kind == NodeKind::symlink;
    // Only links and 8.3 aliases (which always hold a `~`) change the spelling: one lookup
    // less per plain component.
    if (!link && name.find('~') == std::string::npos) continue;
    auto canonical = fs.canonical(resolved);
    if (link) hops.push_back({spelled, resolved, kind, canonical});
    if (!canonical) break;
    resolved = std::move(*canonical);
  }
  return hops;
}

std::vector<FileSystemSandboxEntry> bind_project_roots(
    const std::vector<FileSystemSandboxEntry>& entries,
    const std::vector<WinPath>& workspace_roots) {
  std::vector<FileSystemSandboxEntry> bound;
  for (const auto& entry : entries) {
    const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
    if (special && special->kind == Kind::project_roots) {
      for (const auto& root : workspace_roots) {
        bound.push_back(
            {special->subpath ? bind_subpath(root, *special->subpath) : root, entry.access});
      }
      continue;
    }
    const auto* glob = std::get_if<GlobPattern>(&entry.path);
    if (glob && glob->pattern.starts_with(kProjectRootsGlobPrefix)) {
      const std::string_view relative =
          std::string_view(glob->pattern).substr(kProjectRootsGlobPrefix.size());
      require_root_relative_pattern(glob->pattern, relative);
      for (const auto& root : workspace_roots) {
        bound.push_back({GlobPattern{join_pattern(root, relative)}, entry.access});
      }
      continue;
    }
    bound.push_back(entry);
  }
  return bound;
}

std::vector<WinPath> temp_directories(const Environment& child_env) {
  std::vector<WinPath> temp_dirs;
  for (const auto& [key, value] : child_env.entries()) {
    if (!env_key_equals(key, "TEMP") && !env_key_equals(key, "TMP")) continue;
    if (auto path = WinPath::try_parse(value)) temp_dirs.push_back(std::move(*path));
  }
  return temp_dirs;
}

std::vector<FileSystemSandboxEntry> expand_temp_entries(
    const std::vector<FileSystemSandboxEntry>& entries, const std::vector<WinPath>& temp_dirs) {
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
    const std::string origin =
        describe(entry.path) + " = " + std::string(access_mode_name(entry.access));
    if (const auto* exact = std::get_if<WinPath>(&entry.path)) {
      entries_.push_back({normalize_through(fs, *exact), entry.access, origin});
    } else if (const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
               special && special->kind == Kind::root) {
      entries_.push_back({command_cwd.root(), entry.access, origin});
    }
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) by_path_[entries_[i].path].push_back(i);
}

const std::vector<std::size_t>* ConcreteEntries::entries_at(const WinPath& path) const {
  const auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : &it->second;
}

bool ConcreteEntries::has_write_entry_at(const WinPath& path) const {
  const auto* at = entries_at(path);
  return at && std::any_of(at->begin(), at->end(),
                           [&](std::size_t i) { return entries_[i].access == Mode::write; });
}

// The deepest ancestor-or-self carrying entries decides (component count); among entries at
// that one path the strongest access wins (read < write < deny), the first on ties.
const ConcreteEntries::Entry* ConcreteEntries::deciding_entry(const WinPath& path) const {
  for (std::optional<WinPath> current = path; current; current = current->parent()) {
    const auto* at = entries_at(*current);
    if (!at) continue;
    const Entry* best = nullptr;
    for (const std::size_t i : *at) {
      if (!best || entries_[i].access > best->access) best = &entries_[i];
    }
    return best;
  }
  return nullptr;
}

FileSystemAccessMode ConcreteEntries::access(const WinPath& path) const {
  const Entry* entry = deciding_entry(path);
  return entry ? entry->access : Mode::deny;
}

bool ConcreteEntries::can_read(const WinPath& path) const {
  return winsandbox::can_read(access(path));
}

std::optional<WinPath> ConcreteEntries::protected_metadata_at_or_above(const WinPath& path) const {
  for (std::optional<WinPath> current = path; current; current = current->parent()) {
    const auto parent = current->parent();
    if (!parent || !is_protected_name(current->filename()) || !has_write_entry_at(*parent)) {
      continue;
    }
    for (std::optional<WinPath> inside = path; inside && inside->is_within(*current);
         inside = inside->parent()) {
      if (has_write_entry_at(*inside)) return std::nullopt;
    }
    return current;
  }
  return std::nullopt;
}

bool ConcreteEntries::can_write(const WinPath& path, std::string* reason) const {
  if (!winsandbox::can_write(access(path))) return false;
  // Write entries strictly above `path` whose child toward `path` is protected metadata, with
  // that child; the first such entry in profile order decides.
  struct Candidate {
    std::size_t entry;
    WinPath metadata;
  };
  std::optional<Candidate> first;
  WinPath below = path;
  for (auto current = path.parent(); current; below = *current, current = current->parent()) {
    if (!is_protected_name(below.filename())) continue;
    const auto* at = entries_at(*current);
    if (!at) continue;
    for (const std::size_t i : *at) {
      if (entries_[i].access != Mode::write) continue;
      if (!first || i < first->entry) first = Candidate{i, below};
      break;  // indices are ascending: the first write entry here is the earliest
    }
  }
  if (!first) return true;
  // A write entry at or above `path` inside the metadata directory grants the write.
  for (std::optional<WinPath> current = path; current && current->is_within(first->metadata);
       current = current->parent()) {
    if (has_write_entry_at(*current)) return true;
  }
  if (reason) {
    *reason = "protected metadata `" + first->metadata.str() + "` of writable entry " +
              entries_[first->entry].origin;
  }
  return false;
}

}  // namespace winsandbox
