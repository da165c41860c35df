// The Win32 FileSystemView: the real disk, looked at without following final reparse points
// unless asked, and with long-path (\\?\) spellings so MAX_PATH never truncates a lookup.
#include <memory>

#include <windows.h>

#include "win/handles.hpp"
#include "win/long_path.hpp"
#include "win/unicode.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/fs_view.hpp"

namespace winsandbox {
namespace {

using win::long_path;
using win::UniqueFindHandle;
using win::UniqueHandle;

// Empty when the path cannot be opened.
UniqueHandle open_for_query(const WinPath& path, DWORD access) {
  return UniqueHandle(CreateFileW(long_path(path).c_str(), access,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                  OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr));
}

class Win32FileSystem final : public FileSystemView {
public:
  NodeKind kind(const WinPath& path) const override {
    WIN32_FIND_DATAW data{};
    UniqueFindHandle find(FindFirstFileExW(long_path(path).c_str(), FindExInfoBasic, &data,
                                           FindExSearchNameMatch, nullptr, 0));
    if (!find) {
      // Roots cannot be "found"; ask for their attributes instead.
      const DWORD attributes = GetFileAttributesW(long_path(path).c_str());
      if (attributes == INVALID_FILE_ATTRIBUTES) return NodeKind::missing;
      return (attributes & FILE_ATTRIBUTE_DIRECTORY) ? NodeKind::directory : NodeKind::file;
    }
    if (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
      if (data.dwReserved0 == IO_REPARSE_TAG_MOUNT_POINT) return NodeKind::junction;
      if (data.dwReserved0 == IO_REPARSE_TAG_SYMLINK) return NodeKind::symlink;
    }
    return (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? NodeKind::directory
                                                              : NodeKind::file;
  }

  std::optional<std::string> read_small_file(const WinPath& path,
                                             std::size_t max_bytes) const override {
    const UniqueHandle file = open_for_query(path, GENERIC_READ);
    LARGE_INTEGER size{};
    if (!file || !GetFileSizeEx(file.get(), &size) || size.QuadPart < 0 ||
        static_cast<unsigned long long>(size.QuadPart) > max_bytes) {
      return std::nullopt;
    }
    std::string content(static_cast<std::size_t>(size.QuadPart), '\0');
    DWORD read = 0;
    if (!content.empty() &&
        !ReadFile(file.get(), content.data(), static_cast<DWORD>(content.size()), &read, nullptr)) {
      return std::nullopt;
    }
    content.resize(read);
    return content;
  }

  std::optional<WinPath> canonical(const WinPath& path) const override {
    const UniqueHandle file = open_for_query(path, FILE_READ_ATTRIBUTES);
    if (!file) return std::nullopt;
    return win::final_path(file.get());
  }

  std::vector<std::string> list_directory(const WinPath& directory) const override {
    std::vector<std::string> names;
    WIN32_FIND_DATAW data{};
    const std::wstring pattern = long_path(directory) + (directory.is_root() ? L"*" : L"\\*");
    UniqueFindHandle find(FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &data,
                                           FindExSearchNameMatch, nullptr, 0));
    if (!find) return names;
    do {
      const std::wstring_view name = data.cFileName;
      if (name != L"." && name != L"..") names.push_back(win::to_utf8(name));
    } while (FindNextFileW(find.get(), &data));
    return names;
  }

  DriveType drive_type(const WinPath& path) const override {
    if (path.kind() == WinPathKind::unc) return DriveType::remote;
    if (path.kind() != WinPathKind::drive) return DriveType::unknown;
    switch (GetDriveTypeW(win::to_wide(path.root().str()).c_str())) {
      case DRIVE_REMOTE: return DriveType::remote;
      case DRIVE_FIXED:
      case DRIVE_REMOVABLE:
      case DRIVE_RAMDISK:
      case DRIVE_CDROM: return DriveType::local;
      default: return DriveType::unknown;
    }
  }
};

}  // namespace

std::unique_ptr<FileSystemView> open_host_file_system() {
  return std::make_unique<Win32FileSystem>();
}

}  // namespace winsandbox
