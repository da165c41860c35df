// Shared by the test helper programs: raw writes to the standard handles (no C runtime text
// mode, so "\n" stays one byte) and UTF-16 -> UTF-8. The helpers depend on nothing but Win32.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <windows.h>

namespace ws_helper {

inline void write_all(DWORD std_handle, std::string_view bytes) {
  const HANDLE handle = GetStdHandle(std_handle);
  while (!bytes.empty()) {
    DWORD written = 0;
    if (!WriteFile(handle, bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr) ||
        written == 0) {
      ExitProcess(90);  // the reader went away; nothing sensible left to do
    }
    bytes.remove_prefix(written);
  }
}

inline void out(std::string_view bytes) {
  write_all(STD_OUTPUT_HANDLE, bytes);
}
inline void err(std::string_view bytes) {
  write_all(STD_ERROR_HANDLE, bytes);
}

inline std::string utf8(std::wstring_view wide) {
  if (wide.empty()) return {};
  const int size = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()),
                                       nullptr, 0, nullptr, nullptr);
  std::string result(static_cast<std::size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), result.data(), size,
                      nullptr, nullptr);
  return result;
}

// Parses a decimal or 0x-prefixed unsigned number; exits 91 on garbage.
inline unsigned long long number(const wchar_t* text) {
  wchar_t* end = nullptr;
  const unsigned long long value = std::wcstoull(text, &end, 0);
  if (end == text || *end != L'\0') ExitProcess(91);
  return value;
}

}  // namespace ws_helper
