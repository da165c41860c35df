#include "win/token.hpp"

#include "win/acl_builder.hpp"

namespace winsandbox::win {
namespace {

std::optional<Sid> logon_sid_in_groups(HANDLE token) {
  const auto groups = get_token_information<TOKEN_GROUPS>(token, TokenGroups);
  for (DWORD i = 0; i < groups->GroupCount; ++i) {
    const SID_AND_ATTRIBUTES& group = groups->Groups[i];
    if ((group.Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID) {
      return Sid::copy_of(group.Sid);
    }
  }
  return std::nullopt;
}

void enable_change_notify_privilege(HANDLE token) {
  TOKEN_PRIVILEGES privileges{};
  privileges.PrivilegeCount = 1;
  privileges.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  if (!LookupPrivilegeValueW(nullptr, SE_CHANGE_NOTIFY_NAME, &privileges.Privileges[0].Luid)) {
    throw_last_error("LookupPrivilegeValueW(SeChangeNotifyPrivilege)");
  }
  // AdjustTokenPrivileges "succeeds" with ERROR_NOT_ALL_ASSIGNED when the token lacks the
  // privilege, so the last error decides.
  SetLastError(ERROR_SUCCESS);
  if (!AdjustTokenPrivileges(token, FALSE, &privileges, 0, nullptr, nullptr) ||
      GetLastError() != ERROR_SUCCESS) {
    throw_last_error("AdjustTokenPrivileges(SeChangeNotifyPrivilege)");
  }
}

}  // namespace

UniqueHandle open_current_process_token(DWORD access) {
  UniqueHandle token;
  if (!OpenProcessToken(GetCurrentProcess(), access, token.put())) {
    throw_last_error("OpenProcessToken");
  }
  return token;
}

std::optional<Sid> find_logon_sid(HANDLE token) {
  if (auto sid = logon_sid_in_groups(token)) return sid;
  // A filtered admin token may carry the logon SID only on its linked (elevated) half.
  DWORD size = 0;
  TOKEN_LINKED_TOKEN linked{};
  if (!GetTokenInformation(token, TokenLinkedToken, &linked, sizeof(linked), &size)) {
    return std::nullopt;
  }
  const UniqueHandle linked_token(linked.LinkedToken);
  return logon_sid_in_groups(linked_token.get());
}

Sid token_user_sid(HANDLE token) {
  const auto user = get_token_information<TOKEN_USER>(token, TokenUser);
  return Sid::copy_of(user->User.Sid);
}

bool token_is_elevated(HANDLE token) {
  return get_token_information<TOKEN_ELEVATION>(token, TokenElevation)->TokenIsElevated != 0;
}

SandboxToken create_restricted_token(HANDLE base_token, const RestrictedTokenSpec& spec) {
  if (spec.capability_sids.empty()) {
    throw Error(ErrorCode::invalid_argument, "no capability SIDs provided");
  }
  std::vector<Sid> capabilities;
  for (const auto& text : spec.capability_sids) capabilities.push_back(Sid::parse(text));
  std::vector<Sid> extras;
  for (const auto& text : spec.extra_restricting_sids) extras.push_back(Sid::parse(text));

  const std::optional<Sid> logon = find_logon_sid(base_token);
  if (!logon) {
    throw Error(ErrorCode::win32_call_failed, "Logon SID not present on token");
  }
  const Sid everyone = Sid::everyone();

  std::vector<SID_AND_ATTRIBUTES> restricting;
  for (const Sid& sid : capabilities) restricting.push_back({sid.get(), 0});
  for (const Sid& sid : extras) restricting.push_back({sid.get(), 0});
  restricting.push_back({logon->get(), 0});
  restricting.push_back({everyone.get(), 0});

  UniqueHandle token;
  if (!CreateRestrictedToken(base_token, DISABLE_MAX_PRIVILEGE | LUA_TOKEN | WRITE_RESTRICTED, 0,
                             nullptr, 0, nullptr, static_cast<DWORD>(restricting.size()),
                             restricting.data(), token.put())) {
    throw_last_error("CreateRestrictedToken");
  }

  std::vector<AllowEntry> dacl_entries{{&*logon, GENERIC_ALL}, {&everyone, GENERIC_ALL}};
  for (const Sid& sid : capabilities) dacl_entries.push_back({&sid, GENERIC_ALL});
  auto dacl = make_allow_acl(dacl_entries);
  TOKEN_DEFAULT_DACL default_dacl{dacl.get()};
  if (!SetTokenInformation(token.get(), TokenDefaultDacl, &default_dacl, sizeof(default_dacl))) {
    throw_last_error("SetTokenInformation(TokenDefaultDacl)");
  }

  enable_change_notify_privilege(token.get());
  return SandboxToken(std::move(token));
}

std::vector<std::string> restricting_sids(HANDLE token) {
  const auto groups = get_token_information<TOKEN_GROUPS>(token, TokenRestrictedSids);
  std::vector<std::string> result;
  result.reserve(groups->GroupCount);
  for (DWORD i = 0; i < groups->GroupCount; ++i) {
    result.push_back(Sid::copy_of(groups->Groups[i].Sid).to_string());
  }
  return result;
}

}  // namespace winsandbox::win
