#include "winsandbox/child_env.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "common/text.hpp"

namespace winsandbox {
namespace {

constexpr std::string_view kDefaultPathext = ".COM;.EXE;.BAT;.CMD";
constexpr std::string_view kBlackholeProxy = "http://127.0.0.1:9";
// A `.git` gitdir file or `commondir` file is one short line; anything longer is not one.
constexpr std::size_t kMaxGitPointerFile = 4096;

void set_if_absent(Environment& env, std::string_view key, std::string_view value) {
  if (!env.contains(key)) env.set(key, value);
}

// Replaces every spelling of `key` with the canonical upper-case one.
void set_canonical(Environment& env, std::string_view key, std::string_view value) {
  const std::string copy(value);  // `value` may point into `env`
  env.erase(key);
  env.set(key, copy);
}

// Step 1.
void normalize_null_device(Environment& env) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : env.entries()) {
    const auto text = trim_ascii(value);
    if (iequals_ascii(text, "/dev/null") || iequals_ascii(text, "\\dev\\null")) {
      keys.push_back(key);
    }
  }
  for (const auto& key : keys) env.set(key, "NUL");
}

// Step 2.
void ensure_non_interactive_pager(Environment& env) {
  set_if_absent(env, "GIT_PAGER", "more.com");
  set_if_absent(env, "PAGER", "more.com");
  set_if_absent(env, "LESS", "");
}

// Step 3.
void inherit_path(Environment& env, const ChildEnvironmentOptions& options) {
  if (options.inherited_path) set_if_absent(env, "PATH", *options.inherited_path);
  if (options.inherited_pathext) set_if_absent(env, "PATHEXT", *options.inherited_pathext);
}

// Step 4 helpers.

// A path written in a git pointer file (`gitdir: <p>`, `commondir` content), relative to `base`.
std::optional<WinPath> git_pointer_target(const WinPath& base, std::string_view written) {
  written = trim_ascii(written);
  if (written.empty()) return std::nullopt;
  if (WinPath::looks_absolute(written)) return WinPath::try_parse(written);
  // Relative: `..` may climb above `base`, so parse the concatenation (which folds it).
  return WinPath::try_parse(base.str() + "\\" + std::string(written));
}

// For a `.git` gitdir file of a linked worktree, the main worktree: gitdir/commondir names the
// shared `.git` directory, whose parent is the main worktree.
std::optional<WinPath> main_worktree_of_linked(const WinPath& worktree, const FileSystemView& fs) {
  const WinPath marker = worktree.join(".git");
  if (fs.kind(marker) != NodeKind::file) return std::nullopt;
  const auto content = fs.read_small_file(marker, kMaxGitPointerFile);
  if (!content) return std::nullopt;
  std::string_view first_line = std::string_view(*content).substr(0, content->find('\n'));
  constexpr std::string_view kGitdir = "gitdir:";
  if (!first_line.starts_with(kGitdir)) return std::nullopt;
  const auto gitdir = git_pointer_target(worktree, first_line.substr(kGitdir.size()));
  if (!gitdir) return std::nullopt;
  const auto commondir_text = fs.read_small_file(gitdir->join("commondir"), kMaxGitPointerFile);
  if (!commondir_text) return std::nullopt;  // a submodule, not a linked worktree
  const auto first = std::string_view(*commondir_text).substr(0, commondir_text->find('\n'));
  const auto common = git_pointer_target(*gitdir, first);
  if (!common || !iequals_ascii(common->filename(), ".git")) return std::nullopt;
  const auto canonical = fs.canonical(*common);
  const auto main_git = canonical.value_or(*common);
  return main_git.parent();
}

// The nearest directory at or above `start` holding a `.git` entry.
std::optional<WinPath> enclosing_worktree(const WinPath& start, const FileSystemView& fs) {
  std::optional<WinPath> dir = fs.canonical(start).value_or(start);
  for (; dir; dir = dir->parent()) {
    if (fs.kind(dir->join(".git")) != NodeKind::missing) return dir;
  }
  return std::nullopt;
}

std::string forward_slashes(const WinPath& path) {
  std::string text = path.str();
  std::replace(text.begin(), text.end(), '\\', '/');
  return text;
}

std::uint32_t parse_count(std::optional<std::string_view> text) {
  if (!text) return 0;
  const auto trimmed = trim_ascii(*text);
  std::uint32_t count = 0;
  const auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), count);
  if (error != std::errc() || end != trimmed.data() + trimmed.size()) return 0;
  return count;
}

// Step 4.
void inject_git_safe_directories(Environment& env, const ChildEnvironmentOptions& options,
                                 const FileSystemView& fs) {
  std::vector<WinPath> starts;
  if (options.command_cwd) starts.push_back(*options.command_cwd);
  starts.insert(starts.end(), options.writable_roots.begin(), options.writable_roots.end());

  std::vector<WinPath> roots;
  auto add = [&roots](const WinPath& root) {
    if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
  };
  for (const auto& start : starts) {
    const auto worktree = enclosing_worktree(start, fs);
    if (!worktree) continue;
    add(*worktree);
    if (const auto main = main_worktree_of_linked(*worktree, fs)) add(*main);
  }
  if (roots.empty()) return;

  std::uint32_t count = parse_count(env.get("GIT_CONFIG_COUNT"));
  std::vector<WinPath> listed;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto key = env.get("GIT_CONFIG_KEY_" + std::to_string(i));
    const auto value = env.get("GIT_CONFIG_VALUE_" + std::to_string(i));
    if (!key || !value || !iequals_ascii(trim_ascii(*key), "safe.directory")) continue;
    if (trim_ascii(*value) == "*") return;  // the caller already trusts every repository
    if (auto path = WinPath::try_parse(*value)) listed.push_back(std::move(*path));
  }
  const std::uint32_t before = count;
  for (const auto& root : roots) {
    if (std::find(listed.begin(), listed.end(), root) != listed.end()) continue;
    env.set("GIT_CONFIG_KEY_" + std::to_string(count), "safe.directory");
    env.set("GIT_CONFIG_VALUE_" + std::to_string(count), forward_slashes(root));
    ++count;
  }
  if (count != before) env.set("GIT_CONFIG_COUNT", std::to_string(count));
}

// Step 5 helpers.
void prepend_path(Environment& env, const WinPath& directory) {
  const std::string existing(env.get("PATH").value_or(""));
  const auto first = trim_ascii(split(existing, ';').front());
  const auto first_path = WinPath::try_parse(first);
  if ((first_path && *first_path == directory) || iequals_ascii(first, directory.str())) {
    set_canonical(env, "PATH", existing);
    return;
  }
  set_canonical(env, "PATH", existing.empty() ? directory.str() : directory.str() + ";" + existing);
}

void reorder_pathext_for_stubs(Environment& env) {
  const std::string exts(env.get("PATHEXT").value_or(kDefaultPathext));
  std::optional<std::string_view> bat;
  std::optional<std::string_view> cmd;
  std::vector<std::string_view> rest;
  for (const auto item : split(exts, ';')) {
    if (item.empty()) continue;
    if (iequals_ascii(item, ".BAT")) {
      if (!bat) bat = item;
    } else if (iequals_ascii(item, ".CMD")) {
      if (!cmd) cmd = item;
    } else {
      rest.push_back(item);
    }
  }
  std::string joined;
  auto append = [&joined](std::string_view item) {
    if (!joined.empty()) joined += ';';
    joined += item;
  };
  if (bat) append(*bat);
  if (cmd) append(*cmd);
  for (const auto item : rest) append(item);
  set_canonical(env, "PATHEXT", joined);
}

// Step 5.
void apply_advisory_no_network(Environment& env, const ChildEnvironmentOptions& options) {
  env.set("SBX_NONET_ACTIVE", "1");
  for (const auto key :
       {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "GIT_HTTP_PROXY", "GIT_HTTPS_PROXY"}) {
    set_if_absent(env, key, kBlackholeProxy);
  }
  set_if_absent(env, "NO_PROXY", "localhost,127.0.0.1,::1");
  set_if_absent(env, "PIP_NO_INDEX", "1");
  set_if_absent(env, "PIP_DISABLE_PIP_VERSION_CHECK", "1");
  set_if_absent(env, "NPM_CONFIG_OFFLINE", "true");
  set_if_absent(env, "CARGO_NET_OFFLINE", "true");
  set_if_absent(env, "GIT_SSH_COMMAND", "cmd /c exit 1");
  set_if_absent(env, "GIT_ALLOW_PROTOCOLS", "");
  if (options.denybin_directory) {
    prepend_path(env, *options.denybin_directory);
    reorder_pathext_for_stubs(env);
  }
}

}  // namespace

Environment build_child_environment(const Environment& input,
                                    const ChildEnvironmentOptions& options,
                                    const FileSystemView& fs) {
  Environment env = input;
  normalize_null_device(env);
  ensure_non_interactive_pager(env);
  inherit_path(env, options);
  if (options.backend == SandboxBackend::elevated) {
    inject_git_safe_directories(env, options, fs);
  }
  if (options.backend == SandboxBackend::unelevated && options.network_blocked) {
    apply_advisory_no_network(env, options);
  }
  return env;
}

const std::vector<DenybinStub>& denybin_stubs() {
  static const std::vector<DenybinStub> stubs = [] {
    std::vector<DenybinStub> result;
    for (const char* tool : {"ssh", "scp"}) {
      for (const char* extension : {".bat", ".cmd"}) {
        result.push_back({std::string(tool) + extension, "@echo off\r\nexit /b 1\r\n"});
      }
    }
    return result;
  }();
  return stubs;
}

}  // namespace winsandbox
