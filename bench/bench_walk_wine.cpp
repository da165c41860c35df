// The deny-read glob walk on a real (Wine) disk, as ratios within one run
// (docs/resolution.md#glob-expansion-cache). For workspaces of 2 000, 20 000 and 100 000 files
// in 400 directories (and 100 000 in 2 000), interleaved round by round:
//
// | case                      | what                                                            |
// |---------------------------|-----------------------------------------------------------------|
// | BM_WineWalk_Plain         | one plain enumeration of the tree (recursive FindFirstFileExW,  |
// |                           | FindExInfoBasic + large fetch): `dir /s /b` without the output |
// | BM_WineWalk_Legacy        | the walk as it was (exists, is_directory per entry, canonical   |
// |                           | and list per directory), up to 20 000 files                     |
// | BM_WineWalk_Cold          | expand_glob, cache file removed first: every directory read,    |
// |                           | the cache written                                               |
// | BM_WineWalk_Warm          | expand_glob on the unchanged tree with its cache                |
// | BM_WineCommand_NoGlob     | run_capture_for_permission_profile, workspace-write, trivial    |
// |                           | child                                                           |
// | BM_WineCommand_Glob       | the same plus the resolve of the profile with the glob          |
// |                           | `codex-project-roots://**/*.env` through the warm cache         |
// | BM_WineWalk_DirSB         | `cmd /c dir /s /b <tree> >NUL`: the listing issue 15 measured   |
// |                           | against, process start and output included                     |
// | BM_WineElevated_NoGlob    | run_capture_for_permission_profile_elevated (the runner started |
// |                           | by the direct test launcher), workspace-write, trivial child    |
// | BM_WineElevated_Glob      | the same capture with the glob: the backend that enforces       |
// |                           | deny-read globs, warm (its cache in the sandbox home)           |
//
// The unelevated backend refuses deny-read globs (only the elevated one enforces them) and does
// so after resolving the profile, so a capture with the glob cannot run whole there; what the
// glob adds to such a command is its resolve, which BM_WineCommand_Glob adds to the capture. The
// elevated pair is the whole command with and without the glob.
//
// The legacy walk is also profiled once per tree (time and calls per FileSystemView method),
// printed before the rounds. Trees are made once under %TEMP%\winsandbox-bench-walk and kept.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <windows.h>

#include "resolve/glob.hpp"
#include "win/handles.hpp"
#include "win/unicode.hpp"
#include "wine_harness.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/glob_cache.hpp"
#include "winsandbox/logging.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::bench {
namespace {

constexpr char kGlob[] = "codex-project-roots://**/*.env";

struct Tree {
  std::size_t files;
  std::size_t dirs;  // module directories (plus one package directory per 20)
  std::string label() const {
    return "files:" + std::to_string(files) + "/dirs:" + std::to_string(dirs);
  }
};

void create_file(const std::filesystem::path& path) {
  const win::UniqueHandle file(CreateFileW(path.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                                           FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file) throw std::runtime_error("cannot create " + win::to_utf8(path.wstring()));
}

// "<prefix><n><suffix>", appended piece by piece: `"x" + std::string&&` trips GCC 12's
// -Wrestrict at -O3 (a false positive that fails the Release build).
std::string numbered(std::string_view prefix, std::size_t n, std::string_view suffix = {}) {
  std::string name(prefix);
  name += std::to_string(n);
  name += suffix;
  return name;
}

// repo\pkg<i/20>\mod<i>\ holding the files round-robin; every 100th file is a `.env`.
std::filesystem::path make_tree(const std::filesystem::path& base, const Tree& tree) {
  const auto root = base / (numbered("f", tree.files) + numbered("-d", tree.dirs));
  const auto repo = root / "repo";
  if (std::filesystem::exists(root / "complete")) return repo;
  std::filesystem::remove_all(root);
  std::vector<std::filesystem::path> dirs;
  for (std::size_t d = 0; d < tree.dirs; ++d) {
    dirs.push_back(repo / numbered("pkg", d / 20) / numbered("mod", d));
    std::filesystem::create_directories(dirs.back());
  }
  for (std::size_t i = 0; i < tree.files; ++i) {
    const std::string name = i % 100 == 99 ? numbered("x", i, ".env") : numbered("f", i, ".ts");
    create_file(dirs[i % dirs.size()] / name);
  }
  create_file(root / "complete");
  return repo;
}

// Plain enumeration of everything below `dir`, as `dir /s /b` does it.
std::size_t enumerate(const std::wstring& dir) {
  std::size_t count = 0;
  WIN32_FIND_DATAW data{};
  win::UniqueFindHandle find(FindFirstFileExW((dir + L"\\*").c_str(), FindExInfoBasic, &data,
                                              FindExSearchNameMatch, nullptr,
                                              FIND_FIRST_EX_LARGE_FETCH));
  if (!find) return 0;
  do {
    const std::wstring_view name = data.cFileName;
    if (name == L"." || name == L"..") continue;
    ++count;
    if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
        !(data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
      count += enumerate(dir + L"\\" + std::wstring(name));
    }
  } while (FindNextFileW(find.get(), &data));
  return count;
}

// Time and calls per method of the view it wraps.
class ProfilingView final : public FileSystemView {
public:
  struct Cost {
    std::size_t calls = 0;
    double ms = 0;
  };
  mutable std::map<std::string, Cost> costs;

  explicit ProfilingView(const FileSystemView& inner) : inner_(inner) {}
  template <typename F>
  auto timed(const char* what, F&& f) const {
    const auto start = std::chrono::steady_clock::now();
    auto result = f();
    Cost& cost = costs[what];
    ++cost.calls;
    cost.ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
  NodeKind kind(const WinPath& path) const override {
    return timed("kind", [&] { return inner_.kind(path); });
  }
  std::optional<std::string> read_small_file(const WinPath& path,
                                             std::size_t max_bytes) const override {
    return inner_.read_small_file(path, max_bytes);
  }
  std::optional<WinPath> canonical(const WinPath& path) const override {
    return timed("canonical", [&] { return inner_.canonical(path); });
  }
  std::vector<std::string> list_directory(const WinPath& directory) const override {
    return timed("list_directory", [&] { return inner_.list_directory(directory); });
  }
  DriveType drive_type(const WinPath& path) const override { return inner_.drive_type(path); }

private:
  const FileSystemView& inner_;
};

// The walk before issue 15, verbatim in its calls: exists + matches + is_directory per entry,
// canonical + list_directory per directory.
std::vector<WinPath> legacy_walk(const GlobMatcher& glob, const FileSystemView& fs,
                                 double* match_ms = nullptr) {
  std::vector<WinPath> matches;
  std::set<WinPath> visited;
  std::vector<WinPath> stack{glob.scan_root()};
  while (!stack.empty()) {
    WinPath current = std::move(stack.back());
    stack.pop_back();
    if (!fs.exists(current)) continue;
    const auto start = std::chrono::steady_clock::now();
    if (glob.matches(current)) matches.push_back(current);
    if (match_ms) {
      *match_ms +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
    }
    if (!fs.is_directory(current)) continue;
    const auto canonical = fs.canonical(current);
    if (!canonical || !visited.insert(*canonical).second) continue;
    auto names = fs.list_directory(current);
    for (auto it = names.rbegin(); it != names.rend(); ++it) stack.push_back(current.child(*it));
  }
  return matches;
}

PermissionProfile workspace_write(bool with_glob) {
  std::vector<FileSystemSandboxEntry> entries = {
      {FileSystemSpecialPath{FileSystemSpecialPath::Kind::root, {}, {}},
       FileSystemAccessMode::read},
      {FileSystemSpecialPath{FileSystemSpecialPath::Kind::project_roots, {}, {}},
       FileSystemAccessMode::write},
  };
  if (with_glob) entries.push_back({GlobPattern{kGlob}, FileSystemAccessMode::deny});
  return ManagedProfile{RestrictedFileSystem{std::move(entries), {}}, NetworkAccess::restricted};
}

void expect(bool condition, const std::string& what) {
  if (!condition) throw std::runtime_error(what);
}

int run(int argc, char** argv) {
  const HarnessArguments args = parse_harness_arguments(argc, argv, 5);
  std::size_t max_files = 100000;
  bool skip_legacy = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--max-files=", 0) == 0) max_files = std::stoul(arg.substr(12));
    // Many rounds of the fast cases: the legacy walk takes seconds per round.
    if (arg == "--skip-legacy") skip_legacy = true;
    // The library's debug records: each walk's directories read and reused.
    if (arg == "--debug") logger()->set_level(spdlog::level::debug);
  }
  // The elevated rows' runner runs as this user (the direct test launcher): no setup, no logon.
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", L"direct");
  const auto base = std::filesystem::temp_directory_path() / "winsandbox-bench-walk";
  const auto home = base / "home";
  const auto elevated_home = base / "elevated-home";
  std::filesystem::create_directories(elevated_home);
  std::filesystem::create_directories(home);
  const GlobExpansionCache cache = GlobExpansionCache::in_sandbox_home(home);
  const auto fs = open_host_file_system();
  const WinPath child = own_directory().join("bench_child.exe");
  const Environment env = system_root_environment();

  std::vector<std::unique_ptr<Samples>> all;
  for (const Tree& tree :
       {Tree{2000, 400}, Tree{20000, 400}, Tree{100000, 400}, Tree{100000, 2000}}) {
    if (tree.files > max_files) continue;
    const auto made_at = std::chrono::steady_clock::now();
    const std::filesystem::path repo_path = make_tree(base, tree);
    const WinPath repo = WinPath::parse(win::to_utf8(repo_path.wstring()));
    std::printf("tree %s ready in %.1f s\n", tree.label().c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - made_at).count());
    // Directory times younger than 2 s are never cached (docs/resolution.md#glob-expansion-cache).
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));

    const GlobMatcher glob = GlobMatcher::compile(repo.str() + "\\**\\*.env");
    const auto expected = expand_glob(glob, std::nullopt, *fs);
    expect(expected.size() == tree.files / 100, tree.label() + ": unexpected match count");
    const auto cache_file = [&] { std::filesystem::remove_all(cache.directory()); };

    if (tree.files <= 20000 && !skip_legacy) {
      ProfilingView profiled(*fs);
      double match_ms = 0;
      const auto start = std::chrono::steady_clock::now();
      expect(legacy_walk(glob, profiled, &match_ms).size() == expected.size(), "legacy walk");
      const double total =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      std::printf("profile of the legacy walk, %s: %.0f ms in all; glob matching %.0f ms\n",
                  tree.label().c_str(), total, match_ms);
      for (const auto& [method, cost] : profiled.costs) {
        std::printf("  %-16s %8zu calls %9.0f ms (%.0f%%)\n", method.c_str(), cost.calls, cost.ms,
                    100.0 * cost.ms / total);
      }
    }

    const auto add = [&](const std::string& name) {
      all.push_back(std::make_unique<Samples>(Samples{name + "/" + tree.label(), {}, {}}));
      return all.back().get();
    };
    CaptureRequest capture;
    capture.profile = workspace_write(false);
    capture.binding = ProfileBinding::for_profile_cwd(repo);
    capture.command = {child.str(), "hello"};
    capture.cwd = repo.str();
    capture.env = env;
    capture.sandbox_home = home.wstring();
    const PermissionProfile with_glob = workspace_write(true);
    const auto run_command = [&] {
      const CaptureResult result = run_capture_for_permission_profile(capture);
      expect(result.exit_code == 0 && result.stdout_bytes == "hello from bench_child\n",
             "capture failed");
    };

    std::vector<Case> cases;
    cases.push_back({add("BM_WineWalk_Plain"),
                     [&] { expect(enumerate(win::to_wide(repo.str())) > tree.files, "plain"); }});
    if (tree.files <= 20000 && !skip_legacy) {
      cases.push_back({add("BM_WineWalk_Legacy"),
                       [&] { expect(legacy_walk(glob, *fs) == expected, "legacy walk"); }});
    }
    cases.push_back({add("BM_WineWalk_Cold"), [&] {
                       cache_file();
                       expect(expand_glob(glob, std::nullopt, *fs, &cache) == expected, "cold");
                     }});
    // Warm: its cache written by the case itself in the warm-up round.
    const GlobExpansionCache warm_cache = GlobExpansionCache(home / "warm_cache");
    cases.push_back(
        {add("BM_WineWalk_Warm"),
         [&] { expect(expand_glob(glob, std::nullopt, *fs, &warm_cache) == expected, "warm"); }});
    cases.push_back({add("BM_WineCommand_NoGlob"), run_command});
    cases.push_back({add("BM_WineCommand_Glob"), [&] {
                       const ResolvedPermissions resolved = resolve(
                           with_glob, capture.binding, repo, env, *fs, {.glob_cache = &warm_cache});
                       expect(resolved.deny_read.size() == expected.size(), "glob resolve");
                       run_command();
                     }});
    cases.push_back({add("BM_WineWalk_DirSB"), [&] {
                       const std::wstring listing =
                           L"dir /s /b \"" + win::to_wide(repo.str()) + L"\" >NUL";
                       expect(_wsystem(listing.c_str()) == 0, "dir /s /b");
                     }});
    const auto run_elevated = [&](bool glob) {
      ElevatedProfileCaptureRequest elevated{.capture = capture};
      elevated.capture.sandbox_home = elevated_home;  // its own cache, never the cold case's
      if (glob) elevated.capture.profile = with_glob;
      const CaptureResult result = run_capture_for_permission_profile_elevated(elevated);
      expect(result.exit_code == 0 && result.stdout_bytes == "hello from bench_child\n",
             "elevated capture failed");
    };
    cases.push_back({add("BM_WineElevated_NoGlob"), [&] { run_elevated(false); }});
    cases.push_back({add("BM_WineElevated_Glob"), [&] { run_elevated(true); }});
    run_rounds(cases, args.rounds, 1);
    std::vector<const Samples*> these;
    for (const auto& [samples, run_case] : cases) these.push_back(samples);
    print_samples("deny-read glob walk, " + tree.label() + " (ms)", these);
  }
  std::vector<const Samples*> samples;
  for (const auto& s : all) samples.push_back(s.get());
  write_benchmark_json(args.out_file, "bench_walk_wine.exe", kGlob, samples);
  return 0;
}

}  // namespace
}  // namespace winsandbox::bench

int main(int argc, char** argv) {
  return winsandbox::bench::guarded_main("bench_walk_wine", winsandbox::bench::run, argc, argv);
}
