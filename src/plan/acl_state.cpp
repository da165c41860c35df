// The applied ACL state store and the ACL JSON shapes: see acl_state.hpp.
#include "plan/acl_state.hpp"

#include <array>
#include <cstdio>

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::string_view kDescription = "ACL state";

// Exactly "0x" + `digits` upper-case hex digits.
std::uint32_t parse_hex(const JsonCursor& cursor, int digits) {
  const std::string& text = cursor.string();
  if (text.size() != static_cast<std::size_t>(digits) + 2 || !text.starts_with("0x")) {
    cursor.fail("expected 0x and " + std::to_string(digits) + " hex digits");
  }
  std::uint32_t value = 0;
  for (std::size_t i = 2; i < text.size(); ++i) {
    const char c = text[i];
    std::uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      cursor.fail("expected upper-case hex digits");
    }
    value = (value << 4) | digit;
  }
  return value;
}

WinPath parse_path(const JsonCursor& cursor) {
  const auto path = WinPath::try_parse(cursor.string());
  if (!path) cursor.fail("not an absolute Windows path");
  return *path;
}

Json entries_to_json(const std::vector<AclEntry>& entries) {
  Json out = Json::array();
  for (const auto& entry : entries) out.push_back(to_json_value(entry));
  return out;
}

Json paths_json(const std::vector<WinPath>& paths) {
  Json out = Json::array();
  for (const auto& path : paths) out.push_back(path.str());
  return out;
}

}  // namespace

std::string format_hex(std::uint32_t value, int digits) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%0*X", digits, static_cast<unsigned>(value));
  return buffer;
}

Json to_json_value(const AclEntry& entry) {
  Json out = Json::object();
  out["path"] = entry.path.str();
  out["sid"] = entry.sid;
  out["ace"] = ace_kind_name(entry.kind);
  out["mask"] = format_hex(entry.mask, 8);
  out["inheritance"] = format_hex(entry.inheritance, 2);
  out["create_directory_if_missing"] = entry.create_directory_if_missing;
  out["origin"] = ace_origin_name(entry.origin);
  return out;
}

AclEntry acl_entry_from_json(const JsonCursor& cursor) {
  cursor.reject_unknown_fields(
      {"path", "sid", "ace", "mask", "inheritance", "create_directory_if_missing", "origin"});
  const JsonCursor sid = cursor.field("sid");
  if (!sid.string().starts_with("S-1-")) sid.fail("not a SID");
  const JsonCursor inheritance = cursor.field("inheritance");
  const std::uint32_t flags = parse_hex(inheritance, 2);
  if ((flags & ~std::uint32_t{kInheritToChildren | kNoPropagateInheritAce}) != 0) {
    inheritance.fail("unknown inheritance flags");
  }
  AclEntry entry{parse_path(cursor.field("path")), sid.string(),
                 enum_from_json(cursor.field("ace"), kAceKindNames, "ACE kind")};
  entry.mask = parse_hex(cursor.field("mask"), 8);
  entry.inheritance = static_cast<std::uint8_t>(flags);
  entry.create_directory_if_missing = cursor.field("create_directory_if_missing").boolean();
  entry.origin = enum_from_json(cursor.field("origin"), kAceOriginNames, "ACE origin");
  return entry;
}

Json to_json_value(const AclPlan& plan) {
  Json out = Json::object();
  out["entries"] = entries_to_json(plan.entries);
  out["world_writable_dirs"] = paths_json(plan.world_writable_dirs);
  return out;
}

Json to_json_value(const AclDiff& diff) {
  Json out = Json::object();
  Json operations = Json::array();
  for (const auto& op : diff.operations()) {
    Json item = Json::object();
    item["op"] = op.action == AclAction::apply ? "apply" : "revoke";
    const Json entry = to_json_value(op.entry);
    for (const auto& [key, value] : entry.items()) item[key] = value;
    operations.push_back(std::move(item));
  }
  out["empty"] = diff.empty();
  out["operations"] = std::move(operations);
  out["unchanged"] = entries_to_json(diff.unchanged);
  out["retained"] = entries_to_json(diff.retained);
  return out;
}

Json to_json_value(const AclState& state) {
  Json out = Json::object();
  out["version"] = AclStateStore::kVersion;
  out["entries"] = entries_to_json(state.entries);
  out["world_writable_dirs"] = paths_json(state.world_writable_dirs);
  return out;
}

AclState acl_state_from_json(const JsonCursor& cursor) {
  cursor.reject_unknown_fields({"version", "entries", "world_writable_dirs"});
  AclState state;
  const JsonCursor entries = cursor.field("entries");
  for (std::size_t i = 0; i < entries.array().size(); ++i) {
    state.entries.push_back(acl_entry_from_json(entries.element(i)));
  }
  const JsonCursor dirs = cursor.field("world_writable_dirs");
  for (std::size_t i = 0; i < dirs.array().size(); ++i) {
    state.world_writable_dirs.push_back(parse_path(dirs.element(i)));
  }
  return state;
}

// ---- the store ------------------------------------------------------------------------------

AclStateStore::AclStateStore(std::filesystem::path sandbox_home,
                             std::chrono::milliseconds lock_timeout)
    : home_(std::move(sandbox_home)), lock_timeout_(lock_timeout) {}

std::filesystem::path AclStateStore::lock_path() const {
  std::filesystem::path path = file_path();
  path += ".lock";
  return path;
}

AclState AclStateStore::load_locked() {
  return load_versioned_json<AclState>(file_path(), kVersion, kDescription, acl_state_from_json,
                                       warnings_)
      .value_or(AclState{});
}

AclState AclStateStore::load() {
  const FileLock lock = FileLock::acquire(lock_path(), lock_timeout_);
  return load_locked();
}

AclState AclStateStore::peek() {
  return load_versioned_json<AclState>(file_path(), kVersion, kDescription, acl_state_from_json,
                                       warnings_, CorruptState::leave_in_place)
      .value_or(AclState{});
}

AclStateStore::Transaction AclStateStore::begin() {
  FileLock lock = FileLock::acquire(lock_path(), lock_timeout_);
  AclState state = load_locked();
  return Transaction(std::move(lock), file_path(), std::move(state));
}

void AclStateStore::Transaction::commit(const AclState& next) {
  if (next == state_) return;
  write_file_atomically(file_, dump_state_json(to_json_value(next)));
  state_ = next;
}

}  // namespace winsandbox
