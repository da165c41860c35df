#include "winsandbox/snapshot_fs.hpp"

#include "common/json_cursor.hpp"
#include "common/text.hpp"

namespace winsandbox {
namespace {

// Windows gives up after this many reparse points in one path (IO_REPARSE_TAG chain limit).
constexpr int kMaxLinkHops = 63;

NodeKind node_kind_from_json(const JsonCursor& cursor) {
  const std::string& type = cursor.string();
  if (type == "dir") return NodeKind::directory;
  if (type == "file") return NodeKind::file;
  if (type == "junction") return NodeKind::junction;
  if (type == "symlink") return NodeKind::symlink;
  cursor.fail("unknown node type `" + type + "` (expected dir, file, junction or symlink)");
}

WinPath snapshot_path(const JsonCursor& cursor) {
  try {
    return WinPath::parse(cursor.string());
  } catch (const Error& e) {
    cursor.fail(e.what());
  }
}

bool is_link(NodeKind kind) {
  return kind == NodeKind::junction || kind == NodeKind::symlink;
}

}  // namespace

SnapshotFileSystem SnapshotFileSystem::from_json(std::string_view json) {
  const Json document = parse_json(json, ErrorCode::invalid_snapshot);
  const JsonCursor root(document, ErrorCode::invalid_snapshot);
  root.reject_unknown_fields({"nodes", "remote_drives"});
  SnapshotFileSystem fs;
  const JsonCursor nodes = root.field("nodes");
  for (std::size_t i = 0; i < nodes.array().size(); ++i) {
    const JsonCursor item = nodes.element(i);
    item.reject_unknown_fields({"path", "type", "content", "target", "short_name"});
    const WinPath path = snapshot_path(item.field("path"));
    Node node;
    node.kind = node_kind_from_json(item.field("type"));
    if (const auto content = item.optional_field("content")) {
      if (node.kind != NodeKind::file) content->fail("only files have content");
      node.content = content->string();
    }
    if (is_link(node.kind)) {
      node.target = snapshot_path(item.field("target"));
    } else if (item.has("target")) {
      item.field("target").fail("only junctions and symlinks have a target");
    }
    if (path.is_root() && node.kind != NodeKind::directory) {
      item.field("type").fail("a drive or share root must be a dir");
    }
    if (const Node* existing = fs.find(path); existing && existing->kind != node.kind) {
      item.fail("`" + path.str() + "` is listed twice with different types");
    }
    for (auto parent = path.parent(); parent; parent = parent->parent()) {
      const Node* ancestor = fs.find(*parent);
      if (ancestor && ancestor->kind != NodeKind::directory) {
        item.fail("`" + path.str() + "` lies under `" + parent->str() + "`, which is not a dir");
      }
    }
    if (const auto short_name = item.optional_field("short_name")) {
      const std::string& alias = short_name->string();
      const auto parent = path.parent();
      const auto alias_path =
          parent ? WinPath::try_parse(parent->str() + "\\" + alias) : std::nullopt;
      if (!alias_path || alias_path->parent() != parent) {
        short_name->fail("expected a single file name, got \"" + alias + "\"");
      }
      fs.short_names_.insert_or_assign(*alias_path, path);
    }
    fs.add_node(path, std::move(node));
  }
  if (const auto remote = root.optional_field("remote_drives")) {
    for (std::size_t i = 0; i < remote->array().size(); ++i) {
      const JsonCursor drive = remote->element(i);
      const std::string& text = drive.string();
      const auto parsed = WinPath::try_parse(text.size() == 2 ? text + "\\" : text);
      if (!parsed || !parsed->drive_letter() || !parsed->is_root()) {
        drive.fail("expected a drive like \"L:\", got \"" + text + "\"");
      }
      fs.remote_drives_.insert(*parsed->drive_letter());
    }
  }
  fs.compute_change_times();
  return fs;
}

void SnapshotFileSystem::add_node(const WinPath& path, Node node) {
  // Register the path and its not-yet-known ancestors (implicit directories) in their
  // parents' child lists, so list_directory needs no scan.
  WinPath current = path;
  while (nodes_.try_emplace(current, Node{}).second) {
    auto parent = current.parent();
    if (!parent) break;
    children_[*parent].push_back(current.filename());
    current = std::move(*parent);
  }
  nodes_.insert_or_assign(path, std::move(node));
}

const SnapshotFileSystem::Node* SnapshotFileSystem::find(const WinPath& path) const {
  const auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::optional<WinPath> SnapshotFileSystem::resolve_ancestors(const WinPath& path, int& hops) const {
  const auto parent = path.parent();
  if (!parent) return path;
  const auto resolved_parent = resolve_fully(*parent, hops);
  if (!resolved_parent) return std::nullopt;
  const Node* parent_node = find(*resolved_parent);
  if (!parent_node || parent_node->kind != NodeKind::directory) return std::nullopt;
  return expand_short_name(resolved_parent->child(path.filename()));
}

WinPath SnapshotFileSystem::expand_short_name(WinPath path) const {
  if (nodes_.count(path)) return path;
  const auto alias = short_names_.find(path);
  return alias == short_names_.end() ? path : alias->second;
}

std::optional<WinPath> SnapshotFileSystem::resolve_fully(const WinPath& path, int& hops) const {
  auto current = resolve_ancestors(path, hops);
  while (current) {
    const Node* node = find(*current);
    if (!node) return std::nullopt;
    if (!is_link(node->kind)) return current;
    if (++hops > kMaxLinkHops) return std::nullopt;
    current = resolve_ancestors(*node->target, hops);
  }
  return std::nullopt;
}

NodeKind SnapshotFileSystem::kind(const WinPath& path) const {
  int hops = 0;
  const auto resolved = resolve_ancestors(path, hops);
  if (!resolved) return NodeKind::missing;
  const Node* node = find(*resolved);
  return node ? node->kind : NodeKind::missing;
}

std::optional<std::string> SnapshotFileSystem::read_small_file(const WinPath& path,
                                                               std::size_t max_bytes) const {
  const auto resolved = canonical(path);
  if (!resolved) return std::nullopt;
  const Node* node = find(*resolved);
  if (!node || node->kind != NodeKind::file || node->content.size() > max_bytes)
    return std::nullopt;
  return node->content;
}

std::optional<WinPath> SnapshotFileSystem::canonical(const WinPath& path) const {
  int hops = 0;
  return resolve_fully(path, hops);
}

std::vector<std::string> SnapshotFileSystem::list_directory(const WinPath& directory) const {
  const auto resolved = canonical(directory);
  if (!resolved) return {};
  const auto it = children_.find(*resolved);
  return it == children_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<DirectoryStamp> SnapshotFileSystem::directory_stamp(const WinPath& directory) const {
  const auto resolved = canonical(directory);
  const Node* node = resolved ? find(*resolved) : nullptr;
  if (!node || node->kind != NodeKind::directory) return std::nullopt;
  const auto time = change_times_.find(*resolved);
  return DirectoryStamp{resolved->identity(),
                        time == change_times_.end() ? kFnv1aOffset >> 1 : time->second};
}

bool SnapshotFileSystem::directory_unchanged(const WinPath& directory,
                                             const DirectoryStamp& stamp) const {
  return stamp.change_time && directory_stamp(directory) == stamp;
}

std::optional<DirectoryListing> SnapshotFileSystem::read_directory(const WinPath& directory) const {
  auto stamp = directory_stamp(directory);
  if (!stamp) return std::nullopt;
  DirectoryListing listing{std::move(*stamp), {}};
  const WinPath resolved = *canonical(directory);
  if (const auto it = children_.find(resolved); it != children_.end()) {
    for (const auto& name : it->second) {
      listing.entries.push_back({name, find(resolved.child(name))->kind});
    }
  }
  return listing;
}

void SnapshotFileSystem::compute_change_times() {
  for (const auto& [directory, names] : children_) {
    std::uint64_t digest = kFnv1aOffset;
    for (const auto& name : names) {
      const auto kind = static_cast<int>(find(directory.child(name))->kind);
      digest = fnv1a_64(name + '/' + std::to_string(kind) + '\n', digest);
    }
    change_times_.insert_or_assign(directory, static_cast<std::int64_t>(digest >> 1));
  }
}

DriveType SnapshotFileSystem::drive_type(const WinPath& path) const {
  if (path.kind() == WinPathKind::unc) return DriveType::remote;
  const auto letter = path.drive_letter();
  if (letter && remote_drives_.count(*letter)) return DriveType::remote;
  return path.kind() == WinPathKind::drive ? DriveType::local : DriveType::unknown;
}

}  // namespace winsandbox
