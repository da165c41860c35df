// The real setup seams (src/win/setup/windows_setup_system.hpp) against the machine.
//
// The first tests change nothing on the machine and pass anywhere (GUID text, DPAPI, the
// firewall state mapping, the WFP user condition, read-only account lookups).
// SmokeSetupSystemTest.* (windows-smoke tier, elevated) makes a temporary account, group,
// logon-screen value, firewall rule and WFP filter set with unique names, checks them by reading
// back, and removes everything, failure or not (scope guards). Under Wine the same cycles run as
// far as Wine goes and skip at the first call Wine does not implement, naming it and its error.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

// clang-format off
#include <windows.h>  // first: the headers below need its types
#include <lm.h>
#include <objbase.h>
#include <oleauto.h>
#include <netfw.h>
#include <rpc.h>
#include <sddl.h>
#include <fwpmu.h>
// clang-format on

#include "scratch_dir.hpp"
#include "win/handles.hpp"
#include "win/random.hpp"
#include "win/setup/windows_setup_system.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {
namespace {

using test::running_under_wine;

// Runs `undo` when the scope ends, however it ends; an undo that throws is reported, not
// propagated (a failing test must still clean up the rest).
class ScopeGuard {
public:
  explicit ScopeGuard(std::function<void()> undo) : undo_(std::move(undo)) {}
  ~ScopeGuard() {
    try {
      undo_();
    } catch (const std::exception& error) {
      ADD_FAILURE() << "cleanup failed: " << error.what();
    }
  }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

private:
  std::function<void()> undo_;
};

// Local account names are at most 20 characters.
std::string unique_name(const char* prefix) {
  return prefix + random_hex(4);
}

std::string random_guid_text() {
  GUID guid{};
  fill_random(std::as_writable_bytes(std::span(&guid, 1)));
  return format_guid(guid);
}

// What a call threw, for a skip message under Wine.
template <typename F>
std::optional<Error> error_of(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}

// ---- GUID text --------------------------------------------------------------------------------

TEST(SetupGuid, ParsesTheBracedFormIntoItsFields) {
  const GUID guid = parse_guid("{c38d57d1-05a7-4c33-904f-7fbceee60e82}");
  EXPECT_EQ(guid.Data1, 0xc38d57d1UL);
  EXPECT_EQ(guid.Data2, 0x05a7);
  EXPECT_EQ(guid.Data3, 0x4c33);
  const unsigned char tail[8] = {0x90, 0x4f, 0x7f, 0xbc, 0xee, 0xe6, 0x0e, 0x82};
  EXPECT_TRUE(std::equal(std::begin(tail), std::end(tail), guid.Data4));
}

TEST(SetupGuid, UpperCaseParsesToTheSameGuidAndFormatsLowerCase) {
  const GUID guid = parse_guid("{C38D57D1-05A7-4C33-904F-7FBCEEE60E82}");
  EXPECT_EQ(format_guid(guid), "{c38d57d1-05a7-4c33-904f-7fbceee60e82}");
}

TEST(SetupGuid, OurProviderAndSublayerKeysRoundTrip) {
  EXPECT_EQ(format_guid(parse_guid(kWfpProviderKey)), kWfpProviderKey);
  EXPECT_EQ(format_guid(parse_guid(kWfpSublayerKey)), kWfpSublayerKey);
}

TEST(SetupGuid, AgreesWithTheSystemParser) {
  const std::string text = random_guid_text();
  GUID system{};
  ASSERT_EQ(CLSIDFromString(to_wide(text).c_str(), &system), NOERROR) << text;
  EXPECT_TRUE(IsEqualGUID(system, parse_guid(text))) << text;
}

TEST(SetupGuid, RejectsEverythingElse) {
  for (const char* bad :
       {"", "c38d57d1-05a7-4c33-904f-7fbceee60e82", "{c38d57d1-05a7-4c33-904f-7fbceee60e8}",
        "{c38d57d1-05a7-4c33-904f-7fbceee60e822}", "{c38d57d1-05a7-4c33-904f+7fbceee60e82}",
        "{c38d57d1005a7-4c33-904f-7fbceee60e82}", "{g38d57d1-05a7-4c33-904f-7fbceee60e82}",
        "(c38d57d1-05a7-4c33-904f-7fbceee60e82)", "{c38d57d1-05a7-4c33-904f-7fbceee60e82 "}) {
    const std::optional<Error> error = error_of([&] { parse_guid(bad); });
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->code(), ErrorCode::invalid_argument) << bad;
    EXPECT_NE(std::string(error->what()).find(bad), std::string::npos) << error->what();
  }
}

// ---- DPAPI ------------------------------------------------------------------------------------

TEST(DpapiSecretProtector, RoundTripsWithTheSameEntropy) {
  DpapiSecretProtector dpapi;
  const std::string secret = "p@ss-\xc3\xa9-" + random_hex(12);
  const std::vector<std::uint8_t> blob = dpapi.protect(secret, "sandbox_users.json");
  ASSERT_FALSE(blob.empty());
  // The blob is not the secret in the clear.
  const std::string blob_text(blob.begin(), blob.end());
  EXPECT_EQ(blob_text.find(secret), std::string::npos);
  EXPECT_EQ(dpapi.unprotect(blob, "sandbox_users.json"), secret);
}

TEST(DpapiSecretProtector, RoundTripsWithoutEntropyAndAnEmptySecret) {
  DpapiSecretProtector dpapi;
  EXPECT_EQ(dpapi.unprotect(dpapi.protect("abc", ""), ""), "abc");
  EXPECT_EQ(dpapi.unprotect(dpapi.protect("", "e"), "e"), "");
}

TEST(DpapiSecretProtector, WrongEntropyFailsWithTheWindowsError) {
  DpapiSecretProtector dpapi;
  const std::vector<std::uint8_t> blob = dpapi.protect("secret", "right");
  const std::optional<Error> error = error_of([&] { dpapi.unprotect(blob, "wrong"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), ErrorCode::win32_call_failed);
  EXPECT_TRUE(std::string(error->what()).starts_with("CryptUnprotectData failed: "))
      << error->what();
  ASSERT_TRUE(error->win32_error().has_value());
  EXPECT_NE(*error->win32_error(), 0u);
}

TEST(DpapiSecretProtector, ATamperedOrTruncatedBlobFails) {
  DpapiSecretProtector dpapi;
  const std::vector<std::uint8_t> blob = dpapi.protect("secret", "e");
  std::vector<std::uint8_t> tampered = blob;
  tampered.back() ^= 0x5a;  // the blob ends with its signature
  const std::optional<Error> tampered_error = error_of([&] { dpapi.unprotect(tampered, "e"); });
  ASSERT_TRUE(tampered_error.has_value());
  EXPECT_EQ(tampered_error->code(), ErrorCode::win32_call_failed);
  std::vector<std::uint8_t> truncated(blob.begin(), blob.begin() + blob.size() / 2);
  const std::optional<Error> truncated_error = error_of([&] { dpapi.unprotect(truncated, "e"); });
  ASSERT_TRUE(truncated_error.has_value());
  EXPECT_EQ(truncated_error->code(), ErrorCode::win32_call_failed);
}

// ---- Firewall state mapping and the WFP user condition (pure) ----------------------------------

TEST(FirewallModifyStateOf, MapsTheHresultAndTheState) {
  EXPECT_EQ(firewall_modify_state_of(S_OK, NET_FW_MODIFY_STATE_OK), FirewallModifyState::ok);
  EXPECT_EQ(firewall_modify_state_of(S_FALSE, NET_FW_MODIFY_STATE_OK),
            FirewallModifyState::partial);
  EXPECT_EQ(firewall_modify_state_of(S_OK, NET_FW_MODIFY_STATE_GP_OVERRIDE),
            FirewallModifyState::group_policy);
  EXPECT_EQ(firewall_modify_state_of(S_OK, NET_FW_MODIFY_STATE_INBOUND_BLOCKED),
            FirewallModifyState::inbound_blocked);
}

TEST(FirewallModifyStateOf, AFailedCallOrAnUnknownStateThrows) {
  const std::optional<Error> failed =
      error_of([] { firewall_modify_state_of(E_ACCESSDENIED, NET_FW_MODIFY_STATE_OK); });
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->code(), ErrorCode::win32_call_failed);
  EXPECT_EQ(failed->win32_error(), static_cast<std::uint32_t>(E_ACCESSDENIED));
  EXPECT_NE(std::string(failed->what()).find("get_LocalPolicyModifyState"), std::string::npos);
  EXPECT_TRUE(error_of([] { firewall_modify_state_of(S_OK, 7); }).has_value());
}

TEST(WfpUserMatchDescriptor, GrantsMatchFilterToTheAccountOnly) {
  const Sid account = Sid::parse("S-1-5-21-1-2-3-1001");
  std::vector<std::byte> descriptor = wfp_user_match_descriptor(account);
  ASSERT_TRUE(IsValidSecurityDescriptor(descriptor.data()));
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  ASSERT_TRUE(GetSecurityDescriptorControl(descriptor.data(), &control, &revision));
  EXPECT_TRUE(control & SE_SELF_RELATIVE);  // FWP_BYTE_BLOB carries it as bytes
  EXPECT_EQ(GetSecurityDescriptorLength(descriptor.data()), descriptor.size());
  UniqueLocalPtr<LPWSTR> sddl;
  ASSERT_TRUE(ConvertSecurityDescriptorToStringSecurityDescriptorW(
      descriptor.data(), SDDL_REVISION_1,
      OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
      sddl.put(), nullptr));
  EXPECT_EQ(to_utf8(sddl.get()), "O:SYG:SYD:(A;;CC;;;S-1-5-21-1-2-3-1001)");
  // CC is FWP_ACTRL_MATCH_FILTER.
  static_assert(FWP_ACTRL_MATCH_FILTER == 0x1);
}

// ---- The factory ------------------------------------------------------------------------------

TEST(MakeWindowsSetupSystem, HasEverySeamAndRealFiles) {
  const SetupSystem system = make_windows_setup_system();
  EXPECT_EQ(system.name, "windows");
  EXPECT_NE(dynamic_cast<Win32LocalAccounts*>(system.accounts.get()), nullptr);
  EXPECT_NE(dynamic_cast<DpapiSecretProtector*>(system.secrets.get()), nullptr);
  EXPECT_NE(dynamic_cast<ComFirewallRules*>(system.firewall.get()), nullptr);
  EXPECT_NE(dynamic_cast<FwpmWfpFilters*>(system.wfp.get()), nullptr);
  ASSERT_NE(dynamic_cast<Win32FileDaclAccess*>(system.files.get()), nullptr);
  testing::ScratchDir scratch;
  EXPECT_TRUE(system.files->exists(test::win_path_of(scratch.path())));
  EXPECT_FALSE(system.files->exists(test::win_path_of(scratch.path() / "missing")));
}

std::vector<WfpFilterSpec> test_filters() {
  WfpFilterSpec dns;
  dns.key = random_guid_text();
  dns.name = "winsandbox_test_dns_53_v4";
  dns.description = "winsandbox test filter";
  dns.layer = WfpLayer::ale_auth_connect_v4;
  dns.remote_port = 53;
  WfpFilterSpec icmp;
  icmp.key = random_guid_text();
  icmp.name = "winsandbox_test_icmp_assign_v6";
  icmp.description = "winsandbox test filter";
  icmp.layer = WfpLayer::ale_resource_assignment_v6;
  icmp.protocol = 58;
  return {dns, icmp};
}

// ---- Read-only account checks (no elevation needed) --------------------------------------------

TEST(Win32LocalAccounts, AnAccountThatDoesNotExistHasNoSid) {
  Win32LocalAccounts accounts;
  EXPECT_EQ(accounts.lookup_sid(unique_name("wsbnone")), std::nullopt);
  EXPECT_EQ(lookup_local_account(unique_name("wsbnone")), std::nullopt);
}

// "BUILTIN\\Administrators" as this system spells it (the names are localized).
std::string administrators_name() {
  const Sid sid = Sid::parse("S-1-5-32-544");
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_length = 256;
  DWORD domain_length = 256;
  SID_NAME_USE use = SidTypeUnknown;
  if (!LookupAccountSidW(nullptr, sid.get(), name, &name_length, domain, &domain_length, &use)) {
    throw Error(ErrorCode::win32_call_failed, "LookupAccountSidW failed", GetLastError());
  }
  return to_utf8(domain) + "\\" + to_utf8(name);
}

TEST(Win32LocalAccounts, LooksUpAQualifiedBuiltInGroup) {
  EXPECT_EQ(Win32LocalAccounts().lookup_sid(administrators_name()),
            std::optional<std::string>("S-1-5-32-544"));
}

TEST(Win32LocalAccounts, RefusesABuiltInGroupBeforeCreatingAnything) {
  Win32LocalAccounts accounts;
  const std::string user = unique_name("wsbadm");
  ScopeGuard cleanup([&] {
    if (accounts.lookup_sid(user)) accounts.remove_user(user);
  });
  const std::optional<Error> error =
      error_of([&] { accounts.ensure_user(user, "Aa1!" + random_hex(10), administrators_name()); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), ErrorCode::win32_call_failed);
  EXPECT_NE(std::string(error->what()).find("(S-1-5-32-544) is a built-in group"),
            std::string::npos)
      << error->what();
  EXPECT_EQ(accounts.lookup_sid(user), std::nullopt);
}

// What Wine 8 answers was observed: its hnetcfg makes NetFwPolicy2 and the Rules collection but
// answers E_NOTIMPL for get_LocalPolicyModifyState and INetFwRules::Item.
TEST(ComFirewallRules, ReadsThePolicyOrReportsWhatWineLacks) {
  ComFirewallRules firewall;
  const std::string name = "winsandbox_test_" + random_hex(6);
  if (running_under_wine()) {
    const std::optional<Error> state = error_of([&] { firewall.modify_state(); });
    ASSERT_TRUE(state.has_value()) << "Wine now answers the firewall state";
    EXPECT_EQ(state->win32_error(), std::optional<std::uint32_t>(E_NOTIMPL)) << state->what();
    const std::string what = state->what();
    EXPECT_TRUE(what.find("get_FirewallEnabled") != std::string::npos ||
                what.find("get_LocalPolicyModifyState") != std::string::npos)
        << what;
    const std::optional<Error> read = error_of([&] { firewall.read_rule(name); });
    ASSERT_TRUE(read.has_value()) << "Wine now answers INetFwRules::Item";
    EXPECT_EQ(read->win32_error(), std::optional<std::uint32_t>(E_NOTIMPL)) << read->what();
    EXPECT_NE(std::string(read->what()).find("INetFwRules::Item(" + name + ")"), std::string::npos);
    return;
  }
  // Reading needs no elevation: the policy answers, and no rule has a fresh random name.
  const FirewallModifyState state = firewall.modify_state();
  EXPECT_TRUE(state == FirewallModifyState::ok || state == FirewallModifyState::partial ||
              state == FirewallModifyState::group_policy ||
              state == FirewallModifyState::inbound_blocked ||
              state == FirewallModifyState::disabled);
  EXPECT_EQ(firewall.read_rule(name), std::nullopt);
}

// Wine 8's fwpuclnt has no filtering engine: FwpmEngineOpen0 answers RPC_S_CANNOT_SUPPORT.
TEST(FwpmWfpFilters, TheEngineOpensOrWineSaysItCannot) {
  if (running_under_wine()) {
    wchar_t user[256];
    DWORD length = 256;
    ASSERT_TRUE(GetUserNameW(user, &length));
    const std::optional<Error> error =
        error_of([&] { FwpmWfpFilters().install(test_filters(), to_utf8(user)); });
    ASSERT_TRUE(error.has_value()) << "Wine now has a filtering engine";
    EXPECT_EQ(error->win32_error(), std::optional<std::uint32_t>(RPC_S_CANNOT_SUPPORT))
        << error->what();
    EXPECT_TRUE(std::string(error->what()).starts_with("FwpmEngineOpen0 failed: 1764"))
        << error->what();
    return;
  }
  // Opening a session needs no elevation (adding filters does: windows-smoke).
  FWPM_SESSION0 session{};
  HANDLE engine = nullptr;
  ASSERT_EQ(FwpmEngineOpen0(nullptr, RPC_C_AUTHN_DEFAULT, nullptr, &session, &engine),
            static_cast<DWORD>(ERROR_SUCCESS));
  FwpmEngineClose0(engine);
}

TEST(FwpmWfpFilters, AnUnknownAccountIsRefusedBeforeTheEngineIsOpened) {
  FwpmWfpFilters wfp;
  const std::optional<Error> error =
      error_of([&] { wfp.install(test_filters(), unique_name("wsbnone")); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), ErrorCode::win32_call_failed);
  EXPECT_EQ(error->win32_error(), std::optional<std::uint32_t>(ERROR_NONE_MAPPED));
}

// ---- windows-smoke: the machine, elevated ------------------------------------------------------
//
// Each test runs its whole cycle. On Windows (elevated, windows-smoke) a failure is a failure.
// Under Wine (the wine.win.needs_windows entry) the cycle runs as far as Wine goes: a wrong
// result is still a failure, and the first call Wine does not implement ends the test with a skip
// that names the call and its error.

#define WINSANDBOX_RUN_CYCLE(...)                                         \
  do {                                                                    \
    if (!running_under_wine()) {                                          \
      __VA_ARGS__;                                                        \
      break;                                                              \
    }                                                                     \
    const std::optional<Error> wine_gap = error_of([&] { __VA_ARGS__; }); \
    if (wine_gap) GTEST_SKIP() << "under Wine: " << wine_gap->what();     \
  } while (false)

// The members of a local group, as SID strings (NetLocalGroupGetMembers level 0).
std::vector<std::string> group_member_sids(const std::string& group) {
  LPBYTE buffer = nullptr;
  DWORD read = 0;
  DWORD total = 0;
  const NET_API_STATUS status = NetLocalGroupGetMembers(
      nullptr, to_wide(group).c_str(), 0, &buffer, MAX_PREFERRED_LENGTH, &read, &total, nullptr);
  std::vector<std::string> sids;
  if (status == NERR_Success) {
    const auto* members = reinterpret_cast<const LOCALGROUP_MEMBERS_INFO_0*>(buffer);
    for (DWORD i = 0; i < read; ++i) {
      sids.push_back(Sid::copy_of(members[i].lgrmi0_sid).to_string());
    }
  }
  if (buffer != nullptr) NetApiBufferFree(buffer);
  if (status != NERR_Success) {
    throw Error(ErrorCode::win32_call_failed, "NetLocalGroupGetMembers failed", status);
  }
  return sids;
}

struct UserInfo {
  DWORD privilege = 0;
  DWORD flags = 0;
};
UserInfo user_info(const std::string& name) {
  LPBYTE buffer = nullptr;
  const NET_API_STATUS status = NetUserGetInfo(nullptr, to_wide(name).c_str(), 1, &buffer);
  if (status != NERR_Success) {
    if (buffer != nullptr) NetApiBufferFree(buffer);
    throw Error(ErrorCode::win32_call_failed, "NetUserGetInfo failed", status);
  }
  const auto* info = reinterpret_cast<const USER_INFO_1*>(buffer);
  const UserInfo result{info->usri1_priv, info->usri1_flags};
  NetApiBufferFree(buffer);
  return result;
}

void logon_screen_cycle() {
  Win32LocalAccounts accounts;
  const std::string name = unique_name("wsbhide");
  ScopeGuard cleanup([&] { accounts.remove_user(name); });
  ASSERT_EQ(logon_screen_value(name), std::nullopt);
  accounts.hide_from_logon_screen(name);
  EXPECT_EQ(logon_screen_value(name), std::optional<DWORD>(0));
  accounts.hide_from_logon_screen(name);  // again: same value, no error
  EXPECT_EQ(logon_screen_value(name), std::optional<DWORD>(0));
  // No such user: remove_user says so, and still deletes the value.
  EXPECT_FALSE(accounts.remove_user(name));
  EXPECT_EQ(logon_screen_value(name), std::nullopt);
}

void check_user(const std::string& user, const std::string& user_sid, const std::string& group) {
  const UserInfo info = user_info(user);
  EXPECT_EQ(info.privilege, static_cast<DWORD>(USER_PRIV_USER));
  EXPECT_TRUE(info.flags & UF_DONT_EXPIRE_PASSWD) << info.flags;
  EXPECT_FALSE(info.flags & UF_ACCOUNTDISABLE) << info.flags;
  const std::vector<std::string> members = group_member_sids(group);
  EXPECT_NE(std::find(members.begin(), members.end(), user_sid), members.end());
}

void accounts_cycle() {
  Win32LocalAccounts accounts;
  const std::string group = unique_name("wsbgrp");
  const std::string user = unique_name("wsbusr");
  ScopeGuard cleanup([&] {
    accounts.remove_user(user);
    accounts.remove_group(group);
  });
  ASSERT_EQ(accounts.lookup_sid(group), std::nullopt);
  ASSERT_EQ(accounts.lookup_sid(user), std::nullopt);

  const std::string group_sid = accounts.ensure_group(group, "winsandbox test group");
  EXPECT_TRUE(group_sid.starts_with("S-1-5-")) << group_sid;
  EXPECT_EQ(accounts.ensure_group(group, "winsandbox test group"), group_sid);  // kept
  EXPECT_EQ(accounts.lookup_sid(group), group_sid);

  const std::string user_sid = accounts.ensure_user(user, "Aa1!" + random_hex(10), group);
  EXPECT_TRUE(user_sid.starts_with("S-1-5-")) << user_sid;
  EXPECT_NE(user_sid, group_sid);
  EXPECT_EQ(accounts.lookup_sid(user), user_sid);
  check_user(user, user_sid, group);

  // Again, with a new password: the same account, reset in place, still a member.
  EXPECT_EQ(accounts.ensure_user(user, "Bb2@" + random_hex(10), group), user_sid);
  check_user(user, user_sid, group);

  accounts.hide_from_logon_screen(user);
  EXPECT_EQ(logon_screen_value(user), std::optional<DWORD>(0));

  EXPECT_TRUE(accounts.remove_user(user));
  EXPECT_EQ(accounts.lookup_sid(user), std::nullopt);
  EXPECT_EQ(logon_screen_value(user), std::nullopt);
  EXPECT_FALSE(accounts.remove_user(user));
  EXPECT_TRUE(accounts.remove_group(group));
  EXPECT_EQ(accounts.lookup_sid(group), std::nullopt);
  EXPECT_FALSE(accounts.remove_group(group));
}

FirewallRuleSpec test_rule(const std::string& name, FirewallProtocol protocol,
                           const std::string& ports) {
  FirewallRuleSpec spec;
  spec.name = name;
  spec.description = "winsandbox test rule";
  spec.protocol = protocol;
  spec.remote_addresses = "127.0.0.0/8";
  spec.remote_ports = ports;
  return spec;
}

// Create, read back, re-apply in place, remove; for the account `sid`.
void firewall_cycle(const std::string& sid) {
  ComFirewallRules firewall;
  // The rule store works whatever the state (group policy decides only whether rules apply).
  firewall.modify_state();
  const std::string name = "winsandbox_test_" + random_hex(6);
  ScopeGuard cleanup([&] { firewall.remove_rule(name); });
  const std::string authorized = "O:LSD:(A;;CC;;;" + sid + ")";
  ASSERT_EQ(firewall.read_rule(name), std::nullopt);
  firewall.ensure_rule(test_rule(name, FirewallProtocol::tcp, "1-8079,8081-65535"), authorized);
  std::optional<FirewallRuleReadBack> read = firewall.read_rule(name);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->name, name);
  EXPECT_EQ(read->remote_ports, "1-8079,8081-65535");
  EXPECT_NE(read->remote_addresses.find("127.0.0.0"), std::string::npos) << read->remote_addresses;
  EXPECT_NE(read->local_user_authorized_list.find(sid), std::string::npos)
      << read->local_user_authorized_list;
  EXPECT_TRUE(read->enabled);
  // Re-applied in place: other ports, still the one rule of that name.
  firewall.ensure_rule(test_rule(name, FirewallProtocol::tcp, "1-65535"), authorized);
  read = firewall.read_rule(name);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->remote_ports, "1-65535");
  // And to any protocol, which has no ports.
  firewall.ensure_rule(test_rule(name, FirewallProtocol::any, "*"), authorized);
  read = firewall.read_rule(name);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->remote_ports, "*");
  EXPECT_TRUE(firewall.remove_rule(name));
  EXPECT_EQ(firewall.read_rule(name), std::nullopt);
  EXPECT_FALSE(firewall.remove_rule(name));
}

// FwpmFilterGetByKey0: the layer of the filter of that key, nullopt when there is none.
std::optional<GUID> filter_layer(const std::string& key) {
  FWPM_SESSION0 session{};
  HANDLE engine = nullptr;
  const DWORD opened = FwpmEngineOpen0(nullptr, RPC_C_AUTHN_DEFAULT, nullptr, &session, &engine);
  if (opened != ERROR_SUCCESS) {
    throw Error(ErrorCode::win32_call_failed, "FwpmEngineOpen0 failed", opened);
  }
  const GUID guid = parse_guid(key);
  FWPM_FILTER0* filter = nullptr;
  const DWORD result = FwpmFilterGetByKey0(engine, &guid, &filter);
  std::optional<GUID> layer;
  if (result == ERROR_SUCCESS && filter != nullptr) layer = filter->layerKey;
  if (filter != nullptr) FwpmFreeMemory0(reinterpret_cast<void**>(&filter));
  FwpmEngineClose0(engine);
  if (result != ERROR_SUCCESS && result != static_cast<DWORD>(FWP_E_FILTER_NOT_FOUND)) {
    throw Error(ErrorCode::win32_call_failed, "FwpmFilterGetByKey0 failed", result);
  }
  return layer;
}

void wfp_cycle(const std::string& account) {
  FwpmWfpFilters wfp;
  const std::vector<WfpFilterSpec> filters = test_filters();
  // One transaction per call: an install that throws leaves nothing behind to clean up.
  EXPECT_EQ(wfp.install(filters, account), filters.size());
  ScopeGuard cleanup([&] { wfp.remove_all(filters); });
  // Again: each filter replaced by key, not duplicated.
  EXPECT_EQ(wfp.install(filters, account), filters.size());
  const std::optional<GUID> dns_layer = filter_layer(filters[0].key);
  ASSERT_TRUE(dns_layer.has_value());
  EXPECT_EQ(format_guid(*dns_layer), "{c38d57d1-05a7-4c33-904f-7fbceee60e82}");  // connect v4
  const std::optional<GUID> icmp_layer = filter_layer(filters[1].key);
  ASSERT_TRUE(icmp_layer.has_value());
  EXPECT_EQ(format_guid(*icmp_layer), "{55a650e1-5f0a-4eca-a653-88f53b26aa8c}");  // assign v6
  EXPECT_EQ(wfp.remove_all(filters), filters.size() + 2);  // + sublayer and provider
  EXPECT_EQ(filter_layer(filters[0].key), std::nullopt);
  EXPECT_EQ(filter_layer(filters[1].key), std::nullopt);
  EXPECT_EQ(wfp.remove_all(filters), 0u);  // nothing left: not an error
}

// A temporary group and member for the firewall and WFP cycles; removed with the object.
class TemporaryAccount {
public:
  TemporaryAccount() : group_(unique_name("wsbgrp")), user_(unique_name("wsbtmp")) {
    accounts_.ensure_group(group_, "winsandbox smoke group");
    try {
      sid_ = accounts_.ensure_user(user_, "Aa1!" + random_hex(10), group_);
    } catch (...) {
      accounts_.remove_group(group_);
      throw;
    }
  }
  ~TemporaryAccount() {
    try {
      accounts_.remove_user(user_);
      accounts_.remove_group(group_);
    } catch (const std::exception& error) {
      ADD_FAILURE() << "cleanup failed: " << error.what();
    }
  }
  TemporaryAccount(const TemporaryAccount&) = delete;
  TemporaryAccount& operator=(const TemporaryAccount&) = delete;
  const std::string& name() const { return user_; }
  const std::string& sid() const { return sid_; }

private:
  Win32LocalAccounts accounts_;
  std::string group_;
  std::string user_;
  std::string sid_;
};

TEST(SmokeSetupSystemTest, LogonScreenValueIsWrittenAndRemoved) {
  WINSANDBOX_RUN_CYCLE(logon_screen_cycle());
}

// Wine 8 (observed): NetLocalGroupAdd and NetUserAdd answer NERR_Success without making an
// account LookupAccountNameW can find (NetUserAdd even twice for one name), NetLocalGroupDel
// answers success for any name, and NetUserSetInfo is an unimplemented stub that aborts the
// process: the cycle stops at the group lookup, before any password reset.
TEST(SmokeSetupSystemTest, AccountsAreCreatedResetAndRemoved) {
  WINSANDBOX_RUN_CYCLE(accounts_cycle());
}

// Under Wine the firewall and WFP cycles run for this process's own user, so that they get as
// far as Wine goes even where Wine cannot make a temporary account.
std::string current_user_name() {
  wchar_t user[256];
  DWORD length = 256;
  if (!GetUserNameW(user, &length)) throw Error(ErrorCode::win32_call_failed, "GetUserNameW");
  return to_utf8(user);
}

TEST(SmokeSetupSystemTest, FirewallRulesAreCreatedReadBackAndRemoved) {
  if (running_under_wine()) {
    WINSANDBOX_RUN_CYCLE(firewall_cycle(lookup_local_account(current_user_name())->to_string()));
    return;
  }
  const TemporaryAccount account;
  firewall_cycle(account.sid());
}

TEST(SmokeSetupSystemTest, WfpFiltersAreInstalledReadBackAndRemoved) {
  if (running_under_wine()) {
    WINSANDBOX_RUN_CYCLE(wfp_cycle(current_user_name()));
    return;
  }
  const TemporaryAccount account;
  wfp_cycle(account.name());
}

}  // namespace
}  // namespace winsandbox::win
