#include "model/protected_paths.hpp"

#include <algorithm>
#include <string>

#include "common/text.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::size_t kMaxGitPointerBytes = 4096;
constexpr std::string_view kGitDirPrefix = "gitdir:";

void push_unique(std::vector<WinPath>& paths, WinPath path) {
  if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(std::move(path));
}

// The worktree/submodule git directory a `.git` pointer file names, if it exists.
std::optional<WinPath> git_pointer_target(const WinPath& dot_git, const FileSystemView& fs) {
  const auto content = fs.read_small_file(dot_git, kMaxGitPointerBytes);
  if (!content) return std::nullopt;
  const std::string_view text = trim_ascii(*content);
  if (text.substr(0, kGitDirPrefix.size()) != kGitDirPrefix) return std::nullopt;
  const std::string_view value = trim_ascii(text.substr(kGitDirPrefix.size()));
  if (value.empty()) return std::nullopt;
  const auto parent = dot_git.parent();
  if (!parent) return std::nullopt;
  auto target = resolve_path_reference(*parent, value);
  if (!target || !fs.exists(*target)) return std::nullopt;
  return target;
}

// `target_roots` null: a git pointer target is listed wherever it is.
std::vector<WinPath> list_read_only_subpaths(const WinPath& root, MissingMetadataProtection missing,
                                             const FileSystemView& fs,
                                             const std::vector<WinPath>* target_roots) {
  std::vector<WinPath> subpaths;
  const WinPath dot_git = root.join(".git");
  if (fs.is_file(dot_git)) {
    auto target = git_pointer_target(dot_git, fs);
    const auto inside_a_root = [&](const WinPath& path) {
      return std::any_of(target_roots->begin(), target_roots->end(),
                         [&](const WinPath& r) { return path.is_within(r); });
    };
    if (target && (!target_roots || inside_a_root(*target))) {
      push_unique(subpaths, std::move(*target));
    }
    push_unique(subpaths, dot_git);
  } else if (missing.dot_git || fs.is_directory(dot_git)) {
    push_unique(subpaths, dot_git);
  }
  const WinPath dot_agents = root.join(".agents");
  if (missing.dot_agents || fs.is_directory(dot_agents)) push_unique(subpaths, dot_agents);
  const WinPath dot_codex = root.join(".codex");
  if (missing.dot_codex || fs.is_directory(dot_codex)) push_unique(subpaths, dot_codex);
  return subpaths;
}

}  // namespace

std::optional<WinPath> resolve_path_reference(const WinPath& base, std::string_view reference) {
  if (WinPath::looks_absolute(reference)) return WinPath::try_parse(reference);
  WinPath current = base;
  std::size_t start = 0;
  while (start <= reference.size()) {
    const auto end = reference.find_first_of("/\\", start);
    const auto part = reference.substr(start, end == std::string_view::npos ? end : end - start);
    if (part == "..") {
      if (auto parent = current.parent()) current = std::move(*parent);
    } else if (!part.empty() && part != ".") {
      try {
        current = current.join(part);
      } catch (const Error&) {
        return std::nullopt;
      }
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return current;
}

std::vector<WinPath> default_read_only_subpaths(const WinPath& root,
                                                MissingMetadataProtection missing,
                                                const FileSystemView& fs) {
  return list_read_only_subpaths(root, missing, fs, nullptr);
}

std::vector<WinPath> default_read_only_subpaths(const WinPath& root,
                                                MissingMetadataProtection missing,
                                                const FileSystemView& fs,
                                                const std::vector<WinPath>& writable_roots) {
  return list_read_only_subpaths(root, missing, fs, &writable_roots);
}

}  // namespace winsandbox
