// The parts of the machine the elevated setup changes, behind interfaces: local accounts and
// the group, the account secrets' protection, the Windows Firewall and WFP. The setup logic
// (setup_helper.hpp) only talks to these, so every mode runs against recording fakes in tests
// (fake_setup_system.hpp) and against the real machine in winsandbox-setup.exe
// (docs/setup.md#seams).
//
// The interfaces are thin: they do one Windows operation each and report what they found; every
// decision (which code a failure gets, what is verified, what order) is the setup logic's.
// Failures throw Error(win32_call_failed, "<call>: <what>", <Windows error / HRESULT>).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/setup_plan.hpp"
#include "win/acl_effector.hpp"

namespace winsandbox::win {

// Local users and groups (NetUserAdd/NetUserSetInfo/NetLocalGroupAdd/..., registry).
class LocalAccounts {
public:
  virtual ~LocalAccounts() = default;
  // Creates the local group if missing (an existing one is kept). Returns its SID ("S-1-5-...").
  virtual std::string ensure_group(const std::string& name, const std::string& comment) = 0;
  // Creates the user, or resets the password of an existing one, so that afterwards: a normal
  // user (USER_PRIV_USER), password never expires, account enabled, member of `group` and of
  // no other local group this call added. Returns the user's SID.
  virtual std::string ensure_user(const std::string& name, const std::string& password,
                                  const std::string& group) = 0;
  // Hides the user from the logon screen (Winlogon\SpecialAccounts\UserList value = 0).
  virtual void hide_from_logon_screen(const std::string& name) = 0;
  // The SID of an existing account or group, nullopt if there is none of that name.
  virtual std::optional<std::string> lookup_sid(const std::string& name) = 0;
  // Removes the user, its logon-screen value and its profile directory if one was made.
  // False when there was no such user.
  virtual bool remove_user(const std::string& name) = 0;
  // False when there was no such group.
  virtual bool remove_group(const std::string& name) = 0;
};

// How a secret is protected at rest (docs/setup.md#secrets).
class SecretProtector {
public:
  virtual ~SecretProtector() = default;
  // CryptProtectData, machine scope (the elevated helper may run as another administrator
  // than the real user, whose user-scope keys it cannot reach), CRYPTPROTECT_UI_FORBIDDEN,
  // `entropy` as optional entropy.
  virtual std::vector<std::uint8_t> protect(std::string_view secret, std::string_view entropy) = 0;
  virtual std::string unprotect(const std::vector<std::uint8_t>& blob,
                                std::string_view entropy) = 0;
};

// The result of INetFwPolicy2::get_LocalPolicyModifyState for all profiles.
//
// | state          | HRESULT / NET_FW_MODIFY_STATE        | meaning                             |
// |----------------|--------------------------------------|-------------------------------------|
// | ok             | S_OK, NET_FW_MODIFY_STATE_OK         | local rules take effect             |
// | partial        | S_FALSE                              | not for every profile               |
// | group_policy   | S_OK, NET_FW_MODIFY_STATE_GP_OVERRIDE| group policy overrides local rules  |
// | inbound_blocked| S_OK, ..._INBOUND_BLOCKED            | (only inbound affected; ok for us)  |
// | disabled       | get_FirewallEnabled false for a      | the firewall is off: rules block    |
// |                | profile (checked first)              | nothing                             |
enum class FirewallModifyState : std::uint8_t {
  ok,
  partial,
  group_policy,
  inbound_blocked,
  disabled
};

// A rule as read back from the firewall.
struct FirewallRuleReadBack {
  std::string name;
  std::string remote_addresses;
  std::string remote_ports;
  std::string local_user_authorized_list;
  bool enabled = false;
};

// The Windows Firewall (COM INetFwPolicy2 / INetFwRule3).
class FirewallRules {
public:
  virtual ~FirewallRules() = default;
  virtual FirewallModifyState modify_state() = 0;
  // Creates the rule if no rule of that name exists (every property set before Rules.Add), or
  // re-applies every property to the existing one: direction out, action block, enabled, all
  // profiles, and `local_user_authorized_list` as given.
  virtual void ensure_rule(const FirewallRuleSpec& rule,
                           const std::string& local_user_authorized_list) = 0;
  // The rule of that name as the firewall now holds it, nullopt if there is none.
  virtual std::optional<FirewallRuleReadBack> read_rule(const std::string& name) = 0;
  // False when there was no such rule.
  virtual bool remove_rule(const std::string& name) = 0;
};

// Windows Filtering Platform, our persistent provider and sublayer (kWfpProviderKey,
// kWfpSublayerKey), one transaction per call.
class WfpFilters {
public:
  virtual ~WfpFilters() = default;
  // Adds the provider and sublayer if missing, then each filter (deleted by key first, so a
  // re-run replaces it) for `account_name`. Returns the number of filters installed.
  virtual std::size_t install(const std::vector<WfpFilterSpec>& filters,
                              const std::string& account_name) = 0;
  // Deletes every filter of ours (by key), the sublayer and the provider; returns how many
  // objects it deleted. Missing ones are not an error.
  virtual std::size_t remove_all(const std::vector<WfpFilterSpec>& filters) = 0;
};

// One of each, as the setup logic uses them.
struct SetupSystem {
  std::string name;  // "windows" or "fake" (a marker made by the fake says so)
  std::unique_ptr<LocalAccounts> accounts;
  std::unique_ptr<SecretProtector> secrets;
  std::unique_ptr<FirewallRules> firewall;
  std::unique_ptr<WfpFilters> wfp;
  // The DACLs the setup grants on (Win32FileDaclAccess on the real machine).
  std::unique_ptr<DaclAccess> files;
};

// The real machine (netapi32, crypt32, ole32/oleaut32 + INetFwPolicy2, fwpuclnt).
SetupSystem make_windows_setup_system();

// Selects the recording fake (fake_setup_system.hpp) persisted in the file this variable names;
// tests and Wine only. A setup made by the fake never counts as a real one
// (docs/setup.md#seams).
inline constexpr char kFakeSetupSystemVariable[] = "WINSANDBOX_TEST_SETUP_SYSTEM";
// The fake when kFakeSetupSystemVariable is set, else make_windows_setup_system().
SetupSystem make_setup_system();

}  // namespace winsandbox::win
