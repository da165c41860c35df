// Long-path spellings for Win32 file APIs.
#pragma once

#include <string>

#include "winsandbox/path.hpp"

namespace winsandbox::win {

// `\\?\C:\x` / `\\?\UNC\server\share\x`: no MAX_PATH limit, no further normalization. Device
// paths (`\\.\NUL`) are returned as they are.
std::wstring long_path(const WinPath& path);

}  // namespace winsandbox::win
