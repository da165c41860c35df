// The elevated setup as an API (docs/setup.md): its status for a setup request, a run in one
// mode (what `winsandbox setup` does), and the dry-run plan. The elevated entry points
// (elevated.hpp) run the setup themselves when a command needs it; these are for hosts that
// want to set up ahead of time (no UAC prompt in the middle of an agent's work), show the
// status, or remove everything.
//
// The request (include/winsandbox/setup_request.hpp) says what to provision: build it with
// build_setup_request or the elevated spawn context for a profile, or use
// provision_only_setup_request for the accounts and firewall alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/setup_request.hpp"

namespace winsandbox {

// The modes a caller runs (the refresh is internal: the elevated entry points do it).
//
// | mode           | what winsandbox-setup.exe does                                         |
// |----------------|-------------------------------------------------------------------------|
// | full           | accounts, secrets, firewall, WFP, the request's ACL grants; marker last |
// | repair         | the same, every recorded ACE re-written, new passwords                  |
// | provision_only | accounts, secrets, firewall, WFP; no ACL grants                         |
// | uninstall      | removes accounts, group, rules, filters, recorded ACEs, marker, secrets |
enum class SetupRunMode { full, repair, provision_only, uninstall };

// "full", "repair", "provision-only", "uninstall".
std::string setup_run_mode_name(SetupRunMode mode) noexcept;

// The request for the accounts and firewall alone (no roots): mode provision_only, the offline
// identity, `real_user` (empty: "Administrators"), `proxy_port_policy` permitted.
SetupRequest provision_only_setup_request(const WinPath& sandbox_home, std::string real_user,
                                          std::vector<PortRange> proxy_port_policy = {});

// Parses a proxy port policy, "8080,9000-9100" (spaces around items allowed), into normalized
// ranges; Error(invalid_argument) naming the bad item (0, > 65535, first > last, empty item).
std::vector<PortRange> parse_proxy_port_policy(std::string_view text);

// The status of request.sandbox_home's setup for `request` (its mode does not matter): the
// marker (one the test fake wrote counts as missing unless the fake is selected) and the
// secrets file. Windows only: Error(unsupported_platform) elsewhere.
SetupStatus setup_status(const SetupRequest& request);

// The same from data, everywhere: the marker file's text (nullopt: no marker) and whether the
// secrets file exists. A marker that does not decode counts as missing.
SetupStatus setup_status_of(const std::optional<std::string>& marker_json, bool secrets_present,
                            const SetupRequest& request);

struct SetupRunOptions {
  SetupRunMode mode = SetupRunMode::full;
  // False: Error(setup_required) instead of a UAC prompt (an elevated caller, or
  // WINSANDBOX_TEST_SETUP_LAUNCH=direct, needs none).
  bool allow_prompt = true;
};

// Runs winsandbox-setup.exe (next to this executable) once in `options.mode` for `request` and
// waits for it; at most one run per sandbox home at a time. Errors: setup_required (prompting
// forbidden), setup_canceled (UAC declined), setup_failed ("<setup error code> (stage <stage>):
// <message>" with the helper's Windows error). Windows only: Error(unsupported_platform)
// elsewhere.
void run_setup(const SetupRequest& request, const SetupRunOptions& options = {});

// What a run of `mode` would make, as JSON (every account, firewall rule and removal, WFP filter
// and ACE; docs/setup.md#dry-run). `group_sid`: the sandbox group's SID when known (nullopt:
// the ACEs name it by a placeholder, and "group_sid" is null). Portable; writes nothing.
std::string setup_plan_json(const SetupRequest& request, SetupRunMode mode,
                            const std::optional<std::string>& group_sid = std::nullopt);

// The group SID a dry run of request.sandbox_home can name: the marker's (the setup made the
// group), nullopt when there is no marker. Windows only; nullopt elsewhere.
std::optional<std::string> known_setup_group_sid(const WinPath& sandbox_home);

}  // namespace winsandbox
