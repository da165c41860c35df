#include "plan/program_resolution.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::string_view kDefaultPathext = ".COM;.EXE;.BAT;.CMD";

bool is_separator(char c) {
  return c == '\\' || c == '/';
}

std::vector<std::string> executable_extensions(const Environment& env) {
  std::vector<std::string> extensions;
  for (auto item : split(env.get("PATHEXT").value_or(kDefaultPathext), ';')) {
    item = trim_ascii(item);
    if (item.size() > 1 && item.front() == '.') extensions.emplace_back(item);
  }
  return extensions;
}

// The extension of the last component (`.exe` of `git.exe`), empty if none. A leading dot
// (`.hidden`) does not start an extension.
std::string_view extension_of(std::string_view name) {
  const auto last_separator = name.find_last_of("\\/");
  const auto file =
      last_separator == std::string_view::npos ? name : name.substr(last_separator + 1);
  const auto dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return file.substr(dot);
}

// Joins a relative name to an absolute directory; `..` may climb (and is clamped at the root,
// as Win32 does). nullopt if the result is not a valid path.
std::optional<WinPath> under(const WinPath& directory, std::string_view relative) {
  return WinPath::try_parse(directory.str() + "\\" + std::string(relative));
}

// PATH entries as absolute directories, in order.
std::vector<WinPath> path_directories(const Environment& env, const WinPath& cwd) {
  std::vector<WinPath> directories;
  for (auto entry : split(env.get("PATH").value_or(""), ';')) {
    entry = trim_ascii(entry);
    if (entry.size() >= 2 && entry.front() == '"' && entry.back() == '"') {
      entry = trim_ascii(entry.substr(1, entry.size() - 2));
    }
    if (entry.empty()) continue;
    std::optional<WinPath> directory;
    if (WinPath::looks_absolute(entry)) {
      directory = WinPath::try_parse(entry);
    } else if (!is_separator(entry.front()) && entry.find(':') == std::string_view::npos) {
      directory = under(cwd, entry);
    }
    if (directory) directories.push_back(std::move(*directory));
  }
  return directories;
}

bool is_launchable_file(const WinPath& path, const FileSystemView& fs) {
  switch (fs.kind(path)) {
    case NodeKind::file: return true;
    // A dangling or unresolvable link counts: App Execution Aliases are reparse points that
    // only CreateProcess knows how to follow.
    case NodeKind::symlink: return !fs.is_directory(path);
    case NodeKind::missing:
    case NodeKind::directory:
    case NodeKind::junction: return false;
  }
  return false;
}

}  // namespace

WinPath resolve_program(std::string_view program, const WinPath& cwd, const Environment& child_env,
                        const FileSystemView& fs) {
  if (program.find('\0') != std::string_view::npos) {
    throw Error(ErrorCode::invalid_argument, "the program name may not contain NUL");
  }
  if (program.empty()) throw Error(ErrorCode::invalid_argument, "the program name is empty");

  // Where `program` may be, as full names still lacking any PATHEXT extension.
  std::vector<WinPath> bases;
  bool explicit_path = true;
  if (WinPath::looks_absolute(program)) {
    bases.push_back(WinPath::parse(program));
  } else if (is_separator(program.front()) || program.find(':') != std::string_view::npos) {
    throw Error(ErrorCode::invalid_argument,
                "the program `" + std::string(program) +
                    "` is drive-relative or rooted; use an absolute path or one relative to the "
                    "working directory");
  } else if (program.find_first_of("\\/") != std::string_view::npos || program == "." ||
             program == "..") {
    if (auto base = under(cwd, program)) bases.push_back(std::move(*base));
  } else {
    explicit_path = false;
    if (!child_env.contains("NoDefaultCurrentDirectoryInExePath")) {
      if (auto base = under(cwd, program)) bases.push_back(std::move(*base));
    }
    for (const auto& directory : path_directories(child_env, cwd)) {
      if (auto base = under(directory, program)) bases.push_back(std::move(*base));
    }
  }

  const auto extensions = executable_extensions(child_env);
  const auto extension = extension_of(program);
  const bool listed_extension =
      !extension.empty() &&
      std::any_of(extensions.begin(), extensions.end(),
                  [&](const std::string& listed) { return iequals_ascii(listed, extension); });

  for (const auto& base : bases) {
    std::vector<WinPath> candidates;
    if (!extension.empty()) candidates.push_back(base);
    if (!listed_extension) {
      for (const auto& ext : extensions) {
        if (auto candidate = WinPath::try_parse(base.str() + ext)) {
          candidates.push_back(std::move(*candidate));
        }
      }
    }
    if (extension.empty() && explicit_path) candidates.push_back(base);
    for (const auto& candidate : candidates) {
      if (is_launchable_file(candidate, fs)) return candidate;
    }
  }

  std::string pathext;
  for (const auto& ext : extensions) pathext += (pathext.empty() ? "" : ";") + ext;
  throw Error(ErrorCode::command_not_found,
              "program `" + std::string(program) + "` was not found " +
                  (explicit_path ? "at that path" : "in the working directory or the child PATH") +
                  " (PATHEXT `" + pathext + "`)");
}

bool is_batch_script(const WinPath& program) {
  const auto extension = extension_of(program.str());
  return iequals_ascii(extension, ".bat") || iequals_ascii(extension, ".cmd");
}

std::string command_line_for_program(const WinPath& program, const std::vector<std::string>& argv) {
  return is_batch_script(program) ? quote_batch_command_line(program.str(), argv)
                                  : quote_command_line(argv);
}

}  // namespace winsandbox
