// Generated benchmark inputs: see bench_fixtures.hpp.
#include "bench_fixtures.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace winsandbox::bench {
namespace {

using Kind = FileSystemSpecialPath::Kind;
using Mode = FileSystemAccessMode;

constexpr const char* kTemp = "C:\\Users\\dev\\AppData\\Local\\Temp";
constexpr const char* kGroupSid = "S-1-5-21-9-9-9-513";

// Concatenation by appending: GCC 12 at -O3 misreports `"literal" + std::string` under
// -Wrestrict (GCC bug 105329), and warnings are errors.
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out += ... += parts);
  return out;
}

// JSON string escaping for the generated paths (only backslashes need it).
std::string quoted(const std::string& path) {
  std::string out = "\"";
  for (const char c : path) {
    if (c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

class SnapshotJson {
public:
  void dir(const std::string& path) { add(path, "dir"); }
  void file(const std::string& path) { add(path, "file"); }
  std::string str() const { return cat("{\"nodes\":[", nodes_, "]}"); }
  std::size_t count() const { return count_; }

private:
  void add(const std::string& path, const char* type) {
    if (count_++ != 0) nodes_ += ",\n";
    nodes_ += cat("{\"path\":", quoted(path), ",\"type\":\"", type, "\"}");
  }
  std::string nodes_;
  std::size_t count_ = 0;
};

FileSystemSandboxEntry special(Kind kind, Mode mode, std::optional<std::string> subpath = {}) {
  return {FileSystemSpecialPath{kind, {}, std::move(subpath)}, mode};
}
FileSystemSandboxEntry exact(const std::string& path, Mode mode) {
  return {WinPath::parse(path), mode};
}

std::vector<FileSystemSandboxEntry> workspace_write_entries() {
  return {
      special(Kind::root, Mode::read),
      special(Kind::project_roots, Mode::write),
      special(Kind::tmpdir, Mode::write),
      exact("D:\\scratch", Mode::write),
      special(Kind::project_roots, Mode::read, ".git"),
      {GlobPattern{"codex-project-roots://**/*.env"}, Mode::deny},
  };
}

CapabilitySids sids_for(const ResolvedPermissions& resolved) {
  std::vector<WinPath> roots;
  for (const auto& writable : resolved.writable_roots) roots.push_back(writable.root);
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  CapabilitySids sids{"S-1-5-21-1-2-3-4", {}};
  for (std::size_t i = 0; i < roots.size(); ++i) {
    sids.writable_roots.push_back({roots[i], cat("S-1-5-21-1-2-3-", std::to_string(100 + i))});
  }
  return sids;
}

std::unique_ptr<Scenario> make_scenario(std::vector<FileSystemSandboxEntry> entries,
                                        const SnapshotJson& snapshot) {
  Environment env;
  env.set("TEMP", kTemp);
  env.set("TMP", kTemp);
  AclPlanOptions options;
  options.sandbox_group_sid = kGroupSid;
  auto scenario = std::make_unique<Scenario>(Scenario{
      .profile =
          ManagedProfile{RestrictedFileSystem{std::move(entries), {}}, NetworkAccess::restricted},
      .fs = SnapshotFileSystem::from_json(snapshot.str()),
      .binding = ProfileBinding::for_profile_cwd(WinPath::parse("C:\\repo")),
      .cwd = WinPath::parse("C:\\repo"),
      .env = std::move(env),
      .sids = {},
      .options = std::move(options),
      .snapshot_nodes = snapshot.count(),
  });
  const ResolvedPermissions resolved =
      resolve(scenario->profile, scenario->binding, scenario->cwd, scenario->env, scenario->fs);
  scenario->sids = sids_for(resolved);
  return scenario;
}

void add_workspace_basics(SnapshotJson& snapshot) {
  snapshot.dir("C:\\repo\\.git");
  snapshot.dir("D:\\scratch");
  snapshot.dir(kTemp);
}

// `nodes` nodes: the workspace basics, then files three levels below C:\repo (1000 per
// package, 20 per module directory); every 100th file is a `.env` the deny-read glob matches.
SnapshotJson make_tree(std::size_t nodes) {
  SnapshotJson snapshot;
  add_workspace_basics(snapshot);
  for (std::size_t i = 0; snapshot.count() < nodes; ++i) {
    const std::string dir =
        cat("C:\\repo\\pkg", std::to_string(i / 1000), "\\mod", std::to_string(i / 20 % 50), "\\");
    snapshot.file(i % 100 == 99 ? cat(dir, "x", std::to_string(i), ".env")
                                : cat(dir, "f", std::to_string(i), ".ts"));
  }
  return snapshot;
}

// `files` files round-robin over C:\repo\pkg<d/20>\mod<d> for `dirs` directories d (the shape
// of the Wine walk benchmark); every 100th file is a `.env`.
SnapshotJson make_walk_tree(std::size_t files, std::size_t dirs) {
  SnapshotJson snapshot;
  add_workspace_basics(snapshot);
  for (std::size_t i = 0; i < files; ++i) {
    const std::size_t d = i % dirs;
    const std::string dir =
        cat("C:\\repo\\pkg", std::to_string(d / 20), "\\mod", std::to_string(d), "\\");
    snapshot.file(i % 100 == 99 ? cat(dir, "x", std::to_string(i), ".env")
                                : cat(dir, "f", std::to_string(i), ".ts"));
  }
  return snapshot;
}

}  // namespace

const Scenario& walk_scenario(std::size_t files, std::size_t dirs, bool with_glob) {
  static std::map<std::tuple<std::size_t, std::size_t, bool>, std::unique_ptr<Scenario>> cache;
  auto& slot = cache[{files, dirs, with_glob}];
  if (!slot) {
    auto entries = workspace_write_entries();
    if (!with_glob) {
      entries.erase(std::remove_if(entries.begin(), entries.end(),
                                   [](const FileSystemSandboxEntry& entry) {
                                     return std::holds_alternative<GlobPattern>(entry.path);
                                   }),
                    entries.end());
    }
    slot = make_scenario(std::move(entries), make_walk_tree(files, dirs));
  }
  return *slot;
}

const Scenario& profile_scenario(std::size_t entries) {
  static std::map<std::size_t, std::unique_ptr<Scenario>> cache;
  auto& slot = cache[entries];
  if (!slot) {
    auto list = workspace_write_entries();
    SnapshotJson snapshot;
    add_workspace_basics(snapshot);
    for (std::size_t k = 0; list.size() < entries; ++k) {
      const std::string n = std::to_string(k);
      switch (k % 3) {
        case 0:
          list.push_back(exact(cat("C:\\data\\d", n), Mode::read));
          snapshot.dir(cat("C:\\data\\d", n));
          break;
        case 1:
          list.push_back(exact(cat("C:\\repo\\pkg", n), Mode::read));
          snapshot.dir(cat("C:\\repo\\pkg", n));
          break;
        case 2:
          list.push_back(exact(cat("C:\\repo\\secret", n), Mode::deny));
          snapshot.file(cat("C:\\repo\\secret", n));
          break;
      }
    }
    slot = make_scenario(std::move(list), snapshot);
  }
  return *slot;
}

const std::string& tree_snapshot_json(std::size_t nodes) {
  static std::map<std::size_t, std::string> cache;
  auto& slot = cache[nodes];
  if (slot.empty()) slot = make_tree(nodes).str();
  return slot;
}

const Scenario& tree_scenario(std::size_t nodes) {
  static std::map<std::size_t, std::unique_ptr<Scenario>> cache;
  auto& slot = cache[nodes];
  if (!slot) {
    slot = make_scenario(workspace_write_entries(), make_tree(nodes));
  }
  return *slot;
}

AclPlan resolve_and_plan(const Scenario& scenario) {
  const ResolvedPermissions resolved =
      resolve(scenario.profile, scenario.binding, scenario.cwd, scenario.env, scenario.fs);
  return plan_acl(resolved, scenario.sids, scenario.options);
}

}  // namespace winsandbox::bench
