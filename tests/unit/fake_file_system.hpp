// A tiny in-memory FileSystemView for model tests: directories and files by path, no links.
#pragma once

#include <map>
#include <string>

#include "winsandbox/fs_view.hpp"

namespace winsandbox::testing {

class FakeFileSystem final : public FileSystemView {
public:
  FakeFileSystem& dir(std::string_view path) {
    add(WinPath::parse(path), {NodeKind::directory, {}});
    return *this;
  }
  FakeFileSystem& file(std::string_view path, std::string content = {}) {
    add(WinPath::parse(path), {NodeKind::file, std::move(content)});
    return *this;
  }

  NodeKind kind(const WinPath& path) const override {
    const auto it = nodes_.find(path);
    return it == nodes_.end() ? NodeKind::missing : it->second.kind;
  }
  std::optional<std::string> read_small_file(const WinPath& path,
                                             std::size_t max_bytes) const override {
    const auto it = nodes_.find(path);
    if (it == nodes_.end() || it->second.kind != NodeKind::file) return std::nullopt;
    if (it->second.content.size() > max_bytes) return std::nullopt;
    return it->second.content;
  }
  std::optional<WinPath> canonical(const WinPath& path) const override {
    if (kind(path) == NodeKind::missing) return std::nullopt;
    return path;
  }
  std::vector<std::string> list_directory(const WinPath& directory) const override {
    std::vector<std::string> names;
    for (const auto& [path, node] : nodes_) {
      if (path.parent() == directory) names.push_back(path.filename());
    }
    return names;
  }
  DriveType drive_type(const WinPath&) const override { return DriveType::local; }

private:
  struct Node {
    NodeKind kind;
    std::string content;
  };
  void add(const WinPath& path, Node node) {
    for (auto parent = path.parent(); parent; parent = parent->parent()) {
      nodes_.emplace(*parent, Node{NodeKind::directory, {}});
    }
    nodes_[path] = std::move(node);
  }
  std::map<WinPath, Node> nodes_;
};

}  // namespace winsandbox::testing
