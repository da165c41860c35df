// resolve() and explain(): see include/winsandbox/resolve.hpp.
#include "winsandbox/resolve.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "model/file_system_predicates.hpp"
#include "model/protected_paths.hpp"
#include "resolve/entries.hpp"
#include "resolve/glob.hpp"
#include "resolve/network.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

using Kind = FileSystemSpecialPath::Kind;
using Mode = FileSystemAccessMode;

// Paths in order of first appearance, deduplicated by identity in O(1) per insertion (a linear
// scan per insertion made resolving large profiles quadratic).
class UniquePaths {
public:
  void add(const WinPath& path) {
    if (seen_.insert(path).second) paths_.push_back(path);
  }
  std::vector<WinPath> release() && { return std::move(paths_); }

private:
  std::vector<WinPath> paths_;
  std::unordered_set<WinPath> seen_;
};

// UNC shares and remote drives cannot carry our ACLs reliably
// (docs/resolution.md#unc-and-remote-drives).
void require_local(const WinPath& path, const FileSystemView& fs, std::string_view what) {
  if (path.kind() == WinPathKind::device) {
    throw Error(ErrorCode::invalid_path,
                std::string(what) + " `" + path.str() + "` is a device path");
  }
  if (path.kind() == WinPathKind::unc) {
    throw Error(ErrorCode::unc_path_unsupported,
                "windows sandbox does not support " + std::string(what) +
                    " on UNC paths: " + path.str() + ". Use a local drive path.");
  }
  if (fs.drive_type(path) == DriveType::remote) {
    throw Error(ErrorCode::unc_path_unsupported, "windows sandbox does not support " +
                                                     std::string(what) +
                                                     " on mapped network drives: " + path.str() +
                                                     ". Use the underlying local path.");
  }
}

const RestrictedFileSystem& require_enforceable(const PermissionProfile& profile) {
  const ManagedProfile* managed = profile.managed();
  if (!managed) {
    throw Error(ErrorCode::profile_not_managed,
                "only managed permission profiles can be enforced by the Windows sandbox");
  }
  const auto* restricted = std::get_if<RestrictedFileSystem>(&managed->file_system);
  if (!restricted) {
    throw Error(ErrorCode::filesystem_unrestricted,
                "only restricted managed filesystem permissions can be enforced by the Windows "
                "sandbox");
  }
  return *restricted;
}

bool is_readable_root_entry(const FileSystemSandboxEntry& entry) {
  const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
  return special && special->kind == Kind::root && can_read(entry.access);
}

bool has_full_disk_read_access(const std::vector<FileSystemSandboxEntry>& entries) {
  const bool root_readable = std::any_of(entries.begin(), entries.end(), is_readable_root_entry);
  const bool any_deny = std::any_of(entries.begin(), entries.end(),
                                    [](const auto& e) { return e.access == Mode::deny; });
  return root_readable && !any_deny;
}

bool includes_platform_defaults(const std::vector<FileSystemSandboxEntry>& entries) {
  return std::any_of(entries.begin(), entries.end(), [](const auto& entry) {
    const auto* special = std::get_if<FileSystemSpecialPath>(&entry.path);
    return special && special->kind == Kind::minimal && can_read(entry.access);
  });
}

// A glob must name its base unambiguously: absolute (`C:\x\*`), or relative to the command
// cwd (`x\*`). Empty, rooted (`\x\*`, `/x/*`: which drive?) and drive-relative (`C:x\*`: whose
// cwd on that drive?) patterns have no single meaning on Windows.
void require_meaningful_base(std::string_view pattern) {
  if (pattern.empty()) throw_invalid_glob(pattern, "the pattern is empty");
  if (WinPath::looks_absolute(pattern)) return;
  if (pattern.front() == '\\' || pattern.front() == '/') {
    throw_invalid_glob(pattern, "a rooted pattern names no drive; spell the drive (`C:\\...`)");
  }
  if (pattern.size() >= 2 && pattern[1] == ':') {
    throw_invalid_glob(pattern, "a drive-relative pattern has no single base; spell the full path");
  }
}

// Absolute deny-read glob patterns: relative ones are taken relative to the command cwd.
std::vector<std::string> deny_globs(const std::vector<FileSystemSandboxEntry>& entries,
                                    const WinPath& command_cwd) {
  std::vector<std::string> patterns;
  std::unordered_set<std::string> seen;
  for (const auto& entry : entries) {
    const auto* glob = std::get_if<GlobPattern>(&entry.path);
    if (!glob || entry.access != Mode::deny)
      continue;  // globs only ever deny (docs/resolution.md#deny-read-globs)
    std::string pattern = glob->pattern;
    require_meaningful_base(pattern);
    if (!WinPath::looks_absolute(pattern)) {
      pattern = command_cwd.str() + (command_cwd.is_root() ? "" : "\\") + pattern;
    }
    std::replace(pattern.begin(), pattern.end(), '/', '\\');
    if (seen.insert(pattern).second) patterns.push_back(std::move(pattern));
  }
  return patterns;
}

// Drops the TEMP/TMP directories that lie at or inside the protected metadata (`.git`,
// `.agents`, `.codex`) of a writable entry: protected metadata always wins over a TEMP root,
// so the plan and explain() never make that metadata writable. Each drop is a warning.
std::vector<WinPath> temp_directories_outside_metadata(
    const std::vector<FileSystemSandboxEntry>& bound_without_temp,
    const std::vector<WinPath>& temp_dirs, const WinPath& cwd, const FileSystemView& fs,
    std::vector<std::string>& warnings) {
  const ConcreteEntries without_temp(bound_without_temp, cwd, fs);
  std::vector<WinPath> kept;
  for (const auto& dir : temp_dirs) {
    if (const auto metadata =
            without_temp.protected_metadata_at_or_above(normalize_through(fs, dir))) {
      warnings.push_back("TEMP/TMP directory `" + dir.str() +
                         "` is not made writable: it is inside protected metadata `" +
                         metadata->str() + "`");
      continue;
    }
    kept.push_back(dir);
  }
  return kept;
}

std::string_view link_kind_name(NodeKind kind) {
  return kind == NodeKind::junction ? "junction" : "symbolic link";
}

// Refuses `path` when canonicalizing it passes through a junction or symlink lying strictly
// inside one of `writable` (writable roots, canonical and as spelled): the sandboxed command
// could have made that link, so it must not decide where a grant or an ACE goes.
void require_not_redirected(const WinPath& path, std::string_view what,
                            const std::vector<WinPath>& writable, const FileSystemView& fs) {
  const auto strictly_inside = [](const WinPath& inner, const WinPath& outer) {
    return inner != outer && inner.is_within(outer);
  };
  for (const auto& hop : links_on_the_way(fs, path)) {
    for (const auto& root : writable) {
      if (!strictly_inside(hop.link, root) && !strictly_inside(hop.spelled, root)) continue;
      throw Error(ErrorCode::writable_root_redirected,
                  std::string(what) + " `" + path.str() + "` is redirected: `" + hop.link.str() +
                      "` is a " + std::string(link_kind_name(hop.kind)) +
                      " inside writable root `" + root.str() + "` pointing to `" +
                      (hop.target ? hop.target->str() : std::string("an unresolvable target")) +
                      "`; a link the sandboxed command could have made never steers a grant");
    }
  }
}

// Every path the resolution turns into a grant or an ACE, checked by require_not_redirected
// against the writable roots in both spellings (the roots are what is being computed, so both
// the canonical result and the spelling that produced it count).
void require_no_redirected_targets(const ProfileBinding& binding,
                                   const std::vector<FileSystemSandboxEntry>& bound,
                                   const std::vector<WritableRoot>& roots,
                                   const FileSystemView& fs) {
  if (roots.empty()) return;
  std::unordered_set<WinPath> canonical_roots;
  std::vector<WinPath> writable;
  for (const auto& root : roots) {
    canonical_roots.insert(root.root);
    writable.push_back(root.root);
  }
  const auto add_spelling = [&](const WinPath& spelled) {
    if (canonical_roots.contains(normalize_through(fs, spelled))) writable.push_back(spelled);
  };
  for (const auto& root : binding.workspace_roots) add_spelling(root);
  for (const auto& entry : bound) {
    const auto* exact = std::get_if<WinPath>(&entry.path);
    if (exact && entry.access == Mode::write) add_spelling(*exact);
  }

  for (const auto& root : binding.workspace_roots) {
    require_not_redirected(root, "workspace root", writable, fs);
  }
  for (const auto& entry : bound) {
    const auto* exact = std::get_if<WinPath>(&entry.path);
    if (!exact) continue;
    const std::string what = entry.access == Mode::write  ? "writable root"
                             : entry.access == Mode::read ? "read-only path"
                                                          : "deny-read path";
    require_not_redirected(*exact, what, writable, fs);
  }
  for (const auto& root : roots) {
    for (const auto& subpath : root.read_only_subpaths) {
      require_not_redirected(subpath, "read-only subpath", writable, fs);
    }
  }
}

// A drive root granted as an exact path (`C:\ = write`, a workspace root or TEMP at `C:\`, a
// junction to `C:\`) is full-disk write, however the profile spelled it; only `:root = write`
// keeps the reference's narrowing rule (has_full_disk_write_access).
void require_no_drive_root_write(const std::vector<FileSystemSandboxEntry>& bound,
                                 const ConcreteEntries& concrete, const FileSystemView& fs) {
  for (const auto& entry : bound) {
    const auto* exact = std::get_if<WinPath>(&entry.path);
    if (!exact || entry.access != Mode::write) continue;
    const WinPath canonical = normalize_through(fs, *exact);
    if (!canonical.is_root() || !concrete.can_write(canonical)) continue;
    throw Error(ErrorCode::full_disk_write,
                "permission profile requests full-disk filesystem writes: `" + exact->str() +
                    "` = write makes the drive root `" + canonical.str() +
                    "` writable, which cannot be enforced by the Windows sandbox");
  }
}

std::vector<WritableRoot> writable_roots(const ConcreteEntries& concrete,
                                         const FileSystemView& fs) {
  UniquePaths unique_roots;
  for (const auto& entry : concrete.entries()) {
    if (entry.access == Mode::write && concrete.can_write(entry.path)) unique_roots.add(entry.path);
  }
  const std::vector<WinPath> roots = std::move(unique_roots).release();
  std::unordered_map<WinPath, std::size_t> root_index;
  for (std::size_t i = 0; i < roots.size(); ++i) root_index.emplace(roots[i], i);

  std::vector<UniquePaths> subpaths(roots.size());
  for (std::size_t i = 0; i < roots.size(); ++i) {
    // Built-in protection; an explicit entry for one of these paths wins
    // (docs/resolution.md#protected-metadata).
    for (const auto& subpath :
         default_read_only_subpaths(roots[i], {true, true, true}, fs, roots)) {
      if (!concrete.has_entry_at(subpath)) subpaths[i].add(subpath);
    }
  }
  // Read and deny entries below a root carve out of it (of every root they are below).
  for (const auto& entry : concrete.entries()) {
    if (entry.access == Mode::write) continue;
    std::optional<WinPath> above = entry.path.parent();
    std::vector<std::size_t> containing;
    for (; above; above = above->parent()) {
      if (const auto it = root_index.find(*above); it != root_index.end())
        containing.push_back(it->second);
    }
    if (containing.empty() || concrete.can_write(entry.path)) continue;
    for (const std::size_t i : containing) subpaths[i].add(entry.path);
  }
  std::vector<WritableRoot> result;
  for (std::size_t i = 0; i < roots.size(); ++i) {
    result.push_back({roots[i], std::move(subpaths[i]).release()});
  }
  return result;
}

std::vector<WinPath> deny_read_paths(const ConcreteEntries& concrete,
                                     const std::vector<GlobMatcher>& globs,
                                     std::optional<std::uint32_t> max_depth,
                                     const WinPath& command_cwd, const FileSystemView& fs,
                                     const GlobExpansionCache* cache) {
  UniquePaths paths;
  for (const auto& entry : concrete.entries()) {
    // `:root = deny` is what "restricted" means anyway; listing it would erase every grant.
    if (entry.access != Mode::deny || entry.path == command_cwd.root()) continue;
    if (!concrete.can_read(entry.path)) paths.add(entry.path);
  }
  for (const auto& glob : globs) {
    for (const auto& match : expand_glob(glob, max_depth, fs, cache)) paths.add(match);
  }
  return std::move(paths).release();
}

AclTargets acl_targets(const std::vector<WritableRoot>& roots, const FileSystemView& fs) {
  UniquePaths allow_write, deny_write, protect_missing;
  for (const auto& root : roots) {
    if (fs.exists(root.root)) allow_write.add(root.root);
    for (const auto& subpath : root.read_only_subpaths) {
      if (fs.exists(subpath)) {
        deny_write.add(subpath);
      } else if (fold_case(subpath.filename()) != fold_case(".git")) {
        // `.git` is never created: a missing one means "not a repository".
        protect_missing.add(subpath);
      }
    }
  }
  return {std::move(allow_write).release(), std::move(deny_write).release(),
          std::move(protect_missing).release()};
}

}  // namespace

std::string_view token_mode_name(TokenMode mode) noexcept {
  return mode == TokenMode::read_only_capability ? "read_only_capability"
                                                 : "writable_roots_capability";
}

std::vector<WinPath> writable_root_paths(const ResolvedPermissions& resolved) {
  std::vector<WinPath> paths;
  paths.reserve(resolved.writable_roots.size());
  for (const auto& root : resolved.writable_roots) paths.push_back(root.root);
  return paths;
}

ResolvedPermissions resolve(const PermissionProfile& profile, const ProfileBinding& binding,
                            const WinPath& command_cwd, const Environment& child_env,
                            const FileSystemView& fs, const ResolveOptions& options) {
  const RestrictedFileSystem& file_system = require_enforceable(profile);

  require_local(command_cwd, fs, "sandbox working directory");
  UniquePaths unique_workspace_roots;
  for (const auto& root : binding.workspace_roots) {
    require_local(root, fs, "workspace root");
    unique_workspace_roots.add(normalize_through(fs, root));
  }
  std::vector<WinPath> workspace_roots = std::move(unique_workspace_roots).release();
  const WinPath cwd = normalize_through(fs, command_cwd);

  const auto projected = bind_project_roots(file_system.entries, workspace_roots);
  std::vector<std::string> warnings;
  const auto temp_dirs = temp_directories_outside_metadata(
      expand_temp_entries(projected, {}), temp_directories(child_env), cwd, fs, warnings);
  const auto bound = expand_temp_entries(projected, temp_dirs);
  if (has_full_disk_write_access(RestrictedFileSystem{bound, {}})) {
    throw Error(ErrorCode::full_disk_write,
                "permission profile requests full-disk filesystem writes, which cannot be "
                "enforced by the Windows sandbox");
  }
  // Compile every glob before touching the filesystem for them.
  const auto patterns = deny_globs(bound, cwd);
  std::vector<GlobMatcher> globs;
  for (const auto& pattern : patterns) globs.push_back(GlobMatcher::compile(pattern));
  const std::vector<GlobMatcher> no_globs;

  const ConcreteEntries concrete(bound, cwd, fs);
  auto roots = writable_roots(concrete, fs);
  for (const auto& root : roots) require_local(root.root, fs, "writable root");
  // A drive root first: under it every link would count as one the command could have made.
  require_no_drive_root_write(bound, concrete, fs);
  require_no_redirected_targets(binding, bound, roots, fs);

  const bool full_read = has_full_disk_read_access(bound);
  UniquePaths readable;
  if (!full_read) {
    for (const auto& entry : concrete.entries()) {
      if (can_read(entry.access) && concrete.can_read(entry.path)) readable.add(entry.path);
    }
  }

  std::vector<FileSystemSandboxEntry> bound_entries;
  for (const auto& entry : concrete.entries()) bound_entries.push_back({entry.path, entry.access});

  auto acl = acl_targets(roots, fs);
  const TokenMode token_mode =
      roots.empty() ? TokenMode::read_only_capability : TokenMode::writable_roots_capability;
  return ResolvedPermissions{
      .workspace_roots = std::move(workspace_roots),
      .command_cwd = cwd,
      .token_mode = token_mode,
      .network = resolve_network(profile.network(), child_env, options),
      .full_disk_read = full_read,
      .include_platform_defaults = !full_read && includes_platform_defaults(bound),
      .readable_roots = std::move(readable).release(),
      .writable_roots = std::move(roots),
      .deny_read = deny_read_paths(concrete, options.expand_deny_read_globs ? globs : no_globs,
                                   file_system.glob_scan_max_depth, cwd, fs, options.glob_cache),
      .acl = std::move(acl),
      .bound_entries = std::move(bound_entries),
      .deny_read_globs = patterns,
      .warnings = std::move(warnings),
  };
}

PathVerdict explain(const ResolvedPermissions& resolved, const WinPath& path,
                    const FileSystemView& fs) {
  PathVerdict verdict{normalize_through(fs, path), false, false, {}};
  const ConcreteEntries concrete(resolved.bound_entries, resolved.command_cwd, fs);
  const auto* entry = concrete.deciding_entry(verdict.path);
  if (!entry) {
    verdict.rule = "no entry covers this path (default: deny)";
    return verdict;
  }
  verdict.rule =
      "entry " + entry->path.str() + " = " + std::string(access_mode_name(entry->access));
  verdict.read = can_read(entry->access);
  // Deny-read ACEs sit on objects, so a path is denied if either spelling — as given or
  // canonical — matches a denied path or glob (docs/resolution.md#deny-read-globs).
  for (const WinPath* spelling : std::initializer_list<const WinPath*>{&path, &verdict.path}) {
    for (const auto& denied : resolved.deny_read) {
      if (verdict.read && spelling->is_within(denied)) {
        verdict.read = false;
        verdict.rule = "deny-read path " + denied.str();
      }
    }
    for (const auto& pattern : resolved.deny_read_globs) {
      if (verdict.read && GlobMatcher::compile(pattern).matches(*spelling)) {
        verdict.read = false;
        verdict.rule = "deny-read glob " + pattern;
      }
    }
  }
  // Writes follow the ACLs: the most specific writable root, minus its read-only subpaths.
  const WritableRoot* root = nullptr;
  for (const auto& candidate : resolved.writable_roots) {
    if (verdict.path.is_within(candidate.root) &&
        (!root || candidate.root.component_count() > root->root.component_count())) {
      root = &candidate;
    }
  }
  if (!root) {
    if (entry->access == Mode::write) verdict.rule += " (not a writable root: protected metadata)";
    return verdict;
  }
  for (const auto& subpath : root->read_only_subpaths) {
    if (verdict.path.is_within(subpath)) {
      verdict.rule = "read-only subpath " + subpath.str() + " of writable root " + root->root.str();
      return verdict;
    }
  }
  verdict.write = true;
  verdict.rule = "writable root " + root->root.str();
  return verdict;
}

}  // namespace winsandbox
