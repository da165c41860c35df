#include "win/sid.hpp"

#include <sddl.h>

#include "win/handles.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {

Sid Sid::parse(std::string_view text) {
  // ConvertStringSidToSidW also takes SDDL aliases ("WD", "BA"); a capability SID never is one.
  const bool numeric = text.size() > 2 && (text[0] == 'S' || text[0] == 's') && text[1] == '-';
  UniqueLocalSid parsed;
  if (!numeric || !ConvertStringSidToSidW(to_wide(text).c_str(), parsed.put())) {
    throw Error(ErrorCode::invalid_argument, "`" + std::string(text) + "` is not a valid SID",
                GetLastError());
  }
  return copy_of(parsed.get());
}

Sid Sid::copy_of(PSID sid) {
  if (sid == nullptr || !IsValidSid(sid)) {
    throw Error(ErrorCode::invalid_argument, "invalid SID");
  }
  const DWORD length = GetLengthSid(sid);
  Sid result;
  result.storage_.resize((length + sizeof(DWORD) - 1) / sizeof(DWORD));
  if (!CopySid(length, result.get(), sid)) throw_last_error("CopySid");
  return result;
}

Sid Sid::everyone() {
  Sid result;
  result.storage_.resize(SECURITY_MAX_SID_SIZE / sizeof(DWORD));
  DWORD size = SECURITY_MAX_SID_SIZE;
  if (!CreateWellKnownSid(WinWorldSid, nullptr, result.get(), &size)) {
    throw_last_error("CreateWellKnownSid(WinWorldSid)");
  }
  return result;
}

DWORD Sid::length() const noexcept {
  return GetLengthSid(get());
}

std::string Sid::to_string() const {
  UniqueLocalPtr<LPWSTR> text;
  if (!ConvertSidToStringSidW(get(), text.put())) throw_last_error("ConvertSidToStringSidW");
  return to_utf8(text.get());
}

bool operator==(const Sid& a, const Sid& b) noexcept {
  return EqualSid(a.get(), b.get()) != FALSE;
}

}  // namespace winsandbox::win
