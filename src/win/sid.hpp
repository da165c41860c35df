// Sid: a security identifier as an owned value (copyable, comparable), so SIDs never live in
// LocalAlloc'd or FreeSid'd memory outside this file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <windows.h>

namespace winsandbox::win {

class Sid {
public:
  // Parses the numeric form "S-1-5-21-1-2-3-4" (SDDL aliases such as "WD" are rejected).
  // Throws Error(invalid_argument) on a malformed string.
  static Sid parse(std::string_view text);
  // Copies a SID the system owns (token information, ACEs). Throws Error(invalid_argument) if
  // `sid` is not a valid SID.
  static Sid copy_of(PSID sid);
  // S-1-1-0.
  static Sid everyone();

  // Valid for the lifetime of this object. Win32 APIs take PSID as non-const; none of the ones
  // we call writes through it.
  PSID get() const noexcept { return const_cast<DWORD*>(storage_.data()); }
  DWORD length() const noexcept;
  std::string to_string() const;

  friend bool operator==(const Sid& a, const Sid& b) noexcept;

private:
  Sid() = default;
  // DWORD units: SID sub-authorities are DWORDs and need 4-byte alignment.
  std::vector<DWORD> storage_;
};

}  // namespace winsandbox::win
