// The one restricted-token builder (docs/execution.md#restricted-token). Wine 8 implements
// CreateRestrictedToken but enforces nothing, ignores DISABLE_MAX_PRIVILEGE, does not mark the
// token restricted and cannot report restricting SIDs (TokenRestrictedSids:
// ERROR_INVALID_FUNCTION). What Wine does keep (the logon SID, the default DACL,
// SeChangeNotifyPrivilege) is asserted here; the rest skips visibly under Wine and is asserted when
// this binary runs on Windows (windows-smoke).
#include "win/token.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "win_test_support.hpp"

namespace winsandbox::win {
namespace {

const std::vector<std::string> kCapabilities{"S-1-5-21-1-2-3-4", "S-1-5-21-4000000000-5-6-7"};
const std::vector<std::string> kExtras{"S-1-5-21-9-9-9-9"};

SandboxToken make_token() {
  const UniqueHandle base = open_current_process_token();
  return create_restricted_token(
      base.get(), {.capability_sids = kCapabilities, .extra_restricting_sids = kExtras});
}

std::string logon_sid_of_current_process() {
  const UniqueHandle base = open_current_process_token(TOKEN_QUERY);
  const auto logon = find_logon_sid(base.get());
  return logon ? logon->to_string() : std::string();
}

TEST(RestrictedToken, CurrentTokenHasALogonSid) {
  const std::string logon = logon_sid_of_current_process();
  ASSERT_FALSE(logon.empty());
  EXPECT_EQ(logon.rfind("S-1-5-5-", 0), 0u) << logon;  // SECURITY_LOGON_IDS_RID
}

TEST(RestrictedToken, RestrictingSidsAreCapabilitiesExtrasLogonEveryoneInOrder) {
  const SandboxToken token = make_token();
  const auto actual = test::query_restricting_sids(token.get());
  if (!actual) GTEST_SKIP() << test::kWineHasNoRestrictedSidsQuery;
  std::vector<std::string> expected = kCapabilities;
  expected.insert(expected.end(), kExtras.begin(), kExtras.end());
  expected.push_back(logon_sid_of_current_process());
  expected.push_back("S-1-1-0");
  EXPECT_EQ(*actual, expected);
}

TEST(RestrictedToken, DefaultDaclGrantsLogonEveryoneAndCapabilitiesOnly) {
  const SandboxToken token = make_token();
  const auto dacl = get_token_information<TOKEN_DEFAULT_DACL>(token.get(), TokenDefaultDacl);
  ASSERT_NE(dacl->DefaultDacl, nullptr);
  std::vector<std::string> sids;
  for (DWORD i = 0; i < dacl->DefaultDacl->AceCount; ++i) {
    void* ace = nullptr;
    ASSERT_TRUE(GetAce(dacl->DefaultDacl, i, &ace));
    const auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    ASSERT_EQ(allowed->Header.AceType, ACCESS_ALLOWED_ACE_TYPE);
    EXPECT_EQ(allowed->Header.AceFlags, 0);
    EXPECT_EQ(allowed->Mask, static_cast<ACCESS_MASK>(GENERIC_ALL));
    sids.push_back(Sid::copy_of(const_cast<DWORD*>(&allowed->SidStart)).to_string());
  }
  std::vector<std::string> expected{logon_sid_of_current_process(), "S-1-1-0"};
  expected.insert(expected.end(), kCapabilities.begin(), kCapabilities.end());
  EXPECT_EQ(sids, expected);  // the extra SIDs get no default-DACL entry
}

TEST(RestrictedToken, OnlyChangeNotifyPrivilegeRemainsAndIsEnabled) {
  const SandboxToken token = make_token();
  LUID change_notify{};
  ASSERT_TRUE(LookupPrivilegeValueW(nullptr, SE_CHANGE_NOTIFY_NAME, &change_notify));
  const auto privileges = get_token_information<TOKEN_PRIVILEGES>(token.get(), TokenPrivileges);
  bool found = false;
  std::vector<DWORD> others;
  for (DWORD i = 0; i < privileges->PrivilegeCount; ++i) {
    const LUID_AND_ATTRIBUTES& p = privileges->Privileges[i];
    if (p.Luid.LowPart == change_notify.LowPart && p.Luid.HighPart == change_notify.HighPart) {
      found = true;
      EXPECT_NE(p.Attributes & SE_PRIVILEGE_ENABLED, 0u);
    } else {
      others.push_back(p.Luid.LowPart);
    }
  }
  EXPECT_TRUE(found);
  if (!others.empty() && test::running_under_wine()) {
    GTEST_SKIP() << "Wine ignores DISABLE_MAX_PRIVILEGE (" << others.size()
                 << " other privileges kept); checked on Windows (windows-smoke)";
  }
  EXPECT_TRUE(others.empty()) << others.size() << " privileges besides SeChangeNotifyPrivilege";
}

TEST(RestrictedToken, IsARestrictedToken) {
  const SandboxToken token = make_token();
  if (!IsTokenRestricted(token.get()) && test::running_under_wine()) {
    GTEST_SKIP() << "Wine does not mark filtered tokens as restricted; checked on Windows";
  }
  EXPECT_TRUE(IsTokenRestricted(token.get()));
}

TEST(RestrictedToken, RequiresCapabilitySids) {
  const UniqueHandle base = open_current_process_token();
  EXPECT_WS_ERROR(create_restricted_token(base.get(), {}), ErrorCode::invalid_argument,
                  "no capability SIDs provided");
  EXPECT_WS_ERROR(create_restricted_token(base.get(), {.capability_sids = {"S-1-5-21-oops"}}),
                  ErrorCode::invalid_argument, "S-1-5-21-oops");
}

TEST(RestrictedToken, UnrestrictedTokenHasNoRestrictingSids) {
  const UniqueHandle base = open_current_process_token();
  const auto sids = test::query_restricting_sids(base.get());
  if (!sids) GTEST_SKIP() << test::kWineHasNoRestrictedSidsQuery;
  EXPECT_TRUE(sids->empty());
}

}  // namespace
}  // namespace winsandbox::win
