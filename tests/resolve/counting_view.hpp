// A FileSystemView that counts listings, directory reads and stamp checks of the view it wraps, for
// tests that bound a walk's work by counting (docs/resolution.md#glob-expansion-cache).
#pragma once

#include <map>
#include <string>

#include "winsandbox/fs_view.hpp"

namespace winsandbox::testing {

// Counts directory reads and stamp checks; optionally reports no change times (a volume that
// keeps none, or times too recent to trust).
class CountingView final : public FileSystemView {
public:
  explicit CountingView(const FileSystemView& inner, bool change_times = true)
      : inner_(inner), change_times_(change_times) {}
  NodeKind kind(const WinPath& path) const override { return inner_.kind(path); }
  std::optional<std::string> read_small_file(const WinPath& path,
                                             std::size_t max_bytes) const override {
    return inner_.read_small_file(path, max_bytes);
  }
  std::optional<WinPath> canonical(const WinPath& path) const override {
    return inner_.canonical(path);
  }
  std::vector<std::string> list_directory(const WinPath& directory) const override {
    ++listed[directory.str()];
    return inner_.list_directory(directory);
  }
  DriveType drive_type(const WinPath& path) const override { return inner_.drive_type(path); }
  std::optional<DirectoryListing> read_directory(const WinPath& directory) const override {
    ++reads;
    ++listed[directory.str()];
    auto listing = inner_.read_directory(directory);
    if (listing && !change_times_) listing->stamp.change_time.reset();
    return listing;
  }
  bool directory_unchanged(const WinPath& directory, const DirectoryStamp& stamp) const override {
    ++stamps;
    return change_times_ && inner_.directory_unchanged(directory, stamp);
  }
  // list_directory and read_directory calls per directory
  mutable std::map<std::string, int> listed;
  mutable int reads = 0;
  mutable int stamps = 0;

private:
  const FileSystemView& inner_;
  bool change_times_;
};

}  // namespace winsandbox::testing
