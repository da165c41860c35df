#include "resolve/glob_cache.hpp"

#include <array>
#include <cstdio>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "common/atomic_file.hpp"
#include "common/json_cursor.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::array<std::pair<NodeKind, std::string_view>, 4> kEntryKinds{{
    {NodeKind::file, "file"},
    {NodeKind::directory, "dir"},
    {NodeKind::junction, "junction"},
    {NodeKind::symlink, "symlink"},
}};
constexpr std::size_t kMaxIdentityBytes = 1024;

std::string_view entry_kind_name(NodeKind kind) {
  for (const auto& [k, name] : kEntryKinds) {
    if (k == kind) return name;
  }
  throw Error(ErrorCode::invalid_argument, "a cached directory entry must exist");
}

NodeKind entry_kind(const JsonCursor& cursor) {
  for (const auto& [kind, name] : kEntryKinds) {
    if (cursor.string() == name) return kind;
  }
  cursor.fail("unknown entry kind");
}

Json max_depth_json(const std::optional<std::uint32_t>& depth) {
  return depth ? Json(*depth) : Json(nullptr);
}

CachedDirectory decode_directory(const JsonCursor& item, const WinPath& scan_root) {
  item.reject_unknown_fields({"path", "identity", "change_time", "entries"});
  const auto path = WinPath::try_parse(item.field("path").string());
  if (!path || !path->is_within(scan_root)) item.field("path").fail("not below the scan root");
  CachedDirectory directory{*path, {item.field("identity").string(), {}}, {}};
  if (directory.stamp.identity.empty() || directory.stamp.identity.size() > kMaxIdentityBytes) {
    item.field("identity").fail("not a directory identity");
  }
  const JsonCursor time = item.field("change_time");
  if (!time.value().is_number_integer()) time.fail("not an integer");
  directory.stamp.change_time = time.value().get<std::int64_t>();
  const JsonCursor entries = item.field("entries");
  for (std::size_t i = 0; i < entries.array().size(); ++i) {
    const JsonCursor pair = entries.element(i);
    if (pair.array().size() != 2) pair.fail("expected [name, kind]");
    const std::string& name = pair.element(0).string();
    // One component, spelled as the walk will spell it again.
    std::optional<WinPath> child;
    try {
      child = path->child(name);
    } catch (const Error&) {
    }
    if (!child || child->parent() != *path || child->filename() != name) {
      pair.element(0).fail("not a file name");
    }
    directory.entries.push_back({name, entry_kind(pair.element(1))});
  }
  return directory;
}

}  // namespace

std::filesystem::path glob_walk_file(const GlobExpansionCache& cache, const GlobWalkKey& key) {
  const std::string text = key.pattern + '\n' + max_depth_json(key.max_depth).dump();
  char name[40];
  std::snprintf(name, sizeof name, "%016llx.v%llu.json",
                static_cast<unsigned long long>(fnv1a_64(text)),
                static_cast<unsigned long long>(kGlobCacheVersion));
  return cache.directory() / name;
}

std::optional<std::vector<CachedDirectory>> load_glob_walk(const GlobExpansionCache& cache,
                                                           const GlobWalkKey& key) {
  const std::filesystem::path file = glob_walk_file(cache, key);
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) return std::nullopt;  // missing (or unreadable): a miss
  if (size > kMaxGlobCacheBytes) {
    log::warn("ignoring the deny-read glob cache {}: {} bytes is over the {} byte bound",
              path_to_utf8(file), size, kMaxGlobCacheBytes);
    return std::nullopt;
  }
  std::vector<std::string> warnings;
  std::optional<std::vector<CachedDirectory>> loaded;
  try {
    // Left in place: the walk that follows replaces it anyway, and a dry run must not move it.
    loaded = load_versioned_json<std::vector<CachedDirectory>>(
        file, kGlobCacheVersion, "deny-read glob cache",
        [&](const JsonCursor& root) {
          root.reject_unknown_fields({"version", "pattern", "max_depth", "directories"});
          if (root.field("pattern").string() != key.pattern ||
              root.field("max_depth").value() != max_depth_json(key.max_depth)) {
            root.fail("the file belongs to another pattern");
          }
          const JsonCursor items = root.field("directories");
          if (items.array().size() > kMaxGlobCacheDirectories) items.fail("too many directories");
          std::vector<CachedDirectory> directories;
          std::unordered_set<WinPath> seen;
          for (std::size_t i = 0; i < items.array().size(); ++i) {
            directories.push_back(decode_directory(items.element(i), key.scan_root));
            if (!seen.insert(directories.back().path).second) {
              items.element(i).fail("directory listed twice");
            }
          }
          return directories;
        },
        warnings, CorruptState::leave_in_place);
  } catch (const Error& error) {
    warnings.emplace_back(error.what());  // e.g. written by a newer winsandbox
    loaded.reset();
  }
  for (const auto& warning : warnings) log::warn("{}", warning);
  return loaded;
}

void store_glob_walk(const GlobExpansionCache& cache, const GlobWalkKey& key,
                     const std::vector<CachedDirectory>& directories) {
  const std::filesystem::path file = glob_walk_file(cache, key);
  if (directories.size() > kMaxGlobCacheDirectories) return;
  Json items = Json::array();
  for (const auto& directory : directories) {
    Json entries = Json::array();
    for (const auto& entry : directory.entries) {
      entries.push_back(Json::array({entry.name, entry_kind_name(entry.kind)}));
    }
    items.push_back(Json{{"path", directory.path.str()},
                         {"identity", directory.stamp.identity},
                         {"change_time", directory.stamp.change_time.value()},
                         {"entries", std::move(entries)}});
  }
  const Json document{{"version", kGlobCacheVersion},
                      {"pattern", key.pattern},
                      {"max_depth", max_depth_json(key.max_depth)},
                      {"directories", std::move(items)}};
  try {
    const std::string text = dump_json(document);
    if (text.size() > kMaxGlobCacheBytes) return;
    write_file_atomically(file, text);
  } catch (const Error& error) {
    log::warn("could not store the deny-read glob cache: {}", error.what());
  }
}

}  // namespace winsandbox
