#include "winsandbox/fs_view.hpp"

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

NodeKind followed_kind(const FileSystemView& view, const WinPath& path) {
  const NodeKind own = view.kind(path);
  if (own != NodeKind::junction && own != NodeKind::symlink) return own;
  const auto target = view.canonical(path);
  return target ? view.kind(*target) : NodeKind::missing;
}

}  // namespace

bool FileSystemView::exists(const WinPath& path) const {
  return followed_kind(*this, path) != NodeKind::missing;
}

bool FileSystemView::is_directory(const WinPath& path) const {
  return followed_kind(*this, path) == NodeKind::directory;
}

bool FileSystemView::directory_unchanged(const WinPath&, const DirectoryStamp&) const {
  return false;
}

std::optional<DirectoryListing> FileSystemView::read_directory(const WinPath& directory) const {
  if (!is_directory(directory)) return std::nullopt;
  const auto target = canonical(directory);
  if (!target) return std::nullopt;
  DirectoryListing listing{{target->identity(), std::nullopt}, {}};
  for (auto& name : list_directory(directory)) {
    NodeKind entry_kind = NodeKind::missing;
    try {
      entry_kind = kind(directory.child(name));
    } catch (const Error&) {
      // Not a valid path component: no pattern can name it, so it is left out.
      continue;
    }
    listing.entries.push_back({std::move(name), entry_kind});
  }
  return listing;
}

bool FileSystemView::is_file(const WinPath& path) const {
  return followed_kind(*this, path) == NodeKind::file;
}

}  // namespace winsandbox
