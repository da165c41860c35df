#include "win/long_path.hpp"

#include "win/unicode.hpp"

namespace winsandbox::win {

std::wstring long_path(const WinPath& path) {
  switch (path.kind()) {
    case WinPathKind::drive: return L"\\\\?\\" + to_wide(path.str());
    case WinPathKind::unc: return L"\\\\?\\UNC\\" + to_wide(path.str().substr(2));
    case WinPathKind::device: break;
  }
  return to_wide(path.str());
}

}  // namespace winsandbox::win
