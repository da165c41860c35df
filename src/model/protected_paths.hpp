// Protected metadata inside a writable root (docs/resolution.md#protected-metadata).
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {

// Names whose writes are denied inside any writable root unless explicitly granted, in the
// reference order.
inline constexpr std::array<std::string_view, 3> kProtectedMetadataNames{".git", ".agents",
                                                                         ".codex"};

// Which protected names are listed even when they do not exist yet.
struct MissingMetadataProtection {
  bool dot_git = false;
  bool dot_agents = false;
  bool dot_codex = false;
};

// The read-only subpaths of writable root `root`, in order, without duplicates:
// 1. if `root\.git` is a file holding `gitdir: <p>`, the resolved `<p>` when it exists,
//    then `root\.git` (when it is a file or directory, or `missing.dot_git`);
// 2. `root\.agents` when it is a directory or `missing.dot_agents`;
// 3. `root\.codex` when it is a directory or `missing.dot_codex`.
std::vector<WinPath> default_read_only_subpaths(const WinPath& root,
                                                MissingMetadataProtection missing,
                                                const FileSystemView& fs);

// As above, for a resolution whose writable roots are `writable_roots`: a git pointer target
// is listed only when it lies inside one of them. A target elsewhere is not writable by the
// sandbox anyway, and a `.git` file is something the sandbox could have written: it must not
// make the host put a deny ACE on an arbitrary directory (`gitdir: C:\Users\me`).
std::vector<WinPath> default_read_only_subpaths(const WinPath& root,
                                                MissingMetadataProtection missing,
                                                const FileSystemView& fs,
                                                const std::vector<WinPath>& writable_roots);

// Resolves `reference` against `base` the way a `gitdir:` pointer is read: an absolute value
// stands alone, a relative one is joined onto `base` with `..` allowed to climb out of it.
// Returns nullopt when the value is not a usable path.
std::optional<WinPath> resolve_path_reference(const WinPath& base, std::string_view reference);

}  // namespace winsandbox
