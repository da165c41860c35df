// The Win32 FileSystemView: the real disk, looked at without following final reparse points
// unless asked, and with long-path (\\?\) spellings so MAX_PATH never truncates a lookup.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>
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

// A directory time this close to now is not trusted to change on the next change: another
// change within the clock's resolution (a timer tick, ~16 ms) could carry the same time. Two
// seconds also covers the coarser clocks some file systems keep.
constexpr std::int64_t kUnsettledTicks = 2 * 10'000'000;  // 100 ns ticks

std::int64_t ticks(FILETIME time) {
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(time.dwHighDateTime) << 32) |
                                   time.dwLowDateTime);
}

NodeKind kind_from_attributes(DWORD attributes, DWORD reparse_tag) {
  if (attributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    if (reparse_tag == IO_REPARSE_TAG_MOUNT_POINT) return NodeKind::junction;
    if (reparse_tag == IO_REPARSE_TAG_SYMLINK) return NodeKind::symlink;
  }
  return (attributes & FILE_ATTRIBUTE_DIRECTORY) ? NodeKind::directory : NodeKind::file;
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
    return kind_from_attributes(data.dwFileAttributes, data.dwReserved0);
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
    find_entries(directory,
                 [&](std::wstring_view name, NodeKind) { names.push_back(win::to_utf8(name)); });
    return names;
  }

  // One open, one stamp (GetFileInformationByHandle), then the entries in large batches from
  // the same handle (FileIdBothDirectoryInfo: names, attributes and reparse tags, so no entry
  // is opened or looked up again).
  std::optional<DirectoryListing> read_directory(const WinPath& directory) const override {
    const UniqueHandle handle =
        open_for_query(directory, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE);
    if (!handle) return std::nullopt;
    auto stamp = stamp_of(handle.get());
    if (!stamp) return std::nullopt;
    DirectoryListing listing{std::move(*stamp), {}};
    // 64 KiB per call (what FIND_FIRST_EX_LARGE_FETCH asks for), aligned for the records.
    std::vector<std::uint64_t> buffer(64 * 1024 / sizeof(std::uint64_t));
    const auto size = static_cast<DWORD>(buffer.size() * sizeof(std::uint64_t));
    FILE_INFO_BY_HANDLE_CLASS info_class = FileIdBothDirectoryRestartInfo;
    while (GetFileInformationByHandleEx(handle.get(), info_class, buffer.data(), size)) {
      info_class = FileIdBothDirectoryInfo;
      const auto* bytes = reinterpret_cast<const std::byte*>(buffer.data());
      for (std::size_t offset = 0;;) {
        const auto* info = reinterpret_cast<const FILE_ID_BOTH_DIR_INFO*>(bytes + offset);
        const std::wstring_view name(info->FileName, info->FileNameLength / sizeof(wchar_t));
        if (name != L"." && name != L"..") {
          // For a reparse point, EaSize holds its tag (as dwReserved0 of WIN32_FIND_DATAW).
          listing.entries.push_back(
              {win::to_utf8(name), kind_from_attributes(info->FileAttributes, info->EaSize)});
        }
        if (info->NextEntryOffset == 0) break;
        offset += info->NextEntryOffset;
      }
    }
    if (const DWORD error = GetLastError(); error != ERROR_NO_MORE_FILES) {
      // A listing cut short by an error is used (as a plain enumeration would be) but never
      // reused by a cache: the next walk reads the directory again. A file system that cannot
      // list by handle at all is listed by name instead.
      listing.stamp.change_time.reset();
      if (info_class == FileIdBothDirectoryRestartInfo) {
        find_entries(directory, [&](std::wstring_view name, NodeKind kind) {
          listing.entries.push_back({win::to_utf8(name), kind});
        });
      }
    }
    return listing;
  }

  // One attribute query by path (no open): the times of what the path reaches, its final
  // reparse point not followed. A path ending in a link, or reaching its directory through one,
  // is opened and stamped in full instead.
  bool directory_unchanged(const WinPath& directory, const DirectoryStamp& stamp) const override {
    if (!stamp.change_time) return false;
    WIN32_FILE_ATTRIBUTE_DATA data{};
    if (!GetFileAttributesExW(long_path(directory).c_str(), GetFileExInfoStandard, &data) ||
        !(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
      return false;
    }
    // The cheap comparison only holds where the path is its own final path (no link on the
    // way, which the walk's own paths are unless a junction leads there): then the same path with
    // the same creation and write times is taken as the same, unchanged directory.
    if ((data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ||
        !stamp.identity.starts_with(directory.identity() + "|")) {
      const UniqueHandle handle = open_for_query(directory, FILE_READ_ATTRIBUTES);
      return handle && stamp_of(handle.get()) == stamp;
    }
    return stamp.identity.ends_with(fmt::format("|{}", ticks(data.ftCreationTime))) &&
           *stamp.change_time == ticks(data.ftLastWriteTime) && settled(*stamp.change_time);
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

private:
  // Every entry of `directory` but `.` and `..`, with its kind, by FindFirstFileExW in large
  // batches.
  template <typename OnEntry>
  static void find_entries(const WinPath& directory, OnEntry&& on_entry) {
    WIN32_FIND_DATAW data{};
    const std::wstring pattern = long_path(directory) + (directory.is_root() ? L"*" : L"\\*");
    UniqueFindHandle find(FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &data,
                                           FindExSearchNameMatch, nullptr,
                                           FIND_FIRST_EX_LARGE_FETCH));
    if (!find) return;
    do {
      const std::wstring_view name = data.cFileName;
      if (name != L"." && name != L"..") {
        on_entry(name, kind_from_attributes(data.dwFileAttributes, data.dwReserved0));
      }
    } while (FindNextFileW(find.get(), &data));
  }

  // The directory's identity (its final path and creation time) and its last write time when
  // that can be relied on to change with every entry added, removed or renamed: on NTFS, once
  // settled (kUnsettledTicks). nullopt when `handle` is not a directory. Not the volume serial
  // and file id (FileIdInfo, GetFileInformationByHandle): under Wine each of those calls asks the
  // mount manager for the serial, ~1 ms per directory, more than listing it.
  std::optional<DirectoryStamp> stamp_of(HANDLE handle) const {
    FILE_BASIC_INFO basic{};
    if (!GetFileInformationByHandleEx(handle, FileBasicInfo, &basic, sizeof basic) ||
        !(basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
      return std::nullopt;
    }
    const auto path = win::final_path(handle);
    if (!path) return std::nullopt;
    DirectoryStamp stamp{fmt::format("{}|{}", path->identity(), basic.CreationTime.QuadPart),
                         std::nullopt};
    const std::int64_t written = basic.LastWriteTime.QuadPart;
    if (keeps_directory_times(handle, path->root().identity()) && settled(written)) {
      stamp.change_time = written;
    }
    return stamp;
  }

  static bool settled(std::int64_t written) {
    FILETIME now{};
    GetSystemTimeAsFileTime(&now);
    return written <= ticks(now) && ticks(now) - written >= kUnsettledTicks;
  }

  // Whether the volume updates a directory's last write time when an entry changes. NTFS does;
  // FAT keeps no such time for directories, and others are not relied on. Asked once per drive.
  bool keeps_directory_times(HANDLE handle, const std::string& volume) const {
    const std::lock_guard lock(volumes_mutex_);
    const auto known = volumes_.find(volume);
    if (known != volumes_.end()) return known->second;
    wchar_t file_system[MAX_PATH + 1] = {};
    if (!GetVolumeInformationByHandleW(handle, nullptr, 0, nullptr, nullptr, nullptr, file_system,
                                       MAX_PATH + 1)) {
      return false;  // not remembered: another handle may be allowed to ask
    }
    const bool ntfs = std::wstring_view(file_system) == L"NTFS";
    volumes_.emplace(volume, ntfs);
    return ntfs;
  }

  mutable std::mutex volumes_mutex_;
  mutable std::map<std::string, bool> volumes_;  // by drive root
};

}  // namespace

std::unique_ptr<FileSystemView> open_host_file_system() {
  return std::make_unique<Win32FileSystem>();
}

}  // namespace winsandbox
