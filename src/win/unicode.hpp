// UTF-8 <-> UTF-16 conversion at the Win32 boundary. The library speaks UTF-8 everywhere
// else; only src/win converts, and only through these two functions.
#pragma once

#include <string>
#include <string_view>

namespace winsandbox::win {

// Throws Error(invalid_argument) on invalid UTF-8 / unpaired surrogates.
std::wstring to_wide(std::string_view utf8);
std::string to_utf8(std::wstring_view wide);

}  // namespace winsandbox::win
