// Long-path spellings for Win32 file APIs.
#pragma once

#include <optional>
#include <string>

#include <windows.h>

#include "winsandbox/path.hpp"

namespace winsandbox::win {

// `\\?\C:\x` / `\\?\UNC\server\share\x`: no MAX_PATH limit, no further normalization. Device
// paths (`\\.\NUL`), and paths WinPath already spells verbatim (a name ending in `.` or ` `,
// which any other spelling would lose), are returned as they are.
std::wstring long_path(const WinPath& path);

// The path of the object `file` is open on (GetFinalPathNameByHandleW, normalized, DOS volume
// name): every junction and symlink on the way resolved. nullopt when the call fails or the
// result is not a path WinPath accepts.
std::optional<WinPath> final_path(HANDLE file);

}  // namespace winsandbox::win
