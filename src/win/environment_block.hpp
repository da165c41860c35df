// The environment block CreateProcess*W takes with CREATE_UNICODE_ENVIRONMENT.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "winsandbox/environment.hpp"

namespace winsandbox::win {

// `KEY=VALUE` entries in UTF-16, each NUL-terminated, then one more NUL. Entries are sorted
// the way Windows keeps its own blocks (case-insensitive ordinal order of the keys, i.e.
// CompareStringOrdinal with bIgnoreCase; keys equal ignoring case fall back to case-sensitive
// ordinal order). An empty environment gives two NULs (a lone NUL would be an unterminated
// block). The returned string's size() counts both terminating NULs.
std::wstring make_environment_block(const Environment& environment);

// This process's value of environment variable `name` (nullopt when unset).
std::optional<std::string> host_variable(std::string_view name);

}  // namespace winsandbox::win
