// Builds SnapshotFileSystem JSON in tests, so every test also exercises the real loader.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox::testing {

class SnapshotBuilder {
public:
  SnapshotBuilder& dir(const std::string& path) { return add(path, "dir"); }
  SnapshotBuilder& file(const std::string& path, const std::string& content = {}) {
    add(path, "file");
    if (!content.empty()) nodes_.back()["content"] = content;
    return *this;
  }
  SnapshotBuilder& junction(const std::string& path, const std::string& target) {
    add(path, "junction");
    nodes_.back()["target"] = target;
    return *this;
  }
  SnapshotBuilder& symlink(const std::string& path, const std::string& target) {
    add(path, "symlink");
    nodes_.back()["target"] = target;
    return *this;
  }
  // Gives the last added node an 8.3 alias.
  SnapshotBuilder& short_name(const std::string& alias) {
    nodes_.back()["short_name"] = alias;
    return *this;
  }
  SnapshotBuilder& remote_drive(const std::string& drive) {
    remote_.push_back(drive);
    return *this;
  }
  std::string json() const {
    nlohmann::ordered_json doc;
    doc["nodes"] = nodes_;
    if (!remote_.empty()) doc["remote_drives"] = remote_;
    return doc.dump();
  }
  SnapshotFileSystem build() const { return SnapshotFileSystem::from_json(json()); }

private:
  SnapshotBuilder& add(const std::string& path, const char* type) {
    nodes_.push_back({{"path", path}, {"type", type}});
    return *this;
  }
  nlohmann::ordered_json nodes_ = nlohmann::ordered_json::array();
  nlohmann::ordered_json remote_ = nlohmann::ordered_json::array();
};

}  // namespace winsandbox::testing
