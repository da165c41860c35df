#include "win/unicode.hpp"

#include <windows.h>

#include <limits>

#include "winsandbox/error.hpp"

namespace winsandbox::win {

std::wstring to_wide(std::string_view utf8) {
  if (utf8.empty()) return {};
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(ErrorCode::invalid_argument, "string too long for UTF-16 conversion");
  }
  const int in_len = static_cast<int>(utf8.size());
  const int out_len =
      MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), in_len, nullptr, 0);
  if (out_len <= 0) throw Error(ErrorCode::invalid_argument, "invalid UTF-8 text", GetLastError());
  std::wstring wide(static_cast<std::size_t>(out_len), L'\0');
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), in_len, wide.data(), out_len);
  return wide;
}

std::string to_utf8(std::wstring_view wide) {
  if (wide.empty()) return {};
  if (wide.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(ErrorCode::invalid_argument, "string too long for UTF-8 conversion");
  }
  const int in_len = static_cast<int>(wide.size());
  const int out_len = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide.data(), in_len,
                                          nullptr, 0, nullptr, nullptr);
  if (out_len <= 0) throw Error(ErrorCode::invalid_argument, "invalid UTF-16 text", GetLastError());
  std::string utf8(static_cast<std::size_t>(out_len), '\0');
  WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide.data(), in_len, utf8.data(), out_len,
                      nullptr, nullptr);
  return utf8;
}

}  // namespace winsandbox::win
