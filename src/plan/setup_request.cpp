// The setup request, marker and drift detection (include/winsandbox/setup_request.hpp).
#include "plan/setup_request.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "plan/setup_plan.hpp"
#include "resolve/resolved_json.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

// Platform default read roots, as child-environment variables (never a literal `C:`).
constexpr std::array<std::string_view, 4> kPlatformDefaultVariables{
    "SystemRoot", "ProgramFiles", "ProgramFiles(x86)", "ProgramData"};

constexpr EnumNames<SetupMode, 5> kSetupModeNames{{
    {SetupMode::full, "full"},
    {SetupMode::refresh, "refresh"},
    {SetupMode::provision_only, "provision-only"},
    {SetupMode::repair, "repair"},
    {SetupMode::uninstall, "uninstall"},
}};
constexpr EnumNames<SetupDriftKind, 6> kSetupDriftKindNames{{
    {SetupDriftKind::marker_missing, "marker_missing"},
    {SetupDriftKind::secrets_missing, "secrets_missing"},
    {SetupDriftKind::version_changed, "version_changed"},
    {SetupDriftKind::accounts_changed, "accounts_changed"},
    {SetupDriftKind::proxy_ports_changed, "proxy_ports_changed"},
    {SetupDriftKind::local_binding_changed, "local_binding_changed"},
}};
constexpr EnumNames<NetworkIdentity, 2> kNetworkIdentityNames{{
    {NetworkIdentity::offline, "offline"},
    {NetworkIdentity::online, "online"},
}};

std::optional<WinPath> env_path(const Environment& env, std::string_view key) {
  const auto value = env.get(key);
  if (!value) return std::nullopt;
  return WinPath::try_parse(trim_ascii(*value));
}

// `path` if it exists, canonicalized through `fs` (itself when the view cannot resolve it).
std::optional<WinPath> canonical_existing(const WinPath& path, const FileSystemView& fs) {
  if (!fs.exists(path)) return std::nullopt;
  return fs.canonical(path).value_or(path);
}

void append(std::vector<WinPath>& out, const std::vector<WinPath>& paths) {
  out.insert(out.end(), paths.begin(), paths.end());
}

std::vector<WinPath> platform_default_read_roots(const Environment& env) {
  std::vector<WinPath> roots;
  for (const auto key : kPlatformDefaultVariables) {
    if (auto path = env_path(env, key)) roots.push_back(std::move(*path));
  }
  return roots;
}

bool is_secret_profile_child(const std::string& name) {
  const auto& secrets = user_profile_secret_dirs();
  return std::any_of(secrets.begin(), secrets.end(),
                     [&name](std::string_view secret) { return iequals_ascii(name, secret); });
}

// The filters of build_setup_request (steps 1–4), over canonical existing paths.
class RootFilter {
public:
  RootFilter(const WinPath& sandbox_home, std::optional<WinPath> user_profile,
             const FileSystemView& fs)
      : sandbox_home_(sandbox_home), user_profile_(std::move(user_profile)), fs_(fs) {}

  std::vector<WinPath> apply(const std::vector<WinPath>& candidates) const {
    std::vector<WinPath> expanded;
    for (const auto& candidate : candidates) {
      const auto path = canonical_existing(candidate, fs_);
      if (!path) continue;
      if (user_profile_ && *path == *user_profile_) {
        append(expanded, profile_children());
      } else {
        expanded.push_back(*path);
      }
    }
    std::vector<WinPath> kept;
    std::set<WinPath> seen;
    for (auto& path : expanded) {
      if (in_secret_dir(path) || path.is_within(sandbox_home_)) continue;
      if (seen.insert(path).second) kept.push_back(std::move(path));
    }
    return kept;
  }

private:
  std::vector<WinPath> profile_children() const {
    std::vector<WinPath> children;
    for (const auto& name : fs_.list_directory(*user_profile_)) {
      children.push_back(user_profile_->join(name));
    }
    std::sort(children.begin(), children.end());
    return children;
  }

  bool in_secret_dir(const WinPath& path) const {
    if (!user_profile_) return false;
    const auto below = path.relative_to(*user_profile_);
    return below && !below->empty() && is_secret_profile_child(below->front());
  }

  const WinPath& sandbox_home_;
  std::optional<WinPath> user_profile_;
  const FileSystemView& fs_;
};

std::vector<WinPath> gathered_read_roots(const ResolvedPermissions& resolved,
                                         const Environment& env,
                                         const std::optional<WinPath>& user_profile,
                                         const SetupRequestOptions& options) {
  std::vector<WinPath> roots;
  if (options.read_roots) {
    if (options.read_roots_include_platform_defaults)
      append(roots, platform_default_read_roots(env));
    append(roots, *options.read_roots);
    return roots;
  }
  if (resolved.full_disk_read || resolved.include_platform_defaults) {
    append(roots, platform_default_read_roots(env));
  }
  if (resolved.full_disk_read) {
    if (user_profile) roots.push_back(*user_profile);
    append(roots, resolved.workspace_roots);
    roots.push_back(resolved.command_cwd);
  }
  append(roots, resolved.readable_roots);
  append(roots, writable_root_paths(resolved));
  return roots;
}

std::vector<WinPath> unique(std::vector<WinPath> paths) {
  std::vector<WinPath> out;
  std::set<WinPath> seen;
  for (auto& path : paths) {
    if (seen.insert(path).second) out.push_back(std::move(path));
  }
  return out;
}

std::string accounts_text(const SandboxAccounts& accounts) {
  return accounts.offline_username + "/" + accounts.online_username + " in " + accounts.group_name;
}

std::string format_ports(const std::vector<std::uint16_t>& ports) {
  std::string out = "[";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(ports[i]);
  }
  return out + "]";
}

// ---- decoding helpers -----------------------------------------------------------------------

std::vector<WinPath> paths_from(const JsonCursor& cursor) {
  std::vector<WinPath> paths;
  const auto& items = cursor.array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const JsonCursor item = cursor.element(i);
    const auto path = WinPath::try_parse(item.string());
    if (!path) item.fail("not an absolute Windows path");
    paths.push_back(*path);
  }
  return paths;
}

std::vector<std::uint16_t> ports_from(const JsonCursor& cursor) {
  std::vector<std::uint16_t> ports;
  const auto& items = cursor.array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const JsonCursor item = cursor.element(i);
    const std::uint64_t port = item.unsigned_integer();
    if (port == 0 || port > 65535) item.fail("not a port (1-65535)");
    ports.push_back(static_cast<std::uint16_t>(port));
  }
  return ports;
}

std::uint32_t version_from(const JsonCursor& cursor) {
  const std::uint64_t version = cursor.unsigned_integer();
  if (version > 0xFFFFFFFFULL) cursor.fail("version out of range");
  return static_cast<std::uint32_t>(version);
}

// An account or group name: non-empty (the helper passes it to NetUserAdd/NetLocalGroupAdd).
// Local account names are at most 20 characters; ours (and the group's) also keep to letters,
// digits, `_` and `-`, so a request cannot name a domain account (`DOMAIN\\user`), a built-in
// alias with spaces or anything Windows parses specially.
std::string name_from(const JsonCursor& cursor) {
  const std::string& name = cursor.string();
  if (name.empty()) cursor.fail("empty account name");
  if (name.size() > 20) cursor.fail("account name longer than 20 characters");
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  if (!plain) cursor.fail("account name with a character other than A-Z a-z 0-9 _ -");
  return name;
}

SandboxAccounts accounts_from(const JsonCursor& cursor) {
  return SandboxAccounts{name_from(cursor.field("offline_username")),
                         name_from(cursor.field("online_username")),
                         name_from(cursor.field("group_name"))};
}

void put_accounts(Json& out, const SandboxAccounts& accounts) {
  out["offline_username"] = accounts.offline_username;
  out["online_username"] = accounts.online_username;
  out["group_name"] = accounts.group_name;
}

std::vector<PortRange> port_ranges_from(const JsonCursor& cursor) {
  try {
    return parse_port_ranges(cursor.string());
  } catch (const Error& error) {
    cursor.fail(error.what());
  }
}

std::string sid_from(const JsonCursor& cursor) {
  const std::string& sid = cursor.string();
  if (!looks_like_sid(sid)) cursor.fail("not a SID");
  return sid;
}

std::vector<std::string> capability_sids_from(const JsonCursor& cursor) {
  std::vector<std::string> sids;
  const auto& items = cursor.array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const JsonCursor item = cursor.element(i);
    if (!is_capability_sid(item.string())) item.fail("not a capability SID");
    sids.push_back(item.string());
  }
  return sids;
}

// The marker's system: "windows" or "fake".
std::string system_from(const JsonCursor& cursor) {
  const std::string& system = cursor.string();
  if (system != "windows" && system != "fake") {
    cursor.fail("unknown setup system `" + system + "` (windows or fake)");
  }
  return system;
}

std::vector<PortRange> permitted_ports_for(const SetupRequest& request) {
  std::vector<PortRange> permitted = port_ranges_of(request.proxy_ports);
  permitted.insert(permitted.end(), request.proxy_port_policy.begin(),
                   request.proxy_port_policy.end());
  return normalize_port_ranges(std::move(permitted));
}

}  // namespace

const std::vector<std::string_view>& user_profile_secret_dirs() {
  static const std::vector<std::string_view> dirs{".ssh",  ".gnupg",       ".aws",    ".azure",
                                                  ".kube", ".docker",      ".config", ".npm",
                                                  ".pki",  ".terraform.d", ".tsh",    ".brev"};
  return dirs;
}

SetupRequest build_setup_request(const ResolvedPermissions& resolved, const WinPath& sandbox_home,
                                 const Environment& child_env, const FileSystemView& fs,
                                 const SetupRequestOptions& options) {
  std::optional<WinPath> user_profile = env_path(child_env, "USERPROFILE");
  if (user_profile) user_profile = fs.canonical(*user_profile).value_or(*user_profile);
  const RootFilter filter(sandbox_home, user_profile, fs);

  SetupRequest request{.version = kSetupVersion,
                       .accounts = options.accounts,
                       .sandbox_home = sandbox_home,
                       .workspace_roots = resolved.workspace_roots,
                       .network_identity = resolved.network.identity,
                       .read_roots = {},
                       .write_roots = {},
                       .write_root_sids = {},
                       .deny_read_paths = {},
                       .deny_write_paths = {},
                       .proxy_ports = {},
                       .proxy_port_policy = {},
                       .allow_local_binding = false,
                       .real_user = options.real_user,
                       .mode = options.mode};

  request.write_roots = filter.apply(options.write_roots.value_or(resolved.acl.allow_write));
  const std::set<WinPath> write_set(request.write_roots.begin(), request.write_roots.end());
  for (auto& root : filter.apply(gathered_read_roots(resolved, child_env, user_profile, options))) {
    if (!write_set.contains(root)) request.read_roots.push_back(std::move(root));
  }

  std::vector<WinPath> deny_read = resolved.deny_read;
  append(deny_read, options.extra_deny_read);
  request.deny_read_paths = unique(std::move(deny_read));
  std::vector<WinPath> deny_write = resolved.acl.deny_write;
  append(deny_write, resolved.acl.protect_missing);
  append(deny_write, options.extra_deny_write);
  request.deny_write_paths = unique(std::move(deny_write));

  if (resolved.network.identity == NetworkIdentity::offline) {
    request.proxy_ports = resolved.network.proxy_ports;
    request.proxy_port_policy = normalize_port_ranges(options.proxy_port_policy);
    request.allow_local_binding = resolved.network.allow_local_binding;
  }
  if (request.real_user.empty()) {
    const auto username = child_env.get("USERNAME");
    request.real_user = username && !username->empty() ? std::string(*username) : "Administrators";
  }
  return request;
}

SetupMarker setup_marker_for(const SetupRequest& request, std::string created_at) {
  return SetupMarker{.version = request.version,
                     .accounts = request.accounts,
                     .group_sid = {},
                     .offline_sid = {},
                     .online_sid = {},
                     .created_at = std::move(created_at),
                     .permitted_proxy_ports = permitted_ports_for(request),
                     .allow_local_binding = request.allow_local_binding,
                     .system = "windows"};
}

std::vector<SetupDrift> setup_refresh_needed(const std::optional<SetupMarker>& marker,
                                             const SetupRequest& request) {
  if (!marker) {
    return {{SetupDriftKind::marker_missing, "sandbox setup marker missing"}};
  }
  std::vector<SetupDrift> drift;
  if (marker->version != request.version) {
    drift.push_back({SetupDriftKind::version_changed,
                     "setup version changed (stored " + std::to_string(marker->version) +
                         ", requested " + std::to_string(request.version) + ")"});
  }
  if (marker->accounts != request.accounts) {
    drift.push_back({SetupDriftKind::accounts_changed,
                     "sandbox accounts changed (stored " + accounts_text(marker->accounts) +
                         ", requested " + accounts_text(request.accounts) + ")"});
  }
  if (request.network_identity == NetworkIdentity::offline) {
    if (!ports_within(port_ranges_of(request.proxy_ports), marker->permitted_proxy_ports)) {
      const std::string permitted = format_port_ranges(marker->permitted_proxy_ports);
      drift.push_back({SetupDriftKind::proxy_ports_changed,
                       "offline proxy ports outside the permitted ranges (permitted " +
                           (permitted.empty() ? std::string("none") : permitted) + ", requested " +
                           format_ports(request.proxy_ports) + ")"});
    }
    if (marker->allow_local_binding != request.allow_local_binding) {
      drift.push_back({SetupDriftKind::local_binding_changed,
                       std::string("offline local binding changed (stored ") +
                           (marker->allow_local_binding ? "true" : "false") + ", requested " +
                           (request.allow_local_binding ? "true" : "false") + ")"});
    }
  }
  return drift;
}

std::string_view setup_mode_name(SetupMode mode) noexcept {
  return enum_name(kSetupModeNames, mode);
}

std::string_view setup_drift_kind_name(SetupDriftKind kind) noexcept {
  return enum_name(kSetupDriftKindNames, kind);
}

// ---- JSON -----------------------------------------------------------------------------------

Json to_json_value(const SetupRequest& request) {
  Json out = Json::object();
  out["version"] = request.version;
  put_accounts(out, request.accounts);
  out["sandbox_home"] = request.sandbox_home.str();
  out["workspace_roots"] = paths_to_json(request.workspace_roots);
  out["network_identity"] = enum_name(kNetworkIdentityNames, request.network_identity);
  out["read_roots"] = paths_to_json(request.read_roots);
  out["write_roots"] = paths_to_json(request.write_roots);
  out["write_root_sids"] = request.write_root_sids;
  out["deny_read_paths"] = paths_to_json(request.deny_read_paths);
  out["deny_write_paths"] = paths_to_json(request.deny_write_paths);
  out["proxy_ports"] = request.proxy_ports;
  out["proxy_port_policy"] = format_port_ranges(request.proxy_port_policy);
  out["allow_local_binding"] = request.allow_local_binding;
  out["real_user"] = request.real_user;
  out["mode"] = setup_mode_name(request.mode);
  return out;
}

SetupRequest setup_request_from_json(const JsonCursor& cursor) {
  cursor.reject_unknown_fields({"version", "offline_username", "online_username", "group_name",
                                "sandbox_home", "workspace_roots", "network_identity", "read_roots",
                                "write_roots", "write_root_sids", "deny_read_paths",
                                "deny_write_paths", "proxy_ports", "proxy_port_policy",
                                "allow_local_binding", "real_user", "mode"});
  const JsonCursor version = cursor.field("version");
  if (version_from(version) != kSetupVersion) {
    version.fail("unsupported setup request version (expected " + std::to_string(kSetupVersion) +
                 ")");
  }
  const JsonCursor home = cursor.field("sandbox_home");
  const auto sandbox_home = WinPath::try_parse(home.string());
  if (!sandbox_home) home.fail("not an absolute Windows path");

  SetupRequest request{.version = kSetupVersion,
                       .accounts = accounts_from(cursor),
                       .sandbox_home = *sandbox_home,
                       .workspace_roots = paths_from(cursor.field("workspace_roots")),
                       .network_identity = NetworkIdentity::offline,
                       .read_roots = paths_from(cursor.field("read_roots")),
                       .write_roots = paths_from(cursor.field("write_roots")),
                       .write_root_sids = capability_sids_from(cursor.field("write_root_sids")),
                       .deny_read_paths = paths_from(cursor.field("deny_read_paths")),
                       .deny_write_paths = paths_from(cursor.field("deny_write_paths")),
                       .proxy_ports = ports_from(cursor.field("proxy_ports")),
                       .proxy_port_policy = port_ranges_from(cursor.field("proxy_port_policy")),
                       .allow_local_binding = cursor.field("allow_local_binding").boolean(),
                       .real_user = cursor.field("real_user").string(),
                       .mode = SetupMode::full};
  if (request.write_root_sids.size() != request.write_roots.size()) {
    cursor.field("write_root_sids")
        .fail("needs one capability SID per write root (" +
              std::to_string(request.write_roots.size()) + ")");
  }
  request.network_identity =
      enum_from_json(cursor.field("network_identity"), kNetworkIdentityNames, "network identity");
  request.mode = enum_from_json(cursor.field("mode"), kSetupModeNames, "setup mode");
  return request;
}

Json to_json_value(const SetupMarker& marker) {
  Json out = Json::object();
  out["version"] = marker.version;
  put_accounts(out, marker.accounts);
  out["group_sid"] = marker.group_sid;
  out["offline_sid"] = marker.offline_sid;
  out["online_sid"] = marker.online_sid;
  out["created_at"] = marker.created_at;
  out["permitted_proxy_ports"] = format_port_ranges(marker.permitted_proxy_ports);
  out["allow_local_binding"] = marker.allow_local_binding;
  out["system"] = marker.system;
  return out;
}

SetupMarker setup_marker_from_json(const JsonCursor& cursor) {
  cursor.reject_unknown_fields({"version", "offline_username", "online_username", "group_name",
                                "group_sid", "offline_sid", "online_sid", "created_at",
                                "permitted_proxy_ports", "allow_local_binding", "system"});
  SetupMarker marker{
      .version = version_from(cursor.field("version")),
      .accounts = accounts_from(cursor),
      .group_sid = sid_from(cursor.field("group_sid")),
      .offline_sid = sid_from(cursor.field("offline_sid")),
      .online_sid = sid_from(cursor.field("online_sid")),
      .created_at = {},
      .permitted_proxy_ports = port_ranges_from(cursor.field("permitted_proxy_ports")),
      .allow_local_binding = cursor.field("allow_local_binding").boolean(),
      .system = system_from(cursor.field("system"))};
  if (const auto created_at = cursor.optional_field("created_at", true)) {
    marker.created_at = created_at->string();
  }
  return marker;
}

std::string setup_request_to_json(const SetupRequest& request) {
  return dump_json(to_json_value(request));
}

SetupRequest setup_request_from_json(std::string_view json) {
  const Json document = parse_json(json, ErrorCode::invalid_argument);
  return setup_request_from_json(JsonCursor(document, ErrorCode::invalid_argument));
}

std::string setup_marker_to_json(const SetupMarker& marker) {
  return dump_state_json(to_json_value(marker));
}

SetupMarker setup_marker_from_json(std::string_view json) {
  const Json document = parse_json(json, ErrorCode::invalid_argument);
  return setup_marker_from_json(JsonCursor(document, ErrorCode::invalid_argument));
}

}  // namespace winsandbox
