// Fuzz target: snapshot filesystems (SnapshotFileSystem::from_json) and resolution against them.
//
// Input: one selector byte, then snapshot JSON. The selector picks the profile and binding
// (selector % 4; seeds use the digits '0'..'3' so that they stay readable).
// Properties:
// * rejection is Error(invalid_snapshot) only;
// * for every path the snapshot lists (and each of its ancestors): canonical() is idempotent and
//   never names a link or a missing node; a directory's listed children exist; small-file reads
//   respect their size limit and come only from files;
// * resolve() either fails with a code it documents or gives a result that satisfies
//   check_resolved (explain, ACL plan, no-op refresh).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox::fuzz {
namespace {

struct Scenario {
  std::string_view profile_json;
  std::vector<std::string_view> workspace_roots;
  std::string_view cwd;
};

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = {
      // 0: workspace-write with TEMP and a deny-read glob over the project roots.
      {R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
       R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"},)"
       R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"},)"
       R"({"path":{"type":"special","value":{"kind":"tmpdir"}},"access":"write"},)"
       R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".git"}},)"
       R"("access":"read"},)"
       R"({"path":{"type":"glob_pattern","pattern":"codex-project-roots://**/*.env"},)"
       R"("access":"deny"}]},)"
       R"("network":"restricted"})",
       {"C:\\repo"},
       "C:\\repo\\sub"},
      // 1: read-only with network.
      {R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
       R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"}]},)"
       R"("network":"enabled"})",
       {"C:\\repo"},
       "C:\\repo"},
      // 2: two workspace roots, an extra writable root, exact deny-read and read carve-outs.
      {R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
       R"({"path":{"type":"special","value":{"kind":"minimal"}},"access":"read"},)"
       R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"},)"
       R"({"path":{"type":"path","path":"D:\\scratch"},"access":"write"},)"
       R"({"path":{"type":"path","path":"C:\\repo\\secret"},"access":"deny"},)"
       R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":"docs"}},)"
       R"("access":"read"},)"
       R"({"path":{"type":"glob_pattern","pattern":"C:\\repo\\**\\id_*"},"access":"deny"}],)"
       R"("glob_scan_max_depth":4},"network":"restricted"})",
       {"C:\\repo", "C:\\other"},
       "C:\\other\\x"},
      // 3: the legacy untagged shape.
      {R"({"network":{"enabled":true},"file_system":{"read":["C:\\docs"],"write":["c:/repo"]}})",
       {"C:\\repo"},
       "C:\\repo"},
  };
  return all;
}

// Every `path` string in the snapshot JSON that parses, plus its ancestors.
std::vector<WinPath> listed_paths(std::string_view json) {
  std::vector<WinPath> paths;
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("nodes") || !doc["nodes"].is_array()) return paths;
  for (const auto& node : doc["nodes"]) {
    if (!node.is_object() || !node.contains("path") || !node["path"].is_string()) continue;
    for (auto path = WinPath::try_parse(node["path"].get<std::string>()); path;
         path = path->parent()) {
      paths.push_back(*path);
    }
    if (paths.size() > 200) break;  // bounded work per input
  }
  return paths;
}

void check_view(const SnapshotFileSystem& fs, const std::vector<WinPath>& paths) {
  for (const auto& path : paths) {
    const NodeKind kind = fs.kind(path);
    (void)fs.drive_type(path);
    const std::optional<WinPath> canonical = fs.canonical(path);
    if (canonical) {
      const NodeKind target = fs.kind(*canonical);
      WS_FUZZ_CHECK(target == NodeKind::file || target == NodeKind::directory,
                    path.str() + " -> " + canonical->str());
      WS_FUZZ_CHECK(fs.canonical(*canonical) == canonical, path.str());
      WS_FUZZ_CHECK(fs.exists(path), path.str());
    } else {
      WS_FUZZ_CHECK(!fs.exists(path), path.str() + " exists but has no canonical path");
    }
    if (kind == NodeKind::file || kind == NodeKind::directory) {
      WS_FUZZ_CHECK(canonical.has_value(), path.str() + " has no canonical path");
    }
    for (const std::size_t limit : {std::size_t{0}, std::size_t{4}, std::size_t{4096}}) {
      const auto content = fs.read_small_file(path, limit);
      WS_FUZZ_CHECK(!content || content->size() <= limit, path.str());
      WS_FUZZ_CHECK(!content || fs.is_file(path), path.str());
    }
    if (fs.is_directory(path)) {
      for (const auto& name : fs.list_directory(path)) {
        WS_FUZZ_CHECK(fs.kind(path.child(name)) != NodeKind::missing, path.str() + " / " + name);
      }
    }
  }
}

}  // namespace

void check_snapshot_resolve(std::string_view input) {
  if (input.empty()) return;
  const Scenario& scenario = scenarios()[static_cast<unsigned char>(input[0]) % scenarios().size()];
  const std::string_view json = input.substr(1);

  std::optional<SnapshotFileSystem> fs;
  try {
    fs = SnapshotFileSystem::from_json(json);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_snapshot}, "SnapshotFileSystem::from_json");
    return;
  }
  check_view(*fs, listed_paths(json));

  ProfileBinding binding;
  for (const auto root : scenario.workspace_roots) {
    binding.workspace_roots.push_back(WinPath::parse(root));
  }
  Environment env;
  env.set("TMP", "C:\\Users\\dev\\AppData\\Local\\Temp");
  env.set("https_proxy", "http://localhost:8080");
  std::optional<ResolvedPermissions> resolved;
  try {
    resolved = resolve(profile_from_json(scenario.profile_json), binding,
                       WinPath::parse(scenario.cwd), env, *fs);
  } catch (const Error& e) {
    require_documented(
        e,
        {ErrorCode::unc_path_unsupported, ErrorCode::invalid_profile, ErrorCode::invalid_glob,
         // Not in resolve.hpp's list; thrown when a root resolves, through a
         // link, to a device path (reported).
         ErrorCode::invalid_path},
        "resolve");
    return;
  }
  check_resolved(*resolved, *fs);
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_snapshot_resolve)
