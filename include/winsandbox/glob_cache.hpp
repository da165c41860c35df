// Where deny-read glob expansions are kept between commands, so that a command on an unchanged
// workspace checks its directories instead of listing them again
// (docs/resolution.md#glob-expansion-cache).
#pragma once

#include <filesystem>
#include <utility>

namespace winsandbox {

// A directory of cache files, one per (glob pattern, scan depth). Pass it to resolve() through
// ResolveOptions::glob_cache. It must be a directory the sandboxed command cannot write (the
// sandbox home is outside every writable root): a listing is reused only when the directory's
// identity and change time still match, but what the file says the directory held is believed.
// Every file is validated in full before use; a missing, corrupt, oversized or foreign one is
// ignored and replaced, never trusted. Failing to write one only costs the next command a walk.
class GlobExpansionCache {
public:
  // `<sandbox_home>/.sandbox/glob_cache`.
  static GlobExpansionCache in_sandbox_home(const std::filesystem::path& sandbox_home) {
    return GlobExpansionCache(sandbox_home / ".sandbox" / "glob_cache");
  }
  explicit GlobExpansionCache(std::filesystem::path directory) : directory_(std::move(directory)) {}

  const std::filesystem::path& directory() const noexcept { return directory_; }

private:
  std::filesystem::path directory_;
};

}  // namespace winsandbox
