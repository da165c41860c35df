#include "win/desktop.hpp"

// clang-format off
#include <windows.h>  // first: aclapi.h needs its types
#include <aclapi.h>
// clang-format on

#include "win/acl_builder.hpp"
#include "win/random.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {

namespace {
constexpr ACCESS_MASK kDesktopAllAccess = 0x000F01FF;
}  // namespace

PrivateDesktop PrivateDesktop::create() {
  const std::string name = "winsandbox-desktop-" + random_hex(16);
  UniqueDesktop desktop(
      CreateDesktopW(to_wide(name).c_str(), nullptr, nullptr, 0, kDesktopAllAccess, nullptr));
  if (!desktop) throw_last_error("CreateDesktopW");

  const UniqueHandle token = open_current_process_token(TOKEN_QUERY);
  const std::optional<Sid> logon = find_logon_sid(token.get());
  if (!logon) throw Error(ErrorCode::win32_call_failed, "Logon SID not present on token");
  auto dacl = make_allow_acl({{&*logon, kDesktopAllAccess}});
  const DWORD status =
      SetSecurityInfo(desktop.get(), SE_WINDOW_OBJECT,
                      DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                      nullptr, dacl.get(), nullptr);
  if (status != ERROR_SUCCESS) throw win32_error("SetSecurityInfo(private desktop DACL)", status);

  return PrivateDesktop(std::move(desktop), "Winsta0\\" + name);
}

}  // namespace winsandbox::win
