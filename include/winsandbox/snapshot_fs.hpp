// SnapshotFileSystem: a FileSystemView over a JSON description of a Windows disk, so that
// every resolution can run (and be golden-tested) on any host.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "winsandbox/fs_view.hpp"

namespace winsandbox {

// Snapshot JSON:
//   {"nodes":[{"path":"C:\\repo","type":"dir"},
//             {"path":"C:\\repo\\.git","type":"file","content":"gitdir: C:\\gits\\repo"},
//             {"path":"C:\\alias","type":"junction","target":"C:\\repo"}],
//    "remote_drives":["L:"]}
// `type` is dir | file | junction | symlink; `content` (files) and `target` (links, required)
// are optional otherwise; any node may have an 8.3 `short_name` ("PROGRA~1"), which lookups
// accept in place of its long name (canonical() returns the long name, as Windows does). Every
// ancestor of a listed node is an existing directory. Lookups are case-insensitive (WinPath
// identity). UNC paths and drives in `remote_drives` report DriveType::remote. Links resolve up to
// 63 hops (as Windows); longer chains and cycles make `canonical` return nullopt. Errors:
// Error(invalid_snapshot) naming the JSON path.
class SnapshotFileSystem final : public FileSystemView {
public:
  static SnapshotFileSystem from_json(std::string_view json);

  NodeKind kind(const WinPath& path) const override;
  std::optional<std::string> read_small_file(const WinPath& path,
                                             std::size_t max_bytes) const override;
  std::optional<WinPath> canonical(const WinPath& path) const override;
  std::vector<std::string> list_directory(const WinPath& directory) const override;
  DriveType drive_type(const WinPath& path) const override;
  // The identity is the canonical path; the change time is a digest of the entries' names and
  // kinds, so it changes exactly when NTFS would change the directory's time (an entry added,
  // removed or renamed) and a second snapshot of a changed disk models the next command.
  std::optional<DirectoryListing> read_directory(const WinPath& directory) const override;
  bool directory_unchanged(const WinPath& directory, const DirectoryStamp& stamp) const override;

  struct Node {
    NodeKind kind = NodeKind::directory;
    std::string content;            // files
    std::optional<WinPath> target;  // junctions and symlinks
  };

private:
  // Resolves every link among the ancestors of `path` (not `path` itself); nullopt when an
  // ancestor is missing, a file, or a dangling/cyclic link.
  std::optional<WinPath> resolve_ancestors(const WinPath& path, int& hops) const;
  std::optional<WinPath> resolve_fully(const WinPath& path, int& hops) const;
  const Node* find(const WinPath& path) const;
  // The long-name spelling of `path` if its last component is a known 8.3 alias.
  WinPath expand_short_name(WinPath path) const;
  void add_node(const WinPath& path, Node node);
  void compute_change_times();
  std::optional<DirectoryStamp> directory_stamp(const WinPath& directory) const;

  std::map<WinPath, Node> nodes_;
  std::map<WinPath, std::vector<std::string>> children_;
  std::map<WinPath, std::int64_t> change_times_;  // directories with entries
  std::map<WinPath, WinPath> short_names_;        // parent\SHORT~1 -> parent\long name
  std::set<char> remote_drives_;
};

}  // namespace winsandbox
