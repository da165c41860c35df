// The setup's portable specs: port ranges, firewall rules, WFP filters, the error report, the
// status and the dry-run plan (src/plan/setup_plan.hpp, docs/setup.md).
#include "plan/setup_plan.hpp"

#include <algorithm>
#include <charconv>

#include "common/atomic_file.hpp"
#include "common/enum_names.hpp"
#include "common/text.hpp"
#include "plan/acl_state.hpp"
#include "plan/setup_request.hpp"
#include "resolve/resolved_json.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::uint16_t kMaxPort = 65535;

// ---- port ranges ----------------------------------------------------------------------------

void append_range(std::string& out, std::uint32_t first, std::uint32_t last) {
  if (!out.empty()) out += ',';
  out += std::to_string(first);
  if (last != first) out += '-' + std::to_string(last);
}

[[noreturn]] void bad_port_item(std::string_view item, std::string_view text,
                                std::string_view why) {
  throw Error(ErrorCode::invalid_argument, "invalid port range `" + std::string(item) + "` in `" +
                                               std::string(text) + "`: " + std::string(why));
}

// A port of a range item: decimal digits only, 1..65535.
std::uint16_t parse_port(std::string_view digits, std::string_view item, std::string_view text) {
  if (digits.empty()) bad_port_item(item, text, "empty port");
  if (digits.size() > 5 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    bad_port_item(item, text, "not a port number (1-65535)");
  }
  std::uint32_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (value == 0 || value > kMaxPort) bad_port_item(item, text, "not a port number (1-65535)");
  return static_cast<std::uint16_t>(value);
}

// ---- firewall -------------------------------------------------------------------------------

constexpr std::string_view kRuleOutbound = "winsandbox_offline_block_outbound";
constexpr std::string_view kRuleLoopbackUdp = "winsandbox_offline_block_loopback_udp";
constexpr std::string_view kRuleLoopbackTcp = "winsandbox_offline_block_loopback_tcp";

// Every address but loopback: IPv4 without 127.0.0.0/8, IPv6 without ::1 (IPv4-mapped
// loopback ::ffff:127.0.0.1 lies in the blocked IPv6 range).
constexpr std::string_view kNonLoopbackAddresses =
    "0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,::,::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:"
    "ffff";
constexpr std::string_view kLoopbackAddresses = "127.0.0.0/8,::1";

constexpr EnumNames<FirewallProtocol, 3> kFirewallProtocolNames{{
    {FirewallProtocol::tcp, "tcp"},
    {FirewallProtocol::udp, "udp"},
    {FirewallProtocol::any, "any"},
}};

// ---- WFP ------------------------------------------------------------------------------------

constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kIcmpV6 = 58;

constexpr EnumNames<WfpLayer, 4> kWfpLayerNames{{
    {WfpLayer::ale_auth_connect_v4, "ale_auth_connect_v4"},
    {WfpLayer::ale_auth_connect_v6, "ale_auth_connect_v6"},
    {WfpLayer::ale_resource_assignment_v4, "ale_resource_assignment_v4"},
    {WfpLayer::ale_resource_assignment_v6, "ale_resource_assignment_v6"},
}};

WfpFilterSpec protocol_filter(std::string_view key, std::string_view name, std::string what,
                              WfpLayer layer, std::uint8_t protocol) {
  return WfpFilterSpec{.key = std::string(key),
                       .name = std::string(name),
                       .description = "winsandbox: block the offline account's " + what,
                       .layer = layer,
                       .protocol = protocol,
                       .remote_port = std::nullopt};
}

WfpFilterSpec port_filter(std::string_view key, std::string_view name, std::string what,
                          WfpLayer layer, std::uint16_t port) {
  return WfpFilterSpec{.key = std::string(key),
                       .name = std::string(name),
                       .description = "winsandbox: block the offline account's " + what,
                       .layer = layer,
                       .protocol = std::nullopt,
                       .remote_port = port};
}

// ---- errors and status ----------------------------------------------------------------------

constexpr EnumNames<SetupErrorCode, 19> kSetupErrorCodeNames{{
    {SetupErrorCode::request_invalid, "request_invalid"},
    {SetupErrorCode::not_elevated, "not_elevated"},
    {SetupErrorCode::launch_failed, "launch_failed"},
    {SetupErrorCode::launch_canceled, "launch_canceled"},
    {SetupErrorCode::helper_failed, "helper_failed"},
    {SetupErrorCode::helper_incomplete, "helper_incomplete"},
    {SetupErrorCode::state_dir_failed, "state_dir_failed"},
    {SetupErrorCode::group_failed, "group_failed"},
    {SetupErrorCode::account_failed, "account_failed"},
    {SetupErrorCode::secrets_failed, "secrets_failed"},
    {SetupErrorCode::sid_lookup_failed, "sid_lookup_failed"},
    {SetupErrorCode::firewall_access_failed, "firewall_access_failed"},
    {SetupErrorCode::firewall_policy_ineffective, "firewall_policy_ineffective"},
    {SetupErrorCode::firewall_rule_failed, "firewall_rule_failed"},
    {SetupErrorCode::firewall_rule_verify_failed, "firewall_rule_verify_failed"},
    {SetupErrorCode::acl_failed, "acl_failed"},
    {SetupErrorCode::marker_failed, "marker_failed"},
    {SetupErrorCode::uninstall_incomplete, "uninstall_incomplete"},
    {SetupErrorCode::unknown, "unknown"},
}};

constexpr EnumNames<SetupState, 3> kSetupStateNames{{
    {SetupState::missing, "missing"},
    {SetupState::current, "current"},
    {SetupState::outdated, "outdated"},
}};

// ---- the setup's grants ---------------------------------------------------------------------

constexpr std::string_view kBinDirectoryName = ".sandbox-bin";
constexpr std::string_view kSecretsDirectoryName = ".sandbox-secrets";
constexpr std::string_view kSecretsFileName = "sandbox_users.json";

AclPlan acl_plan_for_group(const SetupRequest& request, const std::string& group) {
  std::vector<AclEntry> entries;
  for (const auto& path : request.deny_read_paths) {
    entries.push_back(make_acl_entry(path, group, AceKind::deny_read, AceOrigin::deny_read, true));
  }
  std::vector<RootCapabilitySid> roots;
  for (std::size_t i = 0; i < request.write_roots.size(); ++i) {
    roots.push_back({request.write_roots[i], request.write_root_sids[i]});
  }
  for (const auto& path : request.deny_write_paths) {
    for (auto& sid : deny_write_sids(roots, path)) {
      entries.push_back(make_acl_entry(path, std::move(sid), AceKind::deny_write,
                                       AceOrigin::missing_subpath, true));
    }
  }
  for (std::size_t i = 0; i < request.write_roots.size(); ++i) {
    const WinPath& root = request.write_roots[i];
    entries.push_back(make_acl_entry(root, group, AceKind::allow_write, AceOrigin::writable_root));
    entries.push_back(make_acl_entry(root, request.write_root_sids[i], AceKind::allow_write,
                                     AceOrigin::writable_root));
  }
  for (const auto& path : request.read_roots) {
    const bool written = std::any_of(request.write_roots.begin(), request.write_roots.end(),
                                     [&path](const WinPath& root) { return root == path; });
    if (!written) {
      entries.push_back(
          make_acl_entry(path, group, AceKind::allow_read_execute, AceOrigin::setup_read_root));
    }
  }
  // The runner, as a sandbox account, reads the capability SID store in the home to check the
  // SIDs it is sent: read + execute on the home and the files directly in it, never its
  // subdirectories (the state directories have protected DACLs of their own anyway).
  AclEntry home = make_acl_entry(request.sandbox_home, group, AceKind::allow_read_execute,
                                 AceOrigin::setup_read_root);
  home.inheritance = kFilesDirectlyInside;
  entries.push_back(std::move(home));
  return AclPlan{.entries = in_plan_order(std::move(entries)), .world_writable_dirs = {}};
}

void check_write_root_sids(const SetupRequest& request) {
  if (request.write_root_sids.size() != request.write_roots.size()) {
    throw Error(ErrorCode::invalid_argument,
                "the setup request has " + std::to_string(request.write_root_sids.size()) +
                    " write-root SIDs for " + std::to_string(request.write_roots.size()) +
                    " write roots");
  }
  for (std::size_t i = 0; i < request.write_roots.size(); ++i) {
    if (!is_capability_sid(request.write_root_sids[i])) {
      throw Error(ErrorCode::invalid_argument, "write root `" + request.write_roots[i].str() +
                                                   "` has no capability SID (`" +
                                                   request.write_root_sids[i] + "`)");
    }
  }
}

// ---- JSON -----------------------------------------------------------------------------------

Json to_json_value(const FirewallRuleSpec& rule) {
  Json out = Json::object();
  out["name"] = rule.name;
  out["description"] = rule.description;
  out["protocol"] = enum_name(kFirewallProtocolNames, rule.protocol);
  out["remote_addresses"] = rule.remote_addresses;
  out["remote_ports"] = rule.remote_ports;
  return out;
}

Json to_json_value(const WfpFilterSpec& filter) {
  Json out = Json::object();
  out["key"] = filter.key;
  out["name"] = filter.name;
  out["description"] = filter.description;
  out["layer"] = enum_name(kWfpLayerNames, filter.layer);
  if (filter.protocol) out["protocol"] = *filter.protocol;
  if (filter.remote_port) out["remote_port"] = *filter.remote_port;
  return out;
}

}  // namespace

// ---- port ranges ----------------------------------------------------------------------------

std::vector<PortRange> normalize_port_ranges(std::vector<PortRange> ranges) {
  std::vector<PortRange> kept;
  for (auto range : ranges) {
    if (range.last == 0 || range.first > range.last) continue;  // empty
    range.first = std::max<std::uint16_t>(range.first, 1);
    kept.push_back(range);
  }
  std::sort(kept.begin(), kept.end(), [](const PortRange& a, const PortRange& b) {
    return a.first != b.first ? a.first < b.first : a.last < b.last;
  });
  std::vector<PortRange> merged;
  for (const auto& range : kept) {
    // Join overlapping and adjacent ranges (a last of 65535 absorbs everything after it).
    if (!merged.empty() && static_cast<std::uint32_t>(range.first) <=
                               static_cast<std::uint32_t>(merged.back().last) + 1) {
      merged.back().last = std::max(merged.back().last, range.last);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

std::vector<PortRange> port_ranges_of(const std::vector<std::uint16_t>& ports) {
  std::vector<PortRange> ranges;
  ranges.reserve(ports.size());
  for (const auto port : ports) ranges.push_back({port, port});
  return normalize_port_ranges(std::move(ranges));
}

std::string format_port_ranges(const std::vector<PortRange>& ranges) {
  std::string out;
  for (const auto& range : normalize_port_ranges(ranges))
    append_range(out, range.first, range.last);
  return out;
}

std::vector<PortRange> parse_port_ranges(std::string_view text) {
  std::vector<PortRange> ranges;
  if (trim_ascii(text).empty()) return ranges;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view raw = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::string_view item = trim_ascii(raw);
    if (item.empty()) bad_port_item(item, text, "empty item");
    const std::size_t dash = item.find('-');
    PortRange range;
    if (dash == std::string_view::npos) {
      range.first = range.last = parse_port(item, item, text);
    } else {
      range.first = parse_port(item.substr(0, dash), item, text);
      range.last = parse_port(item.substr(dash + 1), item, text);
      if (range.first > range.last) bad_port_item(item, text, "first port after last port");
    }
    ranges.push_back(range);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return normalize_port_ranges(std::move(ranges));
}

bool ports_within(const std::vector<PortRange>& requested,
                  const std::vector<PortRange>& permitted) {
  const auto merged = normalize_port_ranges(permitted);
  for (const auto& range : normalize_port_ranges(requested)) {
    // Merged ranges are disjoint and not adjacent: a contiguous range is covered only by one.
    const bool covered =
        std::any_of(merged.begin(), merged.end(), [&range](const PortRange& allowed) {
          return allowed.first <= range.first && range.last <= allowed.last;
        });
    if (!covered) return false;
  }
  return true;
}

std::string port_complement(const std::vector<PortRange>& permitted) {
  std::string out;
  std::uint32_t next = 1;  // first port not yet covered or emitted
  for (const auto& range : normalize_port_ranges(permitted)) {
    if (range.first > next) append_range(out, next, range.first - 1U);
    next = static_cast<std::uint32_t>(range.last) + 1;
  }
  if (next <= kMaxPort) append_range(out, next, kMaxPort);
  return out;
}

// ---- firewall -------------------------------------------------------------------------------

FirewallPlan offline_firewall_plan(const std::vector<PortRange>& permitted_proxy_ports,
                                   bool allow_local_binding) {
  FirewallPlan plan;
  plan.ensure.push_back(
      FirewallRuleSpec{.name = std::string(kRuleOutbound),
                       .description = "winsandbox offline account: block non-loopback outbound",
                       .protocol = FirewallProtocol::any,
                       .remote_addresses = std::string(kNonLoopbackAddresses),
                       .remote_ports = "*"});
  if (allow_local_binding) {
    plan.remove = {std::string(kRuleLoopbackUdp), std::string(kRuleLoopbackTcp)};
    return plan;
  }
  plan.ensure.push_back(
      FirewallRuleSpec{.name = std::string(kRuleLoopbackUdp),
                       .description = "winsandbox offline account: block loopback UDP",
                       .protocol = FirewallProtocol::udp,
                       .remote_addresses = std::string(kLoopbackAddresses),
                       .remote_ports = "*"});
  std::string complement = port_complement(permitted_proxy_ports);
  if (complement.empty()) {
    plan.remove = {std::string(kRuleLoopbackTcp)};
    return plan;
  }
  plan.ensure.push_back(FirewallRuleSpec{
      .name = std::string(kRuleLoopbackTcp),
      .description = "winsandbox offline account: block loopback TCP except the proxy ports",
      .protocol = FirewallProtocol::tcp,
      .remote_addresses = std::string(kLoopbackAddresses),
      .remote_ports = std::move(complement)});
  return plan;
}

const std::vector<std::string_view>& all_firewall_rule_names() {
  static const std::vector<std::string_view> names{kRuleOutbound, kRuleLoopbackUdp,
                                                   kRuleLoopbackTcp};
  return names;
}

std::string local_user_authorized_list(std::string_view account_sid) {
  return "O:LSD:(A;;CC;;;" + std::string(account_sid) + ")";
}

// ---- WFP --------------------------------------------------------------------------------------

const std::vector<WfpFilterSpec>& offline_wfp_filters() {
  using enum WfpLayer;
  static const std::vector<WfpFilterSpec> filters{
      protocol_filter("{30b06f29-83dd-4447-b112-32d75b914b2b}", "winsandbox_wfp_icmp_connect_v4",
                      "ICMP connect (IPv4)", ale_auth_connect_v4, kIcmp),
      protocol_filter("{2fbfe82f-f7bb-4e10-bfe3-59052f27fcd9}", "winsandbox_wfp_icmp_connect_v6",
                      "ICMPv6 connect (IPv6)", ale_auth_connect_v6, kIcmpV6),
      protocol_filter("{9b8ba04f-4344-4da4-bbb3-f20784a58489}", "winsandbox_wfp_icmp_assign_v4",
                      "ICMP socket resource assignment (IPv4)", ale_resource_assignment_v4, kIcmp),
      protocol_filter("{e930f572-bc3d-4da4-b30d-fbc717f1d7db}", "winsandbox_wfp_icmp_assign_v6",
                      "ICMPv6 socket resource assignment (IPv6)", ale_resource_assignment_v6,
                      kIcmpV6),
      port_filter("{d2d1f7a4-0eab-4f74-be2e-8050c27ee639}", "winsandbox_wfp_dns_53_v4",
                  "DNS on remote port 53 (IPv4)", ale_auth_connect_v4, 53),
      port_filter("{881692b3-0ac4-4e74-b514-b8d5c4ba0471}", "winsandbox_wfp_dns_53_v6",
                  "DNS on remote port 53 (IPv6)", ale_auth_connect_v6, 53),
      port_filter("{1fc03a84-85ea-4727-a54d-c118f1880b3f}", "winsandbox_wfp_dns_853_v4",
                  "DNS over TLS on remote port 853 (IPv4)", ale_auth_connect_v4, 853),
      port_filter("{18a55244-daa7-4c97-b207-03382fd2ea57}", "winsandbox_wfp_dns_853_v6",
                  "DNS over TLS on remote port 853 (IPv6)", ale_auth_connect_v6, 853),
      port_filter("{86fce646-8b7d-4fc2-ae36-af643a3140d7}", "winsandbox_wfp_smb_445_v4",
                  "SMB on remote port 445 (IPv4)", ale_auth_connect_v4, 445),
      port_filter("{50dae783-0cc9-44ad-bf3a-e5c3c7b4b112}", "winsandbox_wfp_smb_445_v6",
                  "SMB on remote port 445 (IPv6)", ale_auth_connect_v6, 445),
      port_filter("{73ecdce5-963a-4642-afea-015f1cf9ad6e}", "winsandbox_wfp_smb_139_v4",
                  "NetBIOS session (SMB) on remote port 139 (IPv4)", ale_auth_connect_v4, 139),
      port_filter("{0ebce810-6d73-4c77-91cf-1046d233a2b0}", "winsandbox_wfp_smb_139_v6",
                  "NetBIOS session (SMB) on remote port 139 (IPv6)", ale_auth_connect_v6, 139),
  };
  return filters;
}

// ---- errors -----------------------------------------------------------------------------------

std::string_view setup_error_code_name(SetupErrorCode code) noexcept {
  return enum_name(kSetupErrorCodeNames, code);
}

std::optional<SetupErrorCode> setup_error_code_from_name(std::string_view name) noexcept {
  return enum_from_name(kSetupErrorCodeNames, name);
}

std::string setup_error_summary(const SetupErrorReport& report) {
  std::string out(setup_error_code_name(report.code));
  if (!report.stage.empty()) out += " (stage " + report.stage + ")";
  out += ": " + report.message;
  if (report.windows_error) out += " (Windows error " + std::to_string(*report.windows_error) + ")";
  return out;
}

std::string setup_error_report_to_json(const SetupErrorReport& report) {
  Json out = Json::object();
  out["code"] = setup_error_code_name(report.code);
  out["stage"] = report.stage;
  out["message"] = report.message;
  if (report.windows_error) out["windows_error"] = *report.windows_error;
  return dump_state_json(out);
}

SetupErrorReport setup_error_report_from_json(std::string_view json) {
  const Json document = parse_json(json, ErrorCode::invalid_argument);
  const JsonCursor cursor(document, ErrorCode::invalid_argument);
  cursor.reject_unknown_fields({"code", "stage", "message", "windows_error"});
  SetupErrorReport report{
      .code = enum_from_json(cursor.field("code"), kSetupErrorCodeNames, "setup error code"),
      .stage = cursor.field("stage").string(),
      .message = cursor.field("message").string(),
      .windows_error = std::nullopt};
  if (const auto error = cursor.optional_field("windows_error")) {
    const std::uint64_t value = error->unsigned_integer();
    if (value > 0xFFFFFFFFULL) error->fail("not a 32-bit Windows error");
    report.windows_error = static_cast<std::uint32_t>(value);
  }
  return report;
}

// ---- status -----------------------------------------------------------------------------------

std::string_view setup_state_name(SetupState state) noexcept {
  return enum_name(kSetupStateNames, state);
}

SetupStatus evaluate_setup_status(const std::optional<SetupMarker>& marker, bool secrets_present,
                                  const SetupRequest& request) {
  if (!marker) return {SetupState::missing, setup_refresh_needed(marker, request)};
  if (!secrets_present) {
    return {SetupState::missing,
            {{SetupDriftKind::secrets_missing, "sandbox account secrets missing"}}};
  }
  std::vector<SetupDrift> reasons = setup_refresh_needed(marker, request);
  if (reasons.empty()) return {SetupState::current, {}};
  return {SetupState::outdated, std::move(reasons)};
}

Json to_json_value(const SetupStatus& status) {
  Json out = Json::object();
  out["state"] = setup_state_name(status.state);
  Json reasons = Json::array();
  for (const auto& reason : status.reasons) {
    Json item = Json::object();
    item["kind"] = setup_drift_kind_name(reason.kind);
    item["message"] = reason.message;
    reasons.push_back(std::move(item));
  }
  out["reasons"] = std::move(reasons);
  return out;
}

std::string setup_status_to_json(const SetupStatus& status) {
  return dump_json(to_json_value(status));
}

// ---- files and grants -------------------------------------------------------------------------

WinPath setup_marker_path(const WinPath& sandbox_home) {
  return sandbox_home.join(kSetupMarkerDirectory).join(kSetupMarkerFileName);
}

WinPath setup_error_path(const WinPath& sandbox_home) {
  return sandbox_home.join(kSetupMarkerDirectory).join(kSetupErrorFileName);
}

WinPath secrets_file_path(const WinPath& sandbox_home) {
  return sandbox_home.join(kSecretsDirectoryName).join(kSecretsFileName);
}

std::vector<WinPath> setup_state_directories(const WinPath& sandbox_home) {
  return {sandbox_home.join(kSetupMarkerDirectory), sandbox_home.join(kBinDirectoryName),
          sandbox_home.join(kSecretsDirectoryName)};
}

AclPlan setup_acl_plan(const SetupRequest& request, std::string_view group_sid) {
  if (!looks_like_sid(group_sid)) {
    throw Error(ErrorCode::invalid_argument,
                "sandbox group SID `" + std::string(group_sid) + "` is not a SID");
  }
  check_write_root_sids(request);
  return acl_plan_for_group(request, std::string(group_sid));
}

// ---- the whole plan -----------------------------------------------------------------------------

std::string pending_group_sid(std::string_view group_name) {
  return "<sid of " + std::string(group_name) + ">";
}

SetupPlan plan_setup(const SetupRequest& request, std::optional<std::string> group_sid) {
  SetupPlan plan;
  plan.mode = request.mode;
  plan.group_name = request.accounts.group_name;
  plan.group_sid = std::move(group_sid);
  plan.account_names = {request.accounts.offline_username, request.accounts.online_username};
  plan.state_directories = setup_state_directories(request.sandbox_home);
  // Uninstall removes the binaries and the secrets; `.sandbox` keeps the logs, the capability
  // SID store and the (emptied) applied ACL state.
  if (request.mode == SetupMode::uninstall)
    plan.state_directories.erase(plan.state_directories.begin());

  const bool provisions = request.mode == SetupMode::full ||
                          request.mode == SetupMode::provision_only ||
                          request.mode == SetupMode::repair;
  const bool grants = request.mode == SetupMode::full || request.mode == SetupMode::refresh ||
                      request.mode == SetupMode::repair;
  if (provisions) {
    std::vector<PortRange> permitted = port_ranges_of(request.proxy_ports);
    permitted.insert(permitted.end(), request.proxy_port_policy.begin(),
                     request.proxy_port_policy.end());
    plan.firewall = offline_firewall_plan(normalize_port_ranges(std::move(permitted)),
                                          request.allow_local_binding);
    plan.wfp_filters = offline_wfp_filters();
  }
  if (request.mode == SetupMode::uninstall) {
    for (const auto name : all_firewall_rule_names()) plan.firewall.remove.emplace_back(name);
    plan.wfp_filters = offline_wfp_filters();
  }
  if (grants) {
    if (plan.group_sid) {
      plan.aces = setup_acl_plan(request, *plan.group_sid).entries;
    } else {
      check_write_root_sids(request);
      plan.aces = acl_plan_for_group(request, pending_group_sid(plan.group_name)).entries;
    }
  }
  return plan;
}

Json to_json_value(const SetupPlan& plan) {
  const bool provisions = plan.mode == SetupMode::full || plan.mode == SetupMode::provision_only ||
                          plan.mode == SetupMode::repair;
  const bool uninstall = plan.mode == SetupMode::uninstall;
  Json out = Json::object();
  out["mode"] = setup_mode_name(plan.mode);
  out["group_name"] = plan.group_name;
  out["group_sid"] = plan.group_sid ? Json(*plan.group_sid) : Json(nullptr);
  Json accounts = Json::object();
  accounts["action"] = provisions ? "ensure" : uninstall ? "remove" : "none";
  accounts["names"] = plan.account_names;
  out["accounts"] = std::move(accounts);
  Json directories = Json::object();
  directories["action"] = uninstall ? "remove" : "ensure";
  directories["paths"] = paths_to_json(plan.state_directories);
  out["state_directories"] = std::move(directories);
  Json firewall = Json::object();
  Json ensure = Json::array();
  for (const auto& rule : plan.firewall.ensure) ensure.push_back(to_json_value(rule));
  firewall["ensure"] = std::move(ensure);
  firewall["remove"] = plan.firewall.remove;
  out["firewall"] = std::move(firewall);
  Json wfp = Json::object();
  wfp["action"] = provisions ? "install" : uninstall ? "remove" : "none";
  wfp["provider_key"] = kWfpProviderKey;
  wfp["sublayer_key"] = kWfpSublayerKey;
  Json filters = Json::array();
  for (const auto& filter : plan.wfp_filters) filters.push_back(to_json_value(filter));
  wfp["filters"] = std::move(filters);
  out["wfp"] = std::move(wfp);
  Json aces = Json::object();
  switch (plan.mode) {
    case SetupMode::full:
    case SetupMode::refresh: aces["action"] = "apply"; break;
    case SetupMode::repair: aces["action"] = "rewrite"; break;
    case SetupMode::provision_only: aces["action"] = "none"; break;
    case SetupMode::uninstall: aces["action"] = "revoke_recorded"; break;
  }
  Json entries = Json::array();
  for (const auto& entry : plan.aces) entries.push_back(to_json_value(entry));
  aces["entries"] = std::move(entries);
  out["aces"] = std::move(aces);
  return out;
}

}  // namespace winsandbox
