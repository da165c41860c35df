#include "win/long_path.hpp"

#include "win/unicode.hpp"

namespace winsandbox::win {

std::wstring long_path(const WinPath& path) {
  // A path with a name Win32 would alter (`b.`, `a `) is already displayed verbatim: prefixing
  // it again would name nothing.
  if (path.str().starts_with("\\\\?\\")) return to_wide(path.str());
  switch (path.kind()) {
    case WinPathKind::drive: return L"\\\\?\\" + to_wide(path.str());
    case WinPathKind::unc: return L"\\\\?\\UNC\\" + to_wide(path.str().substr(2));
    case WinPathKind::device: break;
  }
  return to_wide(path.str());
}

std::optional<WinPath> final_path(HANDLE file) {
  std::wstring buffer(MAX_PATH, L'\0');
  for (;;) {
    const DWORD needed =
        GetFinalPathNameByHandleW(file, buffer.data(), static_cast<DWORD>(buffer.size()),
                                  FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (needed == 0) return std::nullopt;
    if (needed < buffer.size()) {
      buffer.resize(needed);
      break;
    }
    buffer.resize(needed + 1);
  }
  return WinPath::try_parse(to_utf8(buffer));
}

}  // namespace winsandbox::win
