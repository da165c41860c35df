// Win32LocalAccounts (windows_setup_system.hpp): netapi32, LookupAccountNameW, the registry and
// userenv, one operation per call (docs/setup.md#seams).
#include <string>
#include <utility>

// clang-format off
#include <windows.h>  // first: lm.h needs its types
#include <lm.h>
// clang-format on

#include "win/handles.hpp"
#include "win/setup/windows_setup_system.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {

namespace {

// Buffers netapi32 allocates (NetUserGetInfo, ...).
struct NetApiBufferTraits {
  using pointer = LPBYTE;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer p) noexcept { return p != nullptr; }
  static void close(pointer p) noexcept { ::NetApiBufferFree(p); }
};
using UniqueNetApiBuffer = UniqueResource<NetApiBufferTraits>;

// A UTF-16 copy of a password, wiped before its memory is released.
class WipedWideString {
public:
  explicit WipedWideString(std::string_view utf8) : value_(to_wide(utf8)) {}
  ~WipedWideString() { ::SecureZeroMemory(value_.data(), value_.size() * sizeof(wchar_t)); }
  WipedWideString(const WipedWideString&) = delete;
  WipedWideString& operator=(const WipedWideString&) = delete;
  wchar_t* data() noexcept { return value_.data(); }

private:
  std::wstring value_;
};

std::string quoted(std::string_view call, const std::string& name) {
  return std::string(call) + "(" + name + ")";
}

constexpr wchar_t kProfileListKey[] =
    L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\";

bool registry_key_exists(const std::wstring& path) {
  UniqueRegistryKey key;
  const LSTATUS status =
      ::RegOpenKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, KEY_READ | KEY_WOW64_64KEY, key.put());
  if (status == ERROR_FILE_NOT_FOUND) return false;
  if (status != ERROR_SUCCESS) {
    throw win32_error("RegOpenKeyExW(HKLM\\" + to_utf8(path) + ")", static_cast<DWORD>(status));
  }
  return true;
}

// Deletes the user's logon-screen value; a missing key or value is not an error.
void delete_logon_screen_value(const std::string& name) {
  UniqueRegistryKey key;
  LSTATUS status = ::RegOpenKeyExW(HKEY_LOCAL_MACHINE, kLogonScreenUserListKey, 0,
                                   KEY_SET_VALUE | KEY_WOW64_64KEY, key.put());
  if (status == ERROR_FILE_NOT_FOUND) return;
  if (status != ERROR_SUCCESS) {
    throw win32_error("RegOpenKeyExW(Winlogon\\SpecialAccounts\\UserList)",
                      static_cast<DWORD>(status));
  }
  status = ::RegDeleteValueW(key.get(), to_wide(name).c_str());
  if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) {
    throw win32_error(quoted("RegDeleteValueW", name), static_cast<DWORD>(status));
  }
}

// DeleteProfileW, found at run time: userenv exports it on Windows, Wine's does not, and a
// static import would keep every binary of the library from loading there.
void delete_profile(const std::string& sid) {
  using DeleteProfileFunction = BOOL(WINAPI*)(LPCWSTR, LPCWSTR, LPCWSTR);
  UniqueLibrary userenv(::LoadLibraryExW(L"userenv.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32));
  if (!userenv) throw_last_error("LoadLibraryExW(userenv.dll)");
  const auto function = reinterpret_cast<DeleteProfileFunction>(
      reinterpret_cast<void*>(::GetProcAddress(userenv.get(), "DeleteProfileW")));
  if (function == nullptr) throw_last_error("GetProcAddress(DeleteProfileW)");
  if (!function(to_wide(sid).c_str(), nullptr, nullptr)) {
    throw_last_error(quoted("DeleteProfileW", sid));
  }
}

}  // namespace

std::optional<DWORD> logon_screen_value(const std::string& name) {
  DWORD value = 0;
  DWORD type = 0;
  DWORD size = sizeof(value);
  const LSTATUS status =
      ::RegGetValueW(HKEY_LOCAL_MACHINE, kLogonScreenUserListKey, to_wide(name).c_str(),
                     RRF_RT_ANY | RRF_SUBKEY_WOW6464KEY, &type, &value, &size);
  if (status == ERROR_FILE_NOT_FOUND) return std::nullopt;
  if (status == ERROR_MORE_DATA) return std::nullopt;  // not a DWORD
  if (status != ERROR_SUCCESS) {
    throw win32_error(quoted("RegGetValueW", name), static_cast<DWORD>(status));
  }
  if (type != REG_DWORD || size != sizeof(value)) return std::nullopt;
  return value;
}

std::optional<Sid> lookup_local_account(const std::string& name) {
  std::wstring qualified;
  if (name.find('\\') == std::string::npos) {
    wchar_t computer[MAX_COMPUTERNAME_LENGTH + 1] = {};
    DWORD length = MAX_COMPUTERNAME_LENGTH + 1;
    if (!::GetComputerNameW(computer, &length)) throw_last_error("GetComputerNameW");
    qualified.assign(computer, length);
    qualified += L'\\';
  }
  qualified += to_wide(name);

  DWORD sid_size = 0;
  DWORD domain_size = 0;
  SID_NAME_USE use = SidTypeUnknown;
  ::LookupAccountNameW(nullptr, qualified.c_str(), nullptr, &sid_size, nullptr, &domain_size, &use);
  DWORD error = ::GetLastError();
  if (error == ERROR_NONE_MAPPED) return std::nullopt;
  if (error != ERROR_INSUFFICIENT_BUFFER || sid_size == 0) {
    throw win32_error(quoted("LookupAccountNameW", name), error);
  }
  TypedBuffer<SID> sid(sid_size);
  std::wstring domain(domain_size + 1, L'\0');
  if (!::LookupAccountNameW(nullptr, qualified.c_str(), sid.get(), &sid_size, domain.data(),
                            &domain_size, &use)) {
    error = ::GetLastError();
    if (error == ERROR_NONE_MAPPED) return std::nullopt;
    throw win32_error(quoted("LookupAccountNameW", name), error);
  }
  return Sid::copy_of(sid.get());
}

std::string Win32LocalAccounts::ensure_group(const std::string& name, const std::string& comment) {
  std::wstring wide_name = to_wide(name);
  std::wstring wide_comment = to_wide(comment);
  LOCALGROUP_INFO_1 info{};
  info.lgrpi1_name = wide_name.data();
  info.lgrpi1_comment = wide_comment.data();
  const NET_API_STATUS status =
      ::NetLocalGroupAdd(nullptr, 1, reinterpret_cast<LPBYTE>(&info), nullptr);
  if (status != NERR_Success && status != ERROR_ALIAS_EXISTS && status != NERR_GroupExists) {
    throw win32_error(quoted("NetLocalGroupAdd", name), status);
  }
  const std::optional<Sid> sid = lookup_local_account(name);
  if (!sid) {
    throw Error(ErrorCode::win32_call_failed,
                quoted("LookupAccountNameW", name) +
                    " failed: the group is not found after "
                    "NetLocalGroupAdd",
                ERROR_NONE_MAPPED);
  }
  return sid->to_string();
}

std::string Win32LocalAccounts::ensure_user(const std::string& name, const std::string& password,
                                            const std::string& group) {
  // The group first: nothing changes when it is missing or a built-in (privileged) one.
  const std::optional<Sid> group_sid = lookup_local_account(group);
  if (!group_sid) {
    throw Error(ErrorCode::win32_call_failed,
                quoted("LookupAccountNameW", group) + " failed: no such group",
                ERROR_NO_SUCH_ALIAS);
  }
  if (group_sid->to_string().starts_with("S-1-5-32-")) {
    throw Error(ErrorCode::win32_call_failed,
                quoted("NetLocalGroupAddMembers", group) + " refused: " + group + " (" +
                    group_sid->to_string() +
                    ") is a built-in group; sandbox accounts never join one",
                ERROR_ACCESS_DENIED);
  }

  std::wstring wide_name = to_wide(name);
  WipedWideString wide_password(password);
  constexpr DWORD kFlags = UF_SCRIPT | UF_DONT_EXPIRE_PASSWD;
  USER_INFO_1 info{};
  info.usri1_name = wide_name.data();
  info.usri1_password = wide_password.data();
  info.usri1_priv = USER_PRIV_USER;
  info.usri1_flags = kFlags;
  NET_API_STATUS status = ::NetUserAdd(nullptr, 1, reinterpret_cast<LPBYTE>(&info), nullptr);
  if (status == NERR_UserExists) {
    UniqueNetApiBuffer existing;
    status = ::NetUserGetInfo(nullptr, wide_name.c_str(), 1, existing.put());
    if (status != NERR_Success) throw win32_error(quoted("NetUserGetInfo", name), status);
    const DWORD privilege = reinterpret_cast<const USER_INFO_1*>(existing.get())->usri1_priv;
    if (privilege != USER_PRIV_USER) {
      throw Error(ErrorCode::win32_call_failed,
                  quoted("NetUserGetInfo", name) +
                      ": the existing account is not a normal user "
                      "(privilege " +
                      std::to_string(privilege) + "); it is left unchanged",
                  NERR_UserExists);
    }
    USER_INFO_1003 password_info{};
    password_info.usri1003_password = wide_password.data();
    status = ::NetUserSetInfo(nullptr, wide_name.c_str(), 1003,
                              reinterpret_cast<LPBYTE>(&password_info), nullptr);
    if (status != NERR_Success) {
      throw win32_error(quoted("NetUserSetInfo", name) + " (level 1003, password)", status);
    }
    // Exactly these flags: UF_ACCOUNTDISABLE cleared enables the account.
    USER_INFO_1008 flags_info{};
    flags_info.usri1008_flags = kFlags;
    status = ::NetUserSetInfo(nullptr, wide_name.c_str(), 1008,
                              reinterpret_cast<LPBYTE>(&flags_info), nullptr);
    if (status != NERR_Success) {
      throw win32_error(quoted("NetUserSetInfo", name) + " (level 1008, flags)", status);
    }
  } else if (status != NERR_Success) {
    throw win32_error(quoted("NetUserAdd", name), status);
  }

  const std::optional<Sid> user_sid = lookup_local_account(name);
  if (!user_sid) {
    throw Error(ErrorCode::win32_call_failed,
                quoted("LookupAccountNameW", name) +
                    " failed: the user is not found after "
                    "NetUserAdd",
                ERROR_NONE_MAPPED);
  }
  LOCALGROUP_MEMBERS_INFO_0 member{};
  member.lgrmi0_sid = user_sid->get();
  status = ::NetLocalGroupAddMembers(nullptr, to_wide(group).c_str(), 0,
                                     reinterpret_cast<LPBYTE>(&member), 1);
  if (status != NERR_Success && status != ERROR_MEMBER_IN_ALIAS) {
    throw win32_error(quoted("NetLocalGroupAddMembers", group) + " (adding " + name + ")", status);
  }
  return user_sid->to_string();
}

void Win32LocalAccounts::hide_from_logon_screen(const std::string& name) {
  UniqueRegistryKey key;
  LSTATUS status = ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, kLogonScreenUserListKey, 0, nullptr,
                                     REG_OPTION_NON_VOLATILE, KEY_SET_VALUE | KEY_WOW64_64KEY,
                                     nullptr, key.put(), nullptr);
  if (status != ERROR_SUCCESS) {
    throw win32_error("RegCreateKeyExW(Winlogon\\SpecialAccounts\\UserList)",
                      static_cast<DWORD>(status));
  }
  const DWORD hidden = 0;
  status = ::RegSetValueExW(key.get(), to_wide(name).c_str(), 0, REG_DWORD,
                            reinterpret_cast<const BYTE*>(&hidden), sizeof(hidden));
  if (status != ERROR_SUCCESS) {
    throw win32_error(quoted("RegSetValueExW", name), static_cast<DWORD>(status));
  }
}

std::optional<std::string> Win32LocalAccounts::lookup_sid(const std::string& name) {
  const std::optional<Sid> sid = lookup_local_account(name);
  if (!sid) return std::nullopt;
  return sid->to_string();
}

bool Win32LocalAccounts::remove_user(const std::string& name) {
  const std::optional<Sid> sid = lookup_local_account(name);
  const NET_API_STATUS status = ::NetUserDel(nullptr, to_wide(name).c_str());
  if (status != NERR_Success && status != NERR_UserNotFound) {
    throw win32_error(quoted("NetUserDel", name), status);
  }
  const bool existed = status == NERR_Success;
  delete_logon_screen_value(name);
  if (existed && sid) {
    const std::string text = sid->to_string();
    if (registry_key_exists(kProfileListKey + to_wide(text))) delete_profile(text);
  }
  return existed;
}

bool Win32LocalAccounts::remove_group(const std::string& name) {
  const NET_API_STATUS status = ::NetLocalGroupDel(nullptr, to_wide(name).c_str());
  if (status == NERR_GroupNotFound || status == ERROR_NO_SUCH_ALIAS) return false;
  if (status != NERR_Success) throw win32_error(quoted("NetLocalGroupDel", name), status);
  return true;
}

}  // namespace winsandbox::win
