// The setup request: what the elevated setup helper (winsandbox-setup.exe) must provision and
// grant for a command, and the setup marker that records what a full setup provisioned, so that
// drift (another proxy port, local binding switched on) asks for a new elevated setup
// (docs/elevated.md#setup-request).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// Version of the setup request / marker format. A marker from another version means the
// provisioned state is unknown: a full setup runs again. 2: group name, write-root SIDs, the
// proxy port policy, repair/uninstall modes; the marker records SIDs, permitted port ranges and
// the system that made it.
inline constexpr std::uint32_t kSetupVersion = 2;

// Local accounts and group the elevated backend runs commands under
// (docs/elevated.md#sandbox-accounts, docs/setup.md#accounts).
struct SandboxAccounts {
  std::string offline_username = "WinSandboxOffline";
  std::string online_username = "WinSandboxOnline";
  std::string group_name = "WinSandboxUsers";  // both accounts are members; ACEs name it
  friend bool operator==(const SandboxAccounts&, const SandboxAccounts&) = default;
};

// An inclusive range of TCP ports, 1 <= first <= last <= 65535 (the loopback port policy:
// src/plan/setup_plan.hpp, docs/setup.md#port-policy).
struct PortRange {
  std::uint16_t first = 1;
  std::uint16_t last = 1;
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

// What the helper does (docs/setup.md#modes).
//
// | mode           | JSON             | users / firewall | ACLs (roots, denies)     | marker      |
// |----------------|------------------|------------------|--------------------------|-------------|
// | full           | "full"           | provisioned      | applied (diff)           | written     |
// | refresh        | "refresh"        | untouched        | applied (diff)           | kept        |
// | provision_only | "provision-only" | provisioned      | untouched                | written     |
// | repair         | "repair"         | provisioned      | every ACE re-written     | written     |
// | uninstall      | "uninstall"      | removed          | every recorded ACE gone  | removed     |
//
// (The reference spells refresh as mode "full" + `refresh_only: true`; one field is enough.)
// Status is no mode: the orchestrator computes it in-process (evaluate_setup_status).
enum class SetupMode { full, refresh, provision_only, repair, uninstall };

struct SetupRequest {
  std::uint32_t version = kSetupVersion;
  SandboxAccounts accounts;
  WinPath sandbox_home;
  // The bound workspace roots (what `:project_roots` meant for this command;
  // docs/architecture.md#binding-rule).
  std::vector<WinPath> workspace_roots;
  // Which account runs the command: the helper configures the offline account's firewall.
  NetworkIdentity network_identity = NetworkIdentity::offline;
  std::vector<WinPath> read_roots;   // read+execute for the sandbox group
  std::vector<WinPath> write_roots;  // write for the group and the root's capability SID
  // The capability SID of each write root, same order and size as `write_roots`: the SID of
  // the most specific writable root of the command containing it (the spawn context fills it
  // from its CapabilitySids; build_setup_request leaves it empty).
  std::vector<std::string> write_root_sids;
  std::vector<WinPath> deny_read_paths;    // deny read for the sandbox group
  std::vector<WinPath> deny_write_paths;   // deny write for the overlapping roots' SIDs
  std::vector<std::uint16_t> proxy_ports;  // loopback ports the offline account may reach
  // Loopback ports the host may use for its proxy, set once and permitted in addition to
  // `proxy_ports` (normalized ranges), so that port churn inside the range needs no new
  // elevated setup (docs/setup.md#port-policy). Empty for the online identity.
  std::vector<PortRange> proxy_port_policy;
  bool allow_local_binding = false;
  std::string real_user;  // the account whose files these are (gets full access to state dirs)
  SetupMode mode = SetupMode::full;
  friend bool operator==(const SetupRequest&, const SetupRequest&) = default;
};

// Caller choices that replace what is derived from the resolved permissions.
struct SetupRequestOptions {
  SetupMode mode = SetupMode::full;
  SandboxAccounts accounts;
  // Empty: the child environment's USERNAME, else "Administrators" (as the reference).
  std::string real_user;
  // Replace the read roots gathered from the permissions; the platform defaults are added to
  // the override only when `read_roots_include_platform_defaults`.
  std::optional<std::vector<WinPath>> read_roots;
  bool read_roots_include_platform_defaults = false;
  // Replace the write roots (default: the existing writable roots).
  std::optional<std::vector<WinPath>> write_roots;
  // Added to the resolved deny-read paths / read-only subpaths.
  std::vector<WinPath> extra_deny_read;
  std::vector<WinPath> extra_deny_write;
  // The loopback port policy (SetupRequest::proxy_port_policy; offline identity only).
  std::vector<PortRange> proxy_port_policy;
};

// Top-level children of %USERPROFILE% that hold credentials and are never granted, whatever the
// profile says (matched ASCII case-insensitively): .ssh .gnupg .aws .azure .kube .docker .config
// .npm .pki .terraform.d .tsh .brev.
const std::vector<std::string_view>& user_profile_secret_dirs();

// Builds the request. Every path comes from `resolved` (already canonical), the options, or the
// child environment — never from the host process and never a hard-coded drive:
//
// * read roots (override absent): when the full disk is readable, the platform defaults,
//   %USERPROFILE%, the workspace roots, the command cwd and the writable roots; otherwise the
//   platform defaults if resolved.include_platform_defaults, the readable roots and the
//   writable roots. With the override: the platform defaults if
//   read_roots_include_platform_defaults, then the override. Missing paths are dropped, the
//   others canonicalized through `fs`; after the filters below, anything that is also a write
//   root is dropped (write access includes read).
// * platform defaults: the values of %SystemRoot%, %ProgramFiles%, %ProgramFiles(x86)% and
//   %ProgramData% in `child_env` (names case-insensitive); a missing or non-absolute variable
//   is skipped.
// * write roots: resolved.acl.allow_write (existing writable roots), or the override.
// * deny-read: resolved.deny_read + extra; deny-write: resolved.acl.deny_write,
//   resolved.acl.protect_missing + extra.
// * proxy ports and local binding: resolved.network (empty / false for the online identity);
//   the proxy port policy: the option, normalized (empty for the online identity).
// * write_root_sids: left empty (the spawn context fills them from its capability SIDs).
//
// Filters applied to both root lists, in this order:
// 1. a root equal to %USERPROFILE% is replaced by its children (listed through `fs`), so the
//    filters below can take out the secret ones; a profile that cannot be listed is dropped;
// 2. anything within a user-profile secret dir (user_profile_secret_dirs) is dropped;
// 3. anything equal to or within the sandbox home — the home itself and its `.sandbox`,
//    `.sandbox-bin`, `.sandbox-secrets` state dirs — is dropped (the helper gives those dirs
//    their own DACLs; the reference adds `.sandbox-bin` to the read roots, we never list it);
// 4. duplicates (by path identity) are dropped, first occurrence kept.
// Deny lists are not filtered (a deny never widens access). Known limit: a root that merely
// *contains* the sandbox home or a secret dir (`C:\`, `%USERPROFILE%\AppData` holding the
// default sandbox home) is kept whole — only %USERPROFILE% itself is split into its children.
// The helper's own DACL on `.sandbox-secrets` (sandbox group denied) still protects the
// credentials there; other secrets below such an ancestor are as readable as the profile says.
SetupRequest build_setup_request(const ResolvedPermissions& resolved, const WinPath& sandbox_home,
                                 const Environment& child_env, const FileSystemView& fs,
                                 const SetupRequestOptions& options = {});

// What a completed full, provision-only or repair setup provisioned, written by the helper
// LAST (after every other step succeeded) to `<sandbox_home>\.sandbox\setup_marker.json`.
struct SetupMarker {
  std::uint32_t version = kSetupVersion;
  SandboxAccounts accounts;
  // The SIDs the setup resolved ("S-1-5-21-..."): refresh names the group by `group_sid`.
  std::string group_sid;
  std::string offline_sid;
  std::string online_sid;
  std::string created_at;  // RFC 3339 UTC; informational, may be empty
  // The loopback ports the offline account's firewall rules let through: the setup's
  // proxy_ports ∪ proxy_port_policy, normalized.
  std::vector<PortRange> permitted_proxy_ports;
  bool allow_local_binding = false;
  // What made the marker: "windows" (the real machine) or "fake" (the recording fake of the
  // tests, WINSANDBOX_TEST_SETUP_SYSTEM); the production path treats a fake marker as missing.
  std::string system = "windows";
  friend bool operator==(const SetupMarker&, const SetupMarker&) = default;
};

// The marker a successful setup for `request` leaves behind: version, accounts, permitted
// ports, local binding, system "windows". The SIDs are left empty: the helper fills in what it
// resolved (a marker without them does not decode).
SetupMarker setup_marker_for(const SetupRequest& request, std::string created_at = {});

// Why the provisioned state no longer fits a request.
//
// | kind                   | when                                                          |
// |------------------------|---------------------------------------------------------------|
// | marker_missing         | no marker (setup never completed)                             |
// | secrets_missing        | a marker but no stored account secrets (status only:          |
// |                        | evaluate_setup_status; setup_refresh_needed never reports it) |
// | version_changed        | marker version != request version                             |
// | accounts_changed       | other account or group names                                  |
// | proxy_ports_changed    | offline identity only: a requested proxy port lies outside    |
// |                        | the marker's permitted ranges (fewer ports, or other ports    |
// |                        | inside the ranges, never drift: docs/setup.md#port-policy)    |
// | local_binding_changed  | offline identity only: allow_local_binding differs            |
//
// The online identity has no firewall rules, so its proxy settings never drift (reference
// `setup_marker_request_mismatch_reason_ignores_proxy_drift_for_online_identity`).
enum class SetupDriftKind {
  marker_missing,
  secrets_missing,
  version_changed,
  accounts_changed,
  proxy_ports_changed,
  local_binding_changed,
};

struct SetupDrift {
  SetupDriftKind kind = SetupDriftKind::marker_missing;
  // e.g. `offline proxy ports outside the permitted ranges (permitted 3128, requested
  // [1081, 8080])`
  std::string message;
  friend bool operator==(const SetupDrift&, const SetupDrift&) = default;
};

// Every reason a full elevated setup must run again before `request` can be served; empty when
// the marker still fits.
std::vector<SetupDrift> setup_refresh_needed(const std::optional<SetupMarker>& marker,
                                             const SetupRequest& request);

// The state of a sandbox home's setup for a request (evaluate_setup_status, setup_status):
//
// | state    | when                                                                   |
// |----------|------------------------------------------------------------------------|
// | missing  | no marker, or no stored secrets: setup never completed                 |
// | outdated | a marker, but setup_refresh_needed() lists reasons (reasons non-empty) |
// | current  | the marker fits the request and the secrets are there                  |
enum class SetupState : std::uint8_t { missing, current, outdated };
std::string_view setup_state_name(SetupState state) noexcept;

struct SetupStatus {
  SetupState state = SetupState::missing;
  std::vector<SetupDrift> reasons;  // empty when current
  friend bool operator==(const SetupStatus&, const SetupStatus&) = default;
};
// {"state":"outdated","reasons":[{"kind":"proxy_ports_changed","message":"…"}]}
std::string setup_status_to_json(const SetupStatus& status);

std::string_view setup_mode_name(SetupMode mode) noexcept;
std::string_view setup_drift_kind_name(SetupDriftKind kind) noexcept;

// JSON codecs. Request (compact; keys in this order):
//   {"version":2,"offline_username":"WinSandboxOffline","online_username":"WinSandboxOnline",
//    "group_name":"WinSandboxUsers","sandbox_home":"C:\\...","workspace_roots":[...],
//    "network_identity":"offline","read_roots":[...],"write_roots":[...],
//    "write_root_sids":["S-1-5-21-..."],"deny_read_paths":[...],"deny_write_paths":[...],
//    "proxy_ports":[8080],"proxy_port_policy":"9000-9100","allow_local_binding":false,
//    "real_user":"alice","mode":"full"}
// Marker (pretty, the file form; keys in this order):
//   {"version":2,"offline_username":…,"online_username":…,"group_name":…,"group_sid":"S-…",
//    "offline_sid":"S-…","online_sid":"S-…","created_at":"…",
//    "permitted_proxy_ports":"8080,9000-9100","allow_local_binding":false,"system":"windows"}
// Port ranges are strings in format_port_ranges syntax ("" for none). Decoding validates every
// field (absolute paths, ports 1–65535, port range syntax, capability SIDs for write_root_sids
// with one per write root, SID syntax for the marker's SIDs, known mode, identity and system
// names, no unknown fields) and throws Error(invalid_argument) naming the JSON path. A request
// whose version is not kSetupVersion is rejected (invalid_argument); a marker of any version
// decodes when its fields are valid (drift detection reports the version).
std::string setup_request_to_json(const SetupRequest& request);
SetupRequest setup_request_from_json(std::string_view json);
std::string setup_marker_to_json(const SetupMarker& marker);
SetupMarker setup_marker_from_json(std::string_view json);

}  // namespace winsandbox
