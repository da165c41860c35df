// Fuzz target: the deny-read glob cache decoder (load_glob_walk, src/resolve/glob_cache.hpp)
// and the walk that trusts what it accepts (expand_glob with a GlobExpansionCache).
//
// Input: one selector byte, then the bytes of a cache file. The selector picks the walk's key
// (selector % 4; seeds use the digits '0'..'3' so that they stay readable); the bytes are
// written where that key's file lives, in a scratch cache directory.
// Properties:
// * loading never throws, and leaves the file as it found it;
// * at most one of the four keys accepts the same bytes (a file for another pattern or depth is
//   foreign);
// * an accepted walk holds only what the decoder promises: directories at or below the scan
//   root, each listed once, with an identity and a change time, entries that are one path
//   component each and exist; stored again, it loads back equal;
// * a walk over a fixed snapshot with the file in place never throws and gives only paths the
//   pattern matches; if the file was rejected, the walk gives exactly what a walk without a
//   cache gives, it replaces the file with one that loads, and a walk from that file agrees.
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_set>
#include <vector>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "../scratch_dir.hpp"
#include "fuzz_support.hpp"
#include "resolve/glob.hpp"
#include "resolve/glob_cache.hpp"
#include "winsandbox/glob_cache.hpp"
#include "winsandbox/logging.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox::fuzz {
namespace {

struct Key {
  GlobMatcher glob;
  std::optional<std::uint32_t> configured_depth;
  GlobWalkKey walk_key() const {
    return {glob.pattern(), glob.scan_root(), glob.scan_depth(configured_depth)};
  }
};

// Four keys that differ in pattern or depth, over the snapshot below.
const std::array<Key, 4>& keys() {
  static const std::array<Key, 4> all = {{
      {GlobMatcher::compile("C:\\repo\\**\\*.env"), std::nullopt},
      {GlobMatcher::compile("C:\\repo\\**\\*.env"), 1},
      {GlobMatcher::compile("C:\\repo\\*\\id_*"), std::nullopt},
      {GlobMatcher::compile("\\\\server\\share\\**\\*.pem"), std::nullopt},
  }};
  return all;
}

const SnapshotFileSystem& snapshot() {
  static const SnapshotFileSystem fs = SnapshotFileSystem::from_json(
      R"({"nodes":[{"path":"C:\\repo\\a\\one.env","type":"file"},)"
      R"({"path":"C:\\repo\\a\\notes.txt","type":"file"},)"
      R"({"path":"C:\\repo\\b\\c\\two.env","type":"file"},)"
      R"({"path":"C:\\repo\\b\\id_rsa","type":"file"},)"
      R"({"path":"C:\\repo\\empty","type":"dir"},)"
      R"({"path":"C:\\repo\\link","type":"junction","target":"C:\\repo\\b"},)"
      R"({"path":"\\\\server\\share\\x\\k.pem","type":"file"}]})");
  return fs;
}

// Removes every file the last input left in `directory`.
void clear(const std::filesystem::path& directory) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    std::filesystem::remove(entry.path(), ec);
  }
}

void write_bytes(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  WS_FUZZ_CHECK(out.good(), "cannot write " + file.string());
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The bytes as `key`'s cache file, loaded; the file must be left as it was.
std::optional<std::vector<CachedDirectory>> load_as(const GlobExpansionCache& cache,
                                                    const GlobWalkKey& key,
                                                    std::string_view bytes) {
  const auto file = glob_walk_file(cache, key);
  write_bytes(file, bytes);
  auto loaded = load_glob_walk(cache, key);  // documented never to throw
  WS_FUZZ_CHECK(read_bytes(file) == bytes, "loading changed the cache file");
  return loaded;
}

void check_accepted(const std::vector<CachedDirectory>& walk, const GlobWalkKey& key,
                    const GlobExpansionCache& cache, std::string_view input) {
  std::unordered_set<WinPath> seen;
  for (const auto& directory : walk) {
    WS_FUZZ_CHECK(directory.path.is_within(key.scan_root), directory.path.str());
    WS_FUZZ_CHECK(seen.insert(directory.path).second, "listed twice: " + directory.path.str());
    WS_FUZZ_CHECK(!directory.stamp.identity.empty(), directory.path.str());
    WS_FUZZ_CHECK(directory.stamp.change_time.has_value(), directory.path.str());
    for (const auto& entry : directory.entries) {
      WS_FUZZ_CHECK(entry.kind != NodeKind::missing, entry.name);
      const WinPath child = directory.path.child(entry.name);
      WS_FUZZ_CHECK(child.parent() == directory.path && child.filename() == entry.name, entry.name);
    }
  }
  store_glob_walk(cache, key, walk);
  const auto again = load_glob_walk(cache, key);
  WS_FUZZ_CHECK(again == walk, "a stored walk does not load back equal: " + escape_bytes(input));
}

}  // namespace

void check_glob_cache(std::string_view input) {
  if (input.empty()) return;
  // Rejections are logged at warn; one per input would drown the fuzzer's own output.
  static const auto silent = std::make_shared<spdlog::logger>(
      std::string(kLoggerName), std::make_shared<spdlog::sinks::null_sink_mt>());
  const auto previous = logger();
  set_logger(silent);
  struct Restore {
    std::shared_ptr<spdlog::logger> logger;
    ~Restore() { set_logger(logger); }
  } restore{previous};

  static const testing::ScratchDir scratch;  // removed at exit
  clear(scratch.path());
  const GlobExpansionCache cache(scratch.path());
  const std::size_t selected = static_cast<unsigned char>(input[0]) % keys().size();
  const std::string_view bytes = input.substr(1);
  const Key& key = keys()[selected];

  int accepted_by = 0;
  for (std::size_t i = 0; i < keys().size(); ++i) {
    if (i != selected && load_as(cache, keys()[i].walk_key(), bytes)) ++accepted_by;
  }
  const auto loaded = load_as(cache, key.walk_key(), bytes);
  WS_FUZZ_CHECK(accepted_by + (loaded ? 1 : 0) <= 1,
                "bytes accepted for more than one key: " + escape_bytes(bytes));
  clear(scratch.path());

  const auto uncached = expand_glob(key.glob, key.configured_depth, snapshot());
  write_bytes(glob_walk_file(cache, key.walk_key()), bytes);
  const auto cached = expand_glob(key.glob, key.configured_depth, snapshot(), &cache);
  for (const auto& path : cached) {
    WS_FUZZ_CHECK(key.glob.matches(path), "the walk gave a path the pattern does not match: " +
                                              path.str() + " from " + escape_bytes(bytes));
  }
  if (loaded) {
    check_accepted(*loaded, key.walk_key(), cache, bytes);
    return;
  }
  WS_FUZZ_CHECK(cached == uncached,
                "a rejected cache file changed the walk: " + escape_bytes(bytes));
  WS_FUZZ_CHECK(load_glob_walk(cache, key.walk_key()).has_value(),
                "the walk did not replace a rejected cache file");
  WS_FUZZ_CHECK(expand_glob(key.glob, key.configured_depth, snapshot(), &cache) == uncached,
                "a walk from the replaced cache file disagrees");
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_glob_cache)
