#include "model/profile_json.hpp"

#include <utility>

#include "common/overloaded.hpp"

namespace winsandbox {
namespace {

constexpr EnumNames<FileSystemAccessMode, 3> kAccessModeNames{{
    {FileSystemAccessMode::read, "read"},
    {FileSystemAccessMode::write, "write"},
    {FileSystemAccessMode::deny, "deny"},
}};
constexpr EnumNames<NetworkAccess, 2> kNetworkAccessNames{{
    {NetworkAccess::restricted, "restricted"},
    {NetworkAccess::enabled, "enabled"},
}};

std::string_view special_kind_name(FileSystemSpecialPath::Kind kind) {
  using Kind = FileSystemSpecialPath::Kind;
  switch (kind) {
    case Kind::root: return "root";
    case Kind::minimal: return "minimal";
    case Kind::project_roots: return "project_roots";
    case Kind::tmpdir: return "tmpdir";
    case Kind::slash_tmp: return "slash_tmp";
    case Kind::unknown: return "unknown";
  }
  return "unknown";
}

std::optional<std::string> optional_string(const JsonCursor& object, std::string_view key) {
  const auto field = object.optional_field(key, /*null_is_absent=*/true);
  if (!field) return std::nullopt;
  return field->string();
}

FileSystemSpecialPath special_from_json_value(const JsonCursor& cursor) {
  const std::string& kind = cursor.field("kind").string();
  if (kind == "root") return FileSystemSpecialPath::root();
  if (kind == "minimal") return FileSystemSpecialPath::minimal();
  if (kind == "project_roots") {
    return FileSystemSpecialPath::project_roots(optional_string(cursor, "subpath"));
  }
  // Removed variant, still accepted on input (docs/profiles.md#input-aliases).
  if (kind == "current_working_directory") return FileSystemSpecialPath::project_roots();
  if (kind == "tmpdir") return FileSystemSpecialPath::tmpdir();
  if (kind == "slash_tmp") return FileSystemSpecialPath::slash_tmp();
  if (kind == "unknown") {
    return FileSystemSpecialPath::unknown(cursor.field("path").string(),
                                          optional_string(cursor, "subpath"));
  }
  cursor.field("kind").fail("unknown special path kind `" + kind + "`");
}

FileSystemPath path_from_json_value(const JsonCursor& cursor) {
  const std::string& type = cursor.field("type").string();
  if (type == "path") return absolute_path_from_json_value(cursor.field("path"));
  if (type == "glob_pattern") return GlobPattern{cursor.field("pattern").string()};
  if (type == "special") return special_from_json_value(cursor.field("value"));
  cursor.field("type").fail("unknown path type `" + type + "`");
}

std::vector<FileSystemSandboxEntry> entries_from_json_value(const JsonCursor& cursor) {
  std::vector<FileSystemSandboxEntry> entries;
  const auto count = cursor.array().size();
  entries.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    entries.push_back(entry_from_json_value(cursor.element(i)));
  return entries;
}

std::optional<std::uint32_t> glob_depth_from_json_value(const JsonCursor& object) {
  const auto field = object.optional_field("glob_scan_max_depth", /*null_is_absent=*/true);
  if (!field) return std::nullopt;
  const std::uint64_t depth = field->unsigned_integer();
  if (depth == 0) field->fail("glob_scan_max_depth must be at least 1");
  if (depth > UINT32_MAX) field->fail("glob_scan_max_depth is too large");
  return static_cast<std::uint32_t>(depth);
}

ManagedFileSystemPermissions file_system_from_json_value(const JsonCursor& cursor) {
  const std::string& type = cursor.field("type").string();
  if (type == "restricted") {
    return RestrictedFileSystem{entries_from_json_value(cursor.field("entries")),
                                glob_depth_from_json_value(cursor)};
  }
  if (type == "unrestricted") return UnrestrictedFileSystem{};
  cursor.field("type").fail("unknown file_system type `" + type + "`");
}

// {"entries":[...],"glob_scan_max_depth":N?} or {"read":[abs...]?,"write":[abs...]?}.
RestrictedFileSystem legacy_file_system_from_json_value(const JsonCursor& cursor) {
  cursor.object();
  if (cursor.has("entries") || cursor.has("glob_scan_max_depth")) {
    cursor.reject_unknown_fields({"entries", "glob_scan_max_depth"});
    RestrictedFileSystem fs;
    if (const auto entries = cursor.optional_field("entries", true)) {
      fs.entries = entries_from_json_value(*entries);
    }
    fs.glob_scan_max_depth = glob_depth_from_json_value(cursor);
    return fs;
  }
  cursor.reject_unknown_fields({"read", "write"});
  RestrictedFileSystem fs;
  for (const auto& [key, access] : {std::pair{"read", FileSystemAccessMode::read},
                                    std::pair{"write", FileSystemAccessMode::write}}) {
    const auto list = cursor.optional_field(key, /*null_is_absent=*/true);
    if (!list) continue;
    for (std::size_t i = 0; i < list->array().size(); ++i) {
      fs.entries.push_back({absolute_path_from_json_value(list->element(i)), access});
    }
  }
  return fs;
}

// The untagged legacy rollout shape (docs/profiles.md#input-aliases): always a managed restricted
// profile.
PermissionProfile legacy_profile_from_json_value(const JsonCursor& cursor) {
  cursor.reject_unknown_fields({"network", "file_system"});
  NetworkAccess network = NetworkAccess::restricted;
  if (const auto net = cursor.optional_field("network", /*null_is_absent=*/true)) {
    net->reject_unknown_fields({"enabled"});
    const auto enabled = net->optional_field("enabled", /*null_is_absent=*/true);
    if (enabled && enabled->boolean()) network = NetworkAccess::enabled;
  }
  RestrictedFileSystem fs;
  if (const auto file_system = cursor.optional_field("file_system", /*null_is_absent=*/true)) {
    fs = legacy_file_system_from_json_value(*file_system);
  }
  return ManagedProfile{std::move(fs), network};
}

}  // namespace

std::string_view access_mode_name(FileSystemAccessMode mode) noexcept {
  return enum_name(kAccessModeNames, mode);
}

std::string_view network_access_name(NetworkAccess network) noexcept {
  return enum_name(kNetworkAccessNames, network);
}

Json to_json_value(const FileSystemSpecialPath& special) {
  Json out = Json::object();
  out["kind"] = special_kind_name(special.kind);
  if (special.kind == FileSystemSpecialPath::Kind::unknown) out["path"] = special.path;
  if (special.subpath) out["subpath"] = *special.subpath;
  return out;
}

Json to_json_value(const FileSystemPath& path) {
  Json out = Json::object();
  std::visit(Overloaded{
                 [&](const WinPath& exact) {
                   out["type"] = "path";
                   out["path"] = exact.str();
                 },
                 [&](const GlobPattern& glob) {
                   out["type"] = "glob_pattern";
                   out["pattern"] = glob.pattern;
                 },
                 [&](const FileSystemSpecialPath& special) {
                   out["type"] = "special";
                   out["value"] = to_json_value(special);
                 },
             },
             path);
  return out;
}

Json to_json_value(const FileSystemSandboxEntry& entry) {
  Json out = Json::object();
  out["path"] = to_json_value(entry.path);
  out["access"] = access_mode_name(entry.access);
  return out;
}

Json to_json_value(const ManagedFileSystemPermissions& file_system) {
  Json out = Json::object();
  if (std::holds_alternative<UnrestrictedFileSystem>(file_system)) {
    out["type"] = "unrestricted";
    return out;
  }
  const auto& restricted = std::get<RestrictedFileSystem>(file_system);
  out["type"] = "restricted";
  out["entries"] = Json::array();
  for (const auto& entry : restricted.entries) out["entries"].push_back(to_json_value(entry));
  if (restricted.glob_scan_max_depth) out["glob_scan_max_depth"] = *restricted.glob_scan_max_depth;
  return out;
}

Json to_json_value(const PermissionProfile& profile) {
  Json out = Json::object();
  std::visit(Overloaded{
                 [&](const ManagedProfile& managed) {
                   out["type"] = "managed";
                   out["file_system"] = to_json_value(managed.file_system);
                   out["network"] = network_access_name(managed.network);
                 },
                 [&](const DisabledProfile&) { out["type"] = "disabled"; },
                 [&](const ExternalProfile& external) {
                   out["type"] = "external";
                   out["network"] = network_access_name(external.network);
                 },
             },
             profile.value());
  return out;
}

WinPath absolute_path_from_json_value(const JsonCursor& cursor) {
  const std::string& text = cursor.string();
  try {
    return WinPath::parse(text);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::relative_path) {
      cursor.fail("expected an absolute path, got \"" + text + "\"");
    }
    cursor.fail(e.what());
  }
}

FileSystemAccessMode access_mode_from_json_value(const JsonCursor& cursor) {
  if (cursor.string() == "none") return FileSystemAccessMode::deny;  // the reference's alias
  return enum_from_json(cursor, kAccessModeNames, "access mode");
}

NetworkAccess network_access_from_json_value(const JsonCursor& cursor) {
  return enum_from_json(cursor, kNetworkAccessNames, "network policy");
}

FileSystemSandboxEntry entry_from_json_value(const JsonCursor& cursor) {
  return {path_from_json_value(cursor.field("path")),
          access_mode_from_json_value(cursor.field("access"))};
}

PermissionProfile profile_from_json_value(const JsonCursor& cursor) {
  cursor.object();
  if (!cursor.has("type")) return legacy_profile_from_json_value(cursor);
  const std::string& type = cursor.field("type").string();
  if (type == "managed") {
    return ManagedProfile{file_system_from_json_value(cursor.field("file_system")),
                          network_access_from_json_value(cursor.field("network"))};
  }
  if (type == "disabled") return DisabledProfile{};
  if (type == "external") {
    return ExternalProfile{network_access_from_json_value(cursor.field("network"))};
  }
  cursor.field("type").fail("unknown profile type `" + type + "`");
}

std::string profile_to_json(const PermissionProfile& profile) {
  return dump_json(to_json_value(profile));
}

PermissionProfile profile_from_json(std::string_view json) {
  const Json document = parse_json(json, ErrorCode::invalid_profile);
  return profile_from_json_value(JsonCursor(document, ErrorCode::invalid_profile));
}

}  // namespace winsandbox
