// Capability SIDs (include/winsandbox/capability_sids.hpp) and their persistent store
// (src/plan/capability_sid_store.hpp).
#include "plan/capability_sid_store.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <set>

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::string_view kSidPrefix = "S-1-5-21-";
constexpr std::string_view kDescription = "capability SID store";

// A decimal u32 without sign or leading zeros.
bool is_decimal_u32(std::string_view text) noexcept {
  if (text.empty() || text.size() > 10) return false;
  if (text.size() > 1 && text.front() == '0') return false;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value <= 0xFFFFFFFFULL;
}

// The roots of `roots` unique by identity, sorted by identity.
std::vector<WinPath> unique_sorted(std::vector<WinPath> roots) {
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  return roots;
}

std::vector<WinPath> writable_roots_of(const ResolvedPermissions& resolved) {
  return unique_sorted(writable_root_paths(resolved));
}

std::set<std::string> sids_in_use(const StoredCapabilitySids& stored) {
  std::set<std::string> used;
  if (!stored.read_only.empty()) used.insert(stored.read_only);
  for (const auto& [key, sid] : stored.writable_roots) used.insert(sid);
  return used;
}

// A fresh SID not already used in this store (a collision is astronomically unlikely with a
// real CSPRNG, but a deterministic test source can produce one, and a shared SID would merge
// two roots' permissions).
std::string fresh_sid(RandomSource& random, std::set<std::string>& used) {
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::string sid = generate_capability_sid(random);
    if (used.insert(sid).second) return sid;
  }
  throw Error(ErrorCode::io_error, "the random source keeps returning capability SIDs in use");
}

}  // namespace

// ---- public helpers (winsandbox/capability_sids.hpp) ---------------------------------------

const std::string* CapabilitySids::sid_for_root(const WinPath& root) const {
  for (const auto& entry : writable_roots) {
    if (entry.root == root) return &entry.sid;
  }
  return nullptr;
}

void require_token_capacity(std::size_t count, std::string_view what) {
  if (count <= kMaxTokenCapabilitySids) return;
  throw Error(ErrorCode::token_limit_exceeded,
              std::to_string(count) + " capability SIDs needed for " + std::string(what) +
                  ", but a sandbox token carries at most " +
                  std::to_string(kMaxTokenCapabilitySids) +
                  " (its default DACL must fit the token's fixed dynamic area); use fewer "
                  "writable roots, e.g. one parent directory instead of many siblings");
}

std::vector<std::string> token_capability_sids(const ResolvedPermissions& resolved,
                                               const CapabilitySids& sids) {
  if (resolved.token_mode == TokenMode::read_only_capability) {
    if (!is_capability_sid(sids.read_only)) {
      throw Error(ErrorCode::invalid_argument, "no read-only capability SID");
    }
    return {sids.read_only};
  }
  const std::vector<WinPath> roots = writable_roots_of(resolved);
  require_token_capacity(roots.size(), "the writable roots of this command");
  std::vector<std::string> result;
  result.reserve(roots.size());
  for (const auto& root : roots) {
    const std::string* sid = sids.sid_for_root(root);
    if (!sid) {
      throw Error(ErrorCode::invalid_argument, "no capability SID for writable root " + root.str());
    }
    result.push_back(*sid);
  }
  return result;
}

bool is_capability_sid(std::string_view text) noexcept {
  if (!text.starts_with(kSidPrefix)) return false;
  text.remove_prefix(kSidPrefix.size());
  for (int i = 0; i < 4; ++i) {
    const std::size_t dash = text.find('-');
    const std::string_view part = i < 3 ? text.substr(0, dash) : text;
    if ((i < 3) == (dash == std::string_view::npos) || !is_decimal_u32(part)) return false;
    if (i < 3) text.remove_prefix(dash + 1);
  }
  return true;
}

std::string capability_sids_to_json(const CapabilitySids& sids) {
  return dump_json(to_json_value(sids));
}

// ---- generation and JSON --------------------------------------------------------------------

std::string generate_capability_sid(RandomSource& random) {
  std::array<std::byte, 16> bytes{};
  random.fill(bytes);
  std::string sid(kSidPrefix);
  for (int i = 0; i < 4; ++i) {
    std::uint32_t value = 0;
    for (int b = 3; b >= 0; --b) {
      value =
          (value << 8) | std::to_integer<std::uint32_t>(bytes[static_cast<std::size_t>(i * 4 + b)]);
    }
    if (i > 0) sid += '-';
    sid += std::to_string(value);
  }
  return sid;
}

Json to_json_value(const StoredCapabilitySids& stored) {
  Json out = Json::object();
  out["version"] = CapabilitySidStore::kVersion;
  out["read_only"] = stored.read_only;
  Json roots = Json::object();
  for (const auto& [key, sid] : stored.writable_roots) roots[key] = sid;
  out["writable_roots"] = std::move(roots);
  return out;
}

StoredCapabilitySids stored_capability_sids_from_json(const JsonCursor& cursor) {
  cursor.reject_unknown_fields({"version", "read_only", "writable_roots"});
  StoredCapabilitySids stored;
  std::set<std::string> used;
  const JsonCursor read_only = cursor.field("read_only");
  stored.read_only = read_only.string();
  if (!is_capability_sid(stored.read_only)) read_only.fail("not a capability SID");
  used.insert(stored.read_only);
  const JsonCursor roots = cursor.field("writable_roots");
  for (const auto& [key, value] : roots.object()) {
    const JsonCursor entry = roots.field(key);
    const auto path = WinPath::try_parse(key);
    if (!path || path->identity() != key) entry.fail("key is not a path identity");
    const std::string& sid = entry.string();
    if (!is_capability_sid(sid)) entry.fail("not a capability SID");
    if (!used.insert(sid).second) entry.fail("SID " + sid + " is used twice");
    stored.writable_roots.emplace(key, sid);
  }
  return stored;
}

Json to_json_value(const CapabilitySids& sids) {
  Json out = Json::object();
  out["read_only"] = sids.read_only;
  Json roots = Json::array();
  for (const auto& entry : sids.writable_roots) {
    Json item = Json::object();
    item["root"] = entry.root.str();
    item["sid"] = entry.sid;
    roots.push_back(std::move(item));
  }
  out["writable_roots"] = std::move(roots);
  return out;
}

// ---- the store ------------------------------------------------------------------------------

CapabilitySidStore::CapabilitySidStore(std::filesystem::path sandbox_home, RandomSource& random,
                                       std::chrono::milliseconds lock_timeout)
    : home_(std::move(sandbox_home)), random_(&random), lock_timeout_(lock_timeout) {}

std::filesystem::path CapabilitySidStore::lock_path() const {
  std::filesystem::path path = file_path();
  path += ".lock";
  return path;
}

StoredCapabilitySids CapabilitySidStore::load_locked() {
  return load_versioned_json<StoredCapabilitySids>(file_path(), kVersion, kDescription,
                                                   stored_capability_sids_from_json, warnings_)
      .value_or(StoredCapabilitySids{});
}

StoredCapabilitySids CapabilitySidStore::read() {
  const FileLock lock = FileLock::acquire(lock_path(), lock_timeout_);
  return load_locked();
}

CapabilitySids CapabilitySidStore::complete(StoredCapabilitySids& stored,
                                            const std::vector<WinPath>& roots, bool& changed) {
  std::set<std::string> used = sids_in_use(stored);
  changed = false;
  if (stored.read_only.empty()) {
    stored.read_only = fresh_sid(*random_, used);
    changed = true;
  }
  CapabilitySids result{stored.read_only, {}};
  for (const auto& root : roots) {
    auto [it, inserted] = stored.writable_roots.try_emplace(root.identity());
    if (inserted) {
      it->second = fresh_sid(*random_, used);
      changed = true;
    }
    result.writable_roots.push_back({root, it->second});
  }
  return result;
}

CapabilitySids CapabilitySidStore::assign(const std::vector<WinPath>& writable_roots) {
  const std::vector<WinPath> roots = unique_sorted(writable_roots);
  require_token_capacity(roots.size(), "the writable roots of this command");

  const FileLock lock = FileLock::acquire(lock_path(), lock_timeout_);
  StoredCapabilitySids stored = load_locked();
  bool changed = false;
  CapabilitySids result = complete(stored, roots, changed);
  if (changed) write_file_atomically(file_path(), dump_state_json(to_json_value(stored)));
  return result;
}

CapabilitySids CapabilitySidStore::preview(const std::vector<WinPath>& writable_roots) {
  const std::vector<WinPath> roots = unique_sorted(writable_roots);
  require_token_capacity(roots.size(), "the writable roots of this command");
  StoredCapabilitySids stored;
  if (!home_.empty()) {
    stored = load_versioned_json<StoredCapabilitySids>(file_path(), kVersion, kDescription,
                                                       stored_capability_sids_from_json, warnings_,
                                                       CorruptState::leave_in_place)
                 .value_or(StoredCapabilitySids{});
  }
  bool changed = false;
  return complete(stored, roots, changed);
}

CapabilitySids CapabilitySidStore::assign_for(const ResolvedPermissions& resolved) {
  return assign(writable_roots_of(resolved));
}

}  // namespace winsandbox
