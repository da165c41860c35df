#include "winsandbox/fs_view.hpp"

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

bool FileSystemView::is_file(const WinPath& path) const {
  return followed_kind(*this, path) == NodeKind::file;
}

}  // namespace winsandbox
