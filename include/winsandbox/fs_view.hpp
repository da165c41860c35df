// FileSystemView: the only way the portable layers look at a disk (docs/architecture.md#layers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "winsandbox/path.hpp"

namespace winsandbox {

// What a directory entry is, without following a final reparse point (like lstat).
//
// | kind      | meaning                                                         |
// |-----------|-----------------------------------------------------------------|
// | missing   | nothing at this path (or an ancestor is missing / not a dir)     |
// | file      | a regular file                                                  |
// | directory | a real directory                                                |
// | junction  | a mount-point reparse point (directory junction)                |
// | symlink   | a symbolic link (file or directory)                             |
enum class NodeKind { missing, file, directory, junction, symlink };

// How a drive root is attached. Only `local` drives can be sandbox roots.
enum class DriveType { local, remote, unknown };

// Which directory object a path reaches, and when an entry of it last changed: what a cached
// directory listing is validated by (docs/resolution.md#glob-expansion-cache).
struct DirectoryStamp {
  // Equal for two paths exactly when they reach the same directory object (junction aliases
  // included): the volume and file id on Windows.
  std::string identity;
  // Changes whenever an entry is added to, removed from or renamed in the directory (the
  // directory's last write time on NTFS). nullopt when the view cannot promise that (a volume
  // that does not keep directory times, or a time so recent that another change within the
  // clock's resolution could go unseen): such a listing must never be reused.
  std::optional<std::int64_t> change_time;
  friend bool operator==(const DirectoryStamp&, const DirectoryStamp&) = default;
};

// One entry of a directory listing, with its own kind (a final reparse point not followed).
struct DirectoryEntry {
  std::string name;
  NodeKind kind = NodeKind::file;
  friend bool operator==(const DirectoryEntry&, const DirectoryEntry&) = default;
};

// A directory read once: its stamp, taken before the entries were listed (so that a change
// during the listing shows up as a different stamp next time), and its entries.
struct DirectoryListing {
  DirectoryStamp stamp;
  std::vector<DirectoryEntry> entries;
};

// Read-only view of a filesystem. Implementations: the Win32 disk (src/win) and
// SnapshotFileSystem (a JSON snapshot, for tests and `--fs-snapshot`).
class FileSystemView {
public:
  virtual ~FileSystemView() = default;

  // Kind of `path` itself; reparse points in ancestors are followed, the final one is not.
  virtual NodeKind kind(const WinPath& path) const = 0;
  // Contents of a regular file (following reparse points) if it exists and is at most
  // `max_bytes` long.
  virtual std::optional<std::string> read_small_file(const WinPath& path,
                                                     std::size_t max_bytes) const = 0;
  // The final path with every junction and symlink resolved; nullopt if `path` does not
  // exist or a reparse point cannot be resolved (dangling link, cycle).
  virtual std::optional<WinPath> canonical(const WinPath& path) const = 0;
  // Names of the entries of a directory (following reparse points); empty if not a dir.
  virtual std::vector<std::string> list_directory(const WinPath& directory) const = 0;
  // How the drive or share holding `path` is attached.
  virtual DriveType drive_type(const WinPath& path) const = 0;

  // `directory` (following reparse points) read once, entries with their kinds; nullopt if it
  // is not a directory. The default asks kind() per entry and has no change time (listings
  // never reused); views that can list kinds in one read override it.
  virtual std::optional<DirectoryListing> read_directory(const WinPath& directory) const;
  // Whether `directory` (following reparse points) is still the directory `stamp` was read
  // from, with no entry added, removed or renamed since: as cheaply as the view can tell, and
  // false whenever it cannot (always for a stamp without change time). The default: false.
  virtual bool directory_unchanged(const WinPath& directory, const DirectoryStamp& stamp) const;

  // Convenience queries that follow reparse points.
  bool exists(const WinPath& path) const;
  bool is_directory(const WinPath& path) const;
  bool is_file(const WinPath& path) const;
};

// A view in which nothing exists and every drive is local (for callers that have no disk to
// consult, e.g. the CLI on Linux without --fs-snapshot).
class EmptyFileSystem final : public FileSystemView {
public:
  NodeKind kind(const WinPath&) const override { return NodeKind::missing; }
  std::optional<std::string> read_small_file(const WinPath&, std::size_t) const override {
    return std::nullopt;
  }
  std::optional<WinPath> canonical(const WinPath&) const override { return std::nullopt; }
  std::vector<std::string> list_directory(const WinPath&) const override { return {}; }
  DriveType drive_type(const WinPath&) const override { return DriveType::local; }
};

// The real disk: the Win32 view on Windows. Elsewhere there is no Windows disk to look at, so
// it throws Error(unsupported_platform); use a SnapshotFileSystem instead.
std::unique_ptr<FileSystemView> open_host_file_system();

}  // namespace winsandbox
