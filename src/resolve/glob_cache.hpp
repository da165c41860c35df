// The files behind GlobExpansionCache (include/winsandbox/glob_cache.hpp): one walk of one
// deny-read glob, as the directories it read (docs/resolution.md#glob-expansion-cache).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "winsandbox/fs_view.hpp"
#include "winsandbox/glob_cache.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {

// What a walk is keyed by: a file for another key is foreign and ignored.
struct GlobWalkKey {
  std::string pattern;                     // bound, absolute
  WinPath scan_root;                       // every cached directory lies at or below it
  std::optional<std::uint32_t> max_depth;  // levels below scan_root; nullopt: unbounded
};

// A directory as the walk read it, reached by `path` (not canonicalized). `entries` keeps only
// what the walk needs again: every entry that is not a plain file, and the files the pattern
// matches (a file that did not match never will: the pattern is part of the key).
struct CachedDirectory {
  WinPath path;
  DirectoryStamp stamp;  // change_time always set
  std::vector<DirectoryEntry> entries;
  friend bool operator==(const CachedDirectory&, const CachedDirectory&) = default;
};

// File format (version 1, compact JSON), `<cache dir>/<fnv1a-64 of the key, hex>.v1.json`:
//
//   {"version":1,"pattern":"C:\\repo\\**\\*.env","max_depth":null,
//    "directories":[{"path":"C:\\repo","identity":"…","change_time":133…,
//                    "entries":[["src","dir"],["a.env","file"],["alias","junction"]]}]}
//
// Bounds: at most kMaxGlobCacheBytes; at most kMaxGlobCacheDirectories directories.
inline constexpr std::uint64_t kGlobCacheVersion = 1;
inline constexpr std::uintmax_t kMaxGlobCacheBytes = 64ull << 20;
inline constexpr std::size_t kMaxGlobCacheDirectories = 1'000'000;

std::filesystem::path glob_walk_file(const GlobExpansionCache& cache, const GlobWalkKey& key);

// The stored walk for `key`; nullopt when there is none or the file fails any check (not JSON,
// another version, another key, a path outside the scan root, a bad name or kind, a duplicate
// directory, over the bounds). Never throws: a cache that cannot be read is a cache miss.
std::optional<std::vector<CachedDirectory>> load_glob_walk(const GlobExpansionCache& cache,
                                                           const GlobWalkKey& key);

// Replaces the stored walk atomically (write_file_atomically). Best effort: a failure is logged
// at warn and otherwise ignored, since the next command can always walk again.
void store_glob_walk(const GlobExpansionCache& cache, const GlobWalkKey& key,
                     const std::vector<CachedDirectory>& directories);

}  // namespace winsandbox
