#include "win/environment_block.hpp"

#include <algorithm>
#include <vector>

#include <windows.h>

#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {

std::optional<std::string> host_variable(std::string_view name) {
  const std::wstring wide_name = to_wide(name);
  const DWORD size = GetEnvironmentVariableW(wide_name.c_str(), nullptr, 0);
  if (size == 0) return std::nullopt;
  std::wstring value(size, L'\0');
  const DWORD length = GetEnvironmentVariableW(wide_name.c_str(), value.data(), size);
  if (length == 0 || length >= size) return std::nullopt;
  value.resize(length);
  return to_utf8(value);
}

namespace {

int compare_ordinal(const std::wstring& a, const std::wstring& b, bool ignore_case) {
  const int result = CompareStringOrdinal(a.data(), static_cast<int>(a.size()), b.data(),
                                          static_cast<int>(b.size()), ignore_case ? TRUE : FALSE);
  if (result == 0) throw_last_error("CompareStringOrdinal");
  return result - CSTR_EQUAL;  // <0, 0, >0
}

}  // namespace

std::wstring make_environment_block(const Environment& environment) {
  struct WideEntry {
    std::wstring key;
    std::wstring value;
  };
  std::vector<WideEntry> entries;
  entries.reserve(environment.entries().size());
  for (const auto& [key, value] : environment.entries()) {
    entries.push_back({to_wide(key), to_wide(value)});
  }
  std::sort(entries.begin(), entries.end(), [](const WideEntry& a, const WideEntry& b) {
    const int folded = compare_ordinal(a.key, b.key, /*ignore_case=*/true);
    if (folded != 0) return folded < 0;
    return compare_ordinal(a.key, b.key, /*ignore_case=*/false) < 0;
  });

  std::wstring block;
  for (const auto& entry : entries) {
    block += entry.key;
    block += L'=';
    block += entry.value;
    block += L'\0';
  }
  if (block.empty()) block += L'\0';
  block += L'\0';
  return block;
}

}  // namespace winsandbox::win
