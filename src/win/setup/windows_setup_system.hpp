// The real machine behind the setup seams (setup_system.hpp): local accounts (netapi32,
// advapi32, the registry, userenv), DPAPI, the Windows Firewall (COM INetFwPolicy2) and WFP
// (fwpuclnt). Each method does one Windows operation and reports what it found; failures throw
// Error(win32_call_failed, "<call> failed: ...", <Windows error or HRESULT>) (docs/setup.md#seams).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <windows.h>

#include "win/setup/setup_system.hpp"
#include "win/sid.hpp"

namespace winsandbox::win {

// ---- GUIDs ------------------------------------------------------------------------------------

// Parses "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (hex digits of either case; the braces are
// required). Throws Error(invalid_argument) naming the text for anything else.
GUID parse_guid(std::string_view text);
// The lower-case braced form parse_guid reads.
std::string format_guid(const GUID& guid);

// ---- Local accounts ---------------------------------------------------------------------------

// HKLM key whose REG_DWORD value named after a user (0) hides it from the logon screen.
inline constexpr wchar_t kLogonScreenUserListKey[] =
    L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList";

// The user's value under kLogonScreenUserListKey; nullopt when there is none (or it is not a
// REG_DWORD).
std::optional<DWORD> logon_screen_value(const std::string& name);

// The SID of a local account or group (LookupAccountNameW on "<computer>\<name>"; a name that
// already holds a backslash is looked up as given); nullopt when no account has that name.
std::optional<Sid> lookup_local_account(const std::string& name);

// netapi32 + registry + userenv.
//
// | call          | does                                                                      |
// |---------------|---------------------------------------------------------------------------|
// | ensure_group  | NetLocalGroupAdd level 1 (an existing group is kept), then its SID        |
// | ensure_user   | NetUserAdd level 1, USER_PRIV_USER, UF_SCRIPT|UF_DONT_EXPIRE_PASSWD; if   |
// |               | the user exists: refused unless USER_PRIV_USER, then NetUserSetInfo 1003  |
// |               | (password) and 1008 (the flags, so the account is enabled);              |
// |               | NetLocalGroupAddMembers (already a member is fine). A built-in group     |
// |               | (S-1-5-32-...) is refused: the accounts never join a privileged group     |
// | hide_from_... | UserList value = 0                                                        |
// | remove_user   | NetUserDel, the UserList value, DeleteProfileW when ProfileList has the   |
// |               | SID (DeleteProfileW is looked up at run time: Wine's userenv lacks it)    |
// | remove_group  | NetLocalGroupDel                                                          |
class Win32LocalAccounts final : public LocalAccounts {
public:
  std::string ensure_group(const std::string& name, const std::string& comment) override;
  std::string ensure_user(const std::string& name, const std::string& password,
                          const std::string& group) override;
  void hide_from_logon_screen(const std::string& name) override;
  std::optional<std::string> lookup_sid(const std::string& name) override;
  bool remove_user(const std::string& name) override;
  bool remove_group(const std::string& name) override;
};

// ---- Secrets ----------------------------------------------------------------------------------

// CryptProtectData / CryptUnprotectData, CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN,
// the entropy as optional entropy. The plaintext copy DPAPI hands back is wiped before it is
// freed.
class DpapiSecretProtector final : public SecretProtector {
public:
  std::vector<std::uint8_t> protect(std::string_view secret, std::string_view entropy) override;
  std::string unprotect(const std::vector<std::uint8_t>& blob, std::string_view entropy) override;
};

// ---- Firewall ---------------------------------------------------------------------------------

// COM INetFwPolicy2 / INetFwRule3, an apartment-threaded COM scope per call.
class ComFirewallRules final : public FirewallRules {
public:
  FirewallModifyState modify_state() override;
  void ensure_rule(const FirewallRuleSpec& rule,
                   const std::string& local_user_authorized_list) override;
  std::optional<FirewallRuleReadBack> read_rule(const std::string& name) override;
  bool remove_rule(const std::string& name) override;
};

// get_LocalPolicyModifyState's result as a state: S_FALSE -> partial; S_OK with GP_OVERRIDE ->
// group_policy, INBOUND_BLOCKED -> inbound_blocked, OK -> ok. Throws Error(win32_call_failed)
// for a failed HRESULT or an unknown state.
FirewallModifyState firewall_modify_state_of(HRESULT result, long state);

// ---- WFP --------------------------------------------------------------------------------------

// The self-relative security descriptor an ALE_USER_ID condition matches: owner and group
// SYSTEM, one ACE granting FWP_ACTRL_MATCH_FILTER to `account` ("O:SYG:SYD:(A;;CC;;;<sid>)").
std::vector<std::byte> wfp_user_match_descriptor(const Sid& account);

// fwpuclnt: FwpmEngineOpen0 (session "winsandbox setup"), one transaction per call.
class FwpmWfpFilters final : public WfpFilters {
public:
  std::size_t install(const std::vector<WfpFilterSpec>& filters,
                      const std::string& account_name) override;
  std::size_t remove_all(const std::vector<WfpFilterSpec>& filters) override;
};

}  // namespace winsandbox::win
