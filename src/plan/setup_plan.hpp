// What the elevated setup makes on the machine, as data: the firewall rules and WFP filters that
// block the offline account's network, the loopback port policy, the setup's error report and
// status. Portable (no Win32): the setup helper (src/win/setup) turns these specs into calls, the
// CLI prints them (`winsandbox setup --dry-run`), and the tests check them on Linux
// (docs/setup.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_cursor.hpp"
#include "winsandbox/acl_plan.hpp"
#include "winsandbox/setup_request.hpp"

namespace winsandbox {

// ---- Loopback port policy ---------------------------------------------------------------------

// PortRange (an inclusive range of TCP ports) lives in winsandbox/setup_request.hpp.

// Sorted, merged ranges (adjacent or overlapping ranges joined; 0 dropped).
std::vector<PortRange> normalize_port_ranges(std::vector<PortRange> ranges);
std::vector<PortRange> port_ranges_of(const std::vector<std::uint16_t>& ports);
// "8080,9000-9100" (normalized). Empty for no ranges.
std::string format_port_ranges(const std::vector<PortRange>& ranges);
// Parses "8080,9000-9100" (spaces around items allowed); Error(invalid_argument) naming the bad
// item for anything else (0, > 65535, first > last, empty item).
std::vector<PortRange> parse_port_ranges(std::string_view text);
// True when every port of `requested` lies in `permitted`.
bool ports_within(const std::vector<PortRange>& requested, const std::vector<PortRange>& permitted);
// The ports of 1..65535 outside `permitted`, in INetFwRule::RemotePorts syntax: "1-8079,8081-65535"
// for 8080; "1-65535" for none; "" when everything is permitted.
std::string port_complement(const std::vector<PortRange>& permitted);

// ---- Firewall (INetFwPolicy2) -----------------------------------------------------------------

// NET_FW_IP_PROTOCOL values.
enum class FirewallProtocol : std::int32_t { tcp = 6, udp = 17, any = 256 };

// One outbound block rule for the offline account. Every rule is: direction out, action block,
// enabled, all profiles, LocalUserAuthorizedList = local_user_authorized_list(offline SID).
struct FirewallRuleSpec {
  std::string name;         // unique internal name, "winsandbox_offline_..."
  std::string description;  // what the Windows Firewall UI shows
  FirewallProtocol protocol = FirewallProtocol::any;
  std::string remote_addresses;  // INetFwRule::RemoteAddresses syntax
  std::string remote_ports;      // "*" or port_complement(...)
  friend bool operator==(const FirewallRuleSpec&, const FirewallRuleSpec&) = default;
};

// What the helper does to the firewall, in order: rules to ensure (create or update in place,
// then read back), then rules to remove (names of rules that must not exist).
struct FirewallPlan {
  std::vector<FirewallRuleSpec> ensure;
  std::vector<std::string> remove;
  friend bool operator==(const FirewallPlan&, const FirewallPlan&) = default;
};

// The rules for the offline account given the permitted loopback proxy ports.
FirewallPlan offline_firewall_plan(const std::vector<PortRange>& permitted_proxy_ports,
                                   bool allow_local_binding);
// Every rule name this project ever creates (what uninstall removes).
const std::vector<std::string_view>& all_firewall_rule_names();
// "O:LSD:(A;;CC;;;<sid>)".
std::string local_user_authorized_list(std::string_view account_sid);

// ---- WFP --------------------------------------------------------------------------------------

enum class WfpLayer : std::uint8_t {
  ale_auth_connect_v4,
  ale_auth_connect_v6,
  ale_resource_assignment_v4,
  ale_resource_assignment_v6,
};

// One persistent block filter for the offline account (condition ALE_USER_ID = the account),
// with exactly one of `protocol` / `remote_port` as the second condition.
struct WfpFilterSpec {
  std::string key;  // GUID, "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" lower case, unique
  std::string name;
  std::string description;
  WfpLayer layer = WfpLayer::ale_auth_connect_v4;
  std::optional<std::uint8_t> protocol;      // IP protocol number (ICMP 1, ICMPv6 58)
  std::optional<std::uint16_t> remote_port;  // 53, 853, 445, 139
  friend bool operator==(const WfpFilterSpec&, const WfpFilterSpec&) = default;
};

// Our persistent provider and sublayer (our own keys, not the reference's).
inline constexpr std::string_view kWfpProviderKey = "{5b0f6c1e-6a8e-4d52-9a43-0c7e2f1d9b31}";
inline constexpr std::string_view kWfpSublayerKey = "{9d3e7a24-41c5-4f0b-b6e2-7a18c5d40e62}";
inline constexpr std::string_view kWfpDisplayName = "winsandbox";

// ICMP (connect and resource assignment), DNS 53 / 853, SMB 445 / 139; v4 and v6 each.
const std::vector<WfpFilterSpec>& offline_wfp_filters();

// ---- Errors -----------------------------------------------------------------------------------

// Why a setup failed: the stable codes of `setup_error.json` (snake_case names, never renamed).
enum class SetupErrorCode : std::uint8_t {
  request_invalid,              // the helper's request is missing, malformed or another version
  not_elevated,                 // a mode that changes the machine run without elevation
  launch_failed,                // the helper could not be started
  launch_canceled,              // the user declined the UAC prompt
  helper_failed,                // the helper exited non-zero without a usable report
  helper_incomplete,            // the helper exited 0 but the marker is missing or wrong
  state_dir_failed,             // creating or locking the sandbox state directories
  group_failed,                 // creating the sandbox group
  account_failed,               // creating/updating/hiding an account or its group membership
  secrets_failed,               // protecting or storing the account secrets
  sid_lookup_failed,            // resolving an account or group SID
  firewall_access_failed,       // a firewall COM call failed
  firewall_policy_ineffective,  // group policy (or partial profiles) overrides local rules
  firewall_rule_failed,         // creating, updating or removing a rule
  firewall_rule_verify_failed,  // a rule read back without the offline account
  acl_failed,                   // applying the plan's ACL grants (rolled back)
  marker_failed,                // writing the setup marker
  uninstall_incomplete,         // uninstall could not remove everything (the report lists what)
  unknown,                      // anything else
};

std::string_view setup_error_code_name(SetupErrorCode code) noexcept;
std::optional<SetupErrorCode> setup_error_code_from_name(std::string_view name) noexcept;

// `<sandbox_home>\.sandbox\setup_error.json`: written by the helper when a run fails, read by
// the orchestrator. Pretty JSON:
//   {"code":"firewall_policy_ineffective","stage":"firewall","message":"…","windows_error":5}
// (`windows_error` omitted when there is none).
struct SetupErrorReport {
  SetupErrorCode code = SetupErrorCode::unknown;
  std::string stage;  // the step that failed: "request", "accounts", "secrets", "firewall", ...
  std::string message;
  std::optional<std::uint32_t> windows_error;
  friend bool operator==(const SetupErrorReport&, const SetupErrorReport&) = default;
};
inline constexpr std::string_view kSetupErrorFileName = "setup_error.json";

std::string setup_error_report_to_json(const SetupErrorReport& report);
// "firewall_policy_ineffective (stage firewall): <message> (Windows error 5)": the text of the
// Error(setup_failed) the orchestrator raises (starts with the code name).
std::string setup_error_summary(const SetupErrorReport& report);
// Validates every field; Error(invalid_argument) for anything else (unknown code, unknown key).
SetupErrorReport setup_error_report_from_json(std::string_view json);

// ---- Status (SetupStatus: include/winsandbox/setup_request.hpp) -------------------------------

SetupStatus evaluate_setup_status(const std::optional<SetupMarker>& marker, bool secrets_present,
                                  const SetupRequest& request);
// {"state":"outdated","reasons":[{"kind":"proxy_ports_changed","message":"…"}]}
Json to_json_value(const SetupStatus& status);

// ---- Files and grants -------------------------------------------------------------------------

// `<home>\.sandbox\setup_marker.json`, `<home>\.sandbox\setup_error.json`,
// `<home>\.sandbox-secrets\sandbox_users.json`.
WinPath setup_marker_path(const WinPath& sandbox_home);
WinPath setup_error_path(const WinPath& sandbox_home);
WinPath secrets_file_path(const WinPath& sandbox_home);
// The state directories the setup creates and gives their own DACLs, in this order:
// `<home>\.sandbox`, `<home>\.sandbox-bin`, `<home>\.sandbox-secrets`.
std::vector<WinPath> setup_state_directories(const WinPath& sandbox_home);

// The setup's ACL grants for `request` (docs/setup.md#grants), sorted like plan_acl:
// * allow_read_execute for the group on every read root (origin setup_read_root), except a
//   path that also gets the group's allow_write;
// * allow_write on every write root for the group and for the root's SID (write_root_sids);
// * deny_read for the group on every deny-read path, create_directory_if_missing;
// * deny_write on every deny-write path for the SIDs of the write roots overlapping it
//   (containing it or inside it), or for every write-root SID when none overlaps (none at all
//   without write roots), create_directory_if_missing (origin missing_subpath, as the
//   request merges existing read-only subpaths and missing protected ones).
// Throws Error(invalid_argument) when write_root_sids does not give one capability SID per
// write root or `group_sid` is not a SID.
AclPlan setup_acl_plan(const SetupRequest& request, std::string_view group_sid);

// ---- The whole plan (dry run) -----------------------------------------------------------------

// Everything a setup of `request` would make: group, accounts, state directories, firewall
// rules, WFP filters and ACEs (the ACL plan of the request's grants for the sandbox group and
// the roots' capability SIDs). `winsandbox setup --dry-run --json` prints it.
struct SetupPlan {
  SetupMode mode = SetupMode::full;
  std::string group_name;
  // The group's SID when the group exists; nullopt when it does not yet (a dry run before the
  // first setup): the ACEs then name the group by pending_group_sid(group_name).
  std::optional<std::string> group_sid;
  std::vector<std::string> account_names;
  std::vector<WinPath> state_directories;  // .sandbox, .sandbox-bin, .sandbox-secrets
  FirewallPlan firewall;                   // empty for refresh
  std::vector<WfpFilterSpec> wfp_filters;  // empty for refresh
  std::vector<AclEntry> aces;              // empty for provision-only and uninstall
  friend bool operator==(const SetupPlan&, const SetupPlan&) = default;
};

// What the ACEs of a dry run name the group by while it does not exist yet (its SID is made
// when the group is created): "<sid of WinSandboxUsers>". Never a SID, so it cannot pass for
// one; the plan's JSON says `"group_sid":null` next to it.
std::string pending_group_sid(std::string_view group_name);

// The plan of a setup of `request` (by request.mode):
// | mode           | accounts/group | firewall + WFP             | ACEs                      |
// |----------------|----------------|----------------------------|---------------------------|
// | full, repair   | ensured        | offline_firewall_plan, all | setup_acl_plan            |
// | refresh        | —              | —                          | setup_acl_plan            |
// | provision-only | ensured        | offline_firewall_plan, all | —                         |
// | uninstall      | removed        | remove all_firewall_rule_names, filters removed | — |
// For uninstall, `account_names`/`group_name` are what is removed, `firewall.remove` lists
// every rule name and `wfp_filters` the filters deleted (the recorded ACEs are not known to
// the plan: they come from acl_state.json at run time).
// `group_sid`: the group's SID, nullopt when the group does not exist yet.
SetupPlan plan_setup(const SetupRequest& request, std::optional<std::string> group_sid);
Json to_json_value(const SetupPlan& plan);

}  // namespace winsandbox
