// Concrete entries: a profile's entries after binding (docs/architecture.md#binding-rule),
// `:tmpdir` expansion and canonicalization, and the access rules evaluated over them
// (docs/resolution.md#access-rules).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox {

// `path` with its deepest existing ancestor replaced by that ancestor's canonical form
// (junctions and symlinks resolved); missing tails are kept, so missing paths stay listable.
WinPath normalize_through(const FileSystemView& fs, const WinPath& path);

// A junction or symlink met while canonicalizing a path.
struct LinkHop {
  WinPath spelled;                // the path's own prefix that names the link
  WinPath link;                   // where the link lies (its parent canonical)
  NodeKind kind;                  // junction or symlink
  std::optional<WinPath> target;  // canonical target; nullopt when dangling or cyclic
};

// Every link that canonicalizing `path` passes through, outermost first. The walk stops at the
// first missing component or unresolvable link (there is nothing further to follow).
std::vector<LinkHop> links_on_the_way(const FileSystemView& fs, const WinPath& path);

// Throws Error(invalid_glob) with the message `invalid deny-read glob pattern `<pattern>`:
// <reason>` (the wording GlobMatcher::compile uses).
[[noreturn]] void throw_invalid_glob(std::string_view pattern, std::string_view reason);

// Replaces symbolic project roots by one entry per workspace root (in root order, same
// access) and `codex-project-roots://` globs by one absolute glob per root. The part after
// `codex-project-roots://` is relative to each root: a `..` component, a leading separator or
// a drive (`codex-project-roots://../x`, `codex-project-roots:///x`) would leave the root and
// throws Error(invalid_glob), even when there is no workspace root to bind to.
std::vector<FileSystemSandboxEntry> bind_project_roots(
    const std::vector<FileSystemSandboxEntry>& entries,
    const std::vector<WinPath>& workspace_roots);

// The TEMP/TMP directories of the child environment: keys case-insensitive, absolute values
// only, environment order. The host environment is never consulted
// (docs/resolution.md#temp-and-tmp).
std::vector<WinPath> temp_directories(const Environment& child_env);

// Replaces each `:tmpdir` entry by one exact entry per directory of `temp_dirs` (in order) and
// drops `:slash_tmp` entries.
std::vector<FileSystemSandboxEntry> expand_temp_entries(
    const std::vector<FileSystemSandboxEntry>& entries, const std::vector<WinPath>& temp_dirs);

// Exact entries evaluated at a command cwd: `:root` is the cwd's drive or share root;
// globs, `:minimal` and unknown specials take no part in prefix matching.
class ConcreteEntries {
public:
  ConcreteEntries(const std::vector<FileSystemSandboxEntry>& bound, const WinPath& command_cwd,
                  const FileSystemView& fs);

  struct Entry {
    WinPath path;
    FileSystemAccessMode access;
    std::string origin;  // how the profile spelled it, for explain()
  };
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  // The most specific entry containing `path` (component count, then read < write < deny).
  const Entry* deciding_entry(const WinPath& path) const;
  FileSystemAccessMode access(const WinPath& path) const;
  bool can_read(const WinPath& path) const;
  // Write access, minus writes into `.git`/`.agents`/`.codex` of a writable entry unless a
  // write entry grants inside them. `reason` (if given) receives why a write was refused.
  bool can_write(const WinPath& path, std::string* reason = nullptr) const;
  // The protected metadata directory (`.git`, `.agents`, `.codex` directly below a write
  // entry) at or above `path`, unless a write entry at or above `path` inside it grants writes
  // there; nullopt when `path` is in no such directory.
  std::optional<WinPath> protected_metadata_at_or_above(const WinPath& path) const;
  // Whether some entry names exactly `path` (by identity).
  bool has_entry_at(const WinPath& path) const { return entries_at(path) != nullptr; }

private:
  // Entries exactly at `path` (indices into entries_, in order), or null.
  const std::vector<std::size_t>* entries_at(const WinPath& path) const;
  bool has_write_entry_at(const WinPath& path) const;

  std::vector<Entry> entries_;
  // Identity → entries at that path: queries walk a path's ancestors (O(depth)) instead of
  // scanning every entry, so resolving n entries is near-linear, not O(n²).
  std::unordered_map<WinPath, std::vector<std::size_t>> by_path_;
};

}  // namespace winsandbox
