#include "plan/program_resolution.hpp"

#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "fake_file_system.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::FakeFileSystem;

// FakeFileSystem plus reparse points at exact paths (FakeFileSystem has no links).
class LinkingFileSystem final : public FileSystemView {
public:
  explicit LinkingFileSystem(const FakeFileSystem& base) : base_(base) {}
  // A reparse point of `kind` at `path`; `target` nullopt = cannot be resolved (dangling, or
  // an App Execution Alias, which no path API follows).
  LinkingFileSystem& link(std::string_view path, NodeKind kind,
                          std::optional<std::string_view> target) {
    links_.insert_or_assign(
        WinPath::parse(path),
        Link{kind, target ? std::optional(WinPath::parse(*target)) : std::nullopt});
    return *this;
  }

  NodeKind kind(const WinPath& path) const override {
    const auto it = links_.find(path);
    return it != links_.end() ? it->second.kind : base_.kind(path);
  }
  std::optional<std::string> read_small_file(const WinPath& path,
                                             std::size_t max_bytes) const override {
    return base_.read_small_file(path, max_bytes);
  }
  std::optional<WinPath> canonical(const WinPath& path) const override {
    const auto it = links_.find(path);
    if (it == links_.end()) return base_.canonical(path);
    return it->second.target ? base_.canonical(*it->second.target) : std::nullopt;
  }
  std::vector<std::string> list_directory(const WinPath& directory) const override {
    return base_.list_directory(directory);
  }
  DriveType drive_type(const WinPath& path) const override { return base_.drive_type(path); }

private:
  struct Link {
    NodeKind kind;
    std::optional<WinPath> target;
  };
  const FakeFileSystem& base_;
  std::map<WinPath, Link> links_;
};

Environment env_of(std::vector<Environment::Entry> entries) {
  Environment env;
  for (const auto& [key, value] : entries) env.set(key, value);
  return env;
}

const WinPath kCwd = WinPath::parse("C:\\work");

std::string resolve(std::string_view program, const Environment& env, const FileSystemView& fs,
                    const WinPath& cwd = kCwd) {
  return resolve_program(program, cwd, env, fs).str();
}

// docs/execution.md#program-resolution.
TEST(ProgramResolution, BareNameIsFoundOnTheChildPath) {
  FakeFileSystem fs;
  fs.dir("C:\\work").file("C:\\bin\\go.exe");
  EXPECT_EQ(resolve("go", env_of({{"PATH", "C:\\bin"}}), fs), "C:\\bin\\go.EXE");
}

// docs/execution.md#program-resolution: PATH and PATHEXT keys in any case, PATHEXT taken from the
// child.
TEST(ProgramResolution, UsesCaseInsensitiveChildPathAndPathext) {
  FakeFileSystem fs;
  fs.dir("C:\\work").file("C:\\tools\\child-only.BIN").file("C:\\tools\\child-only.exe");
  const auto env = env_of({{"Path", "C:\\tools"}, {"PathExt", ".BIN"}});
  EXPECT_EQ(resolve("child-only", env, fs), "C:\\tools\\child-only.BIN");
}

// docs/execution.md#program-resolution: the working directory comes before PATH for a bare name.
TEST(ProgramResolution, WorkingDirectoryPrecedesThePath) {
  FakeFileSystem fs;
  fs.file("C:\\work\\tool.EXE").file("C:\\tools\\tool.EXE");
  const auto env = env_of({{"PATH", "C:\\tools"}});
  EXPECT_EQ(resolve("tool", env, fs), "C:\\work\\tool.EXE");
}

// Windows' own switch (NeedCurrentDirectoryForExePathW): defined in the child env, any value.
TEST(ProgramResolution, NoDefaultCurrentDirectoryInExePathSkipsTheWorkingDirectory) {
  FakeFileSystem fs;
  fs.file("C:\\work\\tool.EXE").file("C:\\tools\\tool.EXE").file("C:\\work\\only-here.exe");
  const auto env = env_of({{"PATH", "C:\\tools"}, {"nodefaultcurrentdirectoryinexepath", ""}});
  EXPECT_EQ(resolve("tool", env, fs), "C:\\tools\\tool.EXE");
  EXPECT_WS_ERROR(resolve("only-here", env, fs), ErrorCode::command_not_found, "only-here");
  // An explicit relative path still means the working directory.
  EXPECT_EQ(resolve(".\\tool", env, fs), "C:\\work\\tool.EXE");
}

// docs/execution.md#program-resolution: never the host PATH; the message names the child PATH.
TEST(ProgramResolution, DoesNotFallBackToTheHostPath) {
  FakeFileSystem fs;
  fs.dir("C:\\work").file("C:\\Windows\\System32\\cmd.exe");
  const auto env = env_of({{"PATH", ""}, {"PATHEXT", ".EXE"}});
  EXPECT_WS_ERROR(resolve("cmd", env, fs), ErrorCode::command_not_found, "child PATH");
  EXPECT_WS_ERROR(resolve("cmd", Environment{}, fs), ErrorCode::command_not_found, "`cmd`");
}

// docs/execution.md#program-resolution: the first match wins, even a batch script (no skipping to a
// later .exe); the caller learns it is one.
TEST(ProgramResolution, FirstMatchWinsAndBatchScriptsAreReported) {
  FakeFileSystem fs;
  fs.dir("C:\\work").file("C:\\first\\tool.CMD").file("C:\\second\\tool.EXE");
  const auto env = env_of({{"PATH", "C:\\first;C:\\second"}, {"PATHEXT", ".CMD;.EXE"}});
  const auto found = resolve_program("tool", kCwd, env, fs);
  EXPECT_EQ(found.str(), "C:\\first\\tool.CMD");
  EXPECT_TRUE(is_batch_script(found));
  EXPECT_TRUE(is_batch_script(WinPath::parse("C:\\x\\run.Bat")));
  EXPECT_FALSE(is_batch_script(WinPath::parse("C:\\second\\tool.EXE")));
  EXPECT_FALSE(is_batch_script(WinPath::parse("C:\\x\\cmd")));
}

// A batch script found through PATHEXT gets cmd.exe's rules and its resolved path as argv[0];
// anything else the ordinary quoting, argv[0] as typed.
TEST(ProgramResolution, CommandLineFollowsWhatWasResolved) {
  FakeFileSystem fs;
  fs.dir("C:\\work").file("C:\\bin\\npx.CMD").file("C:\\bin\\git.EXE");
  const auto env = env_of({{"PATH", "C:\\bin"}, {"PATHEXT", ".EXE;.CMD"}});
  const WinPath npx = resolve_program("npx", kCwd, env, fs);
  EXPECT_EQ(command_line_for_program(npx, {"npx", "eslint", "a b"}),
            R"("C:\bin\npx.CMD" eslint "a b")");
  EXPECT_WS_ERROR(command_line_for_program(npx, {"npx", "x&calc"}), ErrorCode::invalid_argument,
                  "argument 1 `x&calc` of the batch script `C:\\bin\\npx.CMD`");
  const WinPath git = resolve_program("git", kCwd, env, fs);
  EXPECT_EQ(command_line_for_program(git, {"git", "commit", "-m", "a&b \"c\""}),
            R"(git commit -m "a&b \"c\"")");
}

TEST(ProgramResolution, DirectoryOrderBeatsExtensionOrder) {
  FakeFileSystem fs;
  fs.dir("C:\\work").file("C:\\a\\tool.cmd").file("C:\\b\\tool.com").file("C:\\b\\tool.exe");
  const auto env = env_of({{"PATH", "C:\\a;C:\\b"}});
  EXPECT_EQ(resolve("tool", env, fs), "C:\\a\\tool.CMD");
  EXPECT_EQ(resolve("tool", env_of({{"PATH", "C:\\b;C:\\a"}}), fs), "C:\\b\\tool.COM");
}

// A bare name never lands on an extension-less file (npm puts POSIX shell shims there).
TEST(ProgramResolution, BareNameSkipsExtensionlessFiles) {
  FakeFileSystem fs;
  fs.dir("C:\\work").file("C:\\npm\\tsc").file("C:\\later\\tsc.cmd");
  const auto env = env_of({{"PATH", "C:\\npm;C:\\later"}});
  EXPECT_EQ(resolve("tsc", env, fs), "C:\\later\\tsc.CMD");
}

TEST(ProgramResolution, ExtensionHandling) {
  FakeFileSystem fs;
  fs.dir("C:\\work")
      .file("C:\\py\\python3.11.exe")
      .file("C:\\py\\git.exe.COM")
      .file("C:\\py\\notes.txt");
  const auto env = env_of({{"PATH", "C:\\py"}});
  // An extension PATHEXT does not list: PATHEXT is still appended.
  EXPECT_EQ(resolve("python3.11", env, fs), "C:\\py\\python3.11.EXE");
  // A listed extension: exactly that name.
  EXPECT_WS_ERROR(resolve("git.exe", env, fs), ErrorCode::command_not_found, "git.exe");
  // An unlisted extension naming an existing file: that file.
  EXPECT_EQ(resolve("notes.txt", env, fs), "C:\\py\\notes.txt");
}

// docs/execution.md#program-resolution and explicit paths in general: looked up only where they
// point.
TEST(ProgramResolution, ExplicitPathsAreNotSearchedOnThePath) {
  FakeFileSystem fs;
  fs.file("C:\\tools\\go.exe")
      .file("C:\\tools\\noext")
      .file("C:\\work\\bin\\tool.exe")
      .file("C:\\other\\x.exe")
      .file("C:\\elsewhere\\bin\\tool2.exe");
  const auto env = env_of({{"PATH", "C:\\elsewhere"}});
  EXPECT_EQ(resolve("C:\\tools\\go.exe", env, fs), "C:\\tools\\go.exe");
  EXPECT_EQ(resolve("c:/tools/go", env, fs), "C:\\tools\\go.EXE");
  EXPECT_EQ(resolve("\\\\?\\C:\\tools\\go.exe", env, fs), "C:\\tools\\go.exe");
  // An explicit extension-less path falls back to the bare file after PATHEXT.
  EXPECT_EQ(resolve("C:\\tools\\noext", env, fs), "C:\\tools\\noext");
  EXPECT_EQ(resolve("bin\\tool", env, fs), "C:\\work\\bin\\tool.EXE");
  EXPECT_EQ(resolve("bin/tool.exe", env, fs), "C:\\work\\bin\\tool.exe");
  EXPECT_EQ(resolve("..\\other\\x.exe", env, fs), "C:\\other\\x.exe");
  EXPECT_WS_ERROR(resolve("bin\\tool2", env, fs), ErrorCode::command_not_found, "at that path");
  EXPECT_WS_ERROR(resolve("C:\\tools\\missing.exe", env, fs), ErrorCode::command_not_found,
                  "missing.exe");
}

TEST(ProgramResolution, PathEntriesAreCleanedAndUnusableOnesSkipped) {
  FakeFileSystem fs;
  fs.dir("C:\\work")
      .file("C:\\Program Files\\Tool\\quoted.exe")
      .file("C:\\work\\rel\\relative.exe")
      .file("C:\\rooted\\rooted.exe")
      .file("C:\\spaced\\spaced.exe");
  const auto env =
      env_of({{"PATH", ";\"C:\\Program Files\\Tool\";rel;\\rooted;C:rooted; C:\\spaced ;"}});
  EXPECT_EQ(resolve("quoted", env, fs), "C:\\Program Files\\Tool\\quoted.EXE");
  EXPECT_EQ(resolve("relative", env, fs), "C:\\work\\rel\\relative.EXE");
  EXPECT_EQ(resolve("spaced", env, fs), "C:\\spaced\\spaced.EXE");
  EXPECT_WS_ERROR(resolve("rooted", env, fs), ErrorCode::command_not_found, "rooted");
}

TEST(ProgramResolution, DirectoriesAndJunctionsAreNotPrograms) {
  FakeFileSystem base;
  base.dir("C:\\work\\tool.exe").file("C:\\bin\\tool.exe").dir("C:\\real\\dir.exe");
  base.dir("C:\\links");
  LinkingFileSystem fs(base);
  fs.link("C:\\links\\junction.exe", NodeKind::junction, "C:\\real\\dir.exe");
  fs.link("C:\\links\\dirlink.exe", NodeKind::symlink, "C:\\real\\dir.exe");
  const auto env = env_of({{"PATH", "C:\\links;C:\\bin"}});
  EXPECT_EQ(resolve("tool", env, fs), "C:\\bin\\tool.EXE");
  EXPECT_WS_ERROR(resolve("junction", env, fs), ErrorCode::command_not_found, "junction");
  EXPECT_WS_ERROR(resolve("dirlink", env, fs), ErrorCode::command_not_found, "dirlink");
}

// App Execution Aliases (WindowsApps\pwsh.exe) are reparse points nothing but CreateProcess
// follows: a link that cannot be resolved still counts as a program; so does one to a file.
TEST(ProgramResolution, UnresolvableAndFileLinksArePrograms) {
  FakeFileSystem base;
  base.dir("C:\\work").dir("C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps");
  base.file("C:\\real\\node.exe");
  LinkingFileSystem fs(base);
  fs.link("C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\pwsh.exe", NodeKind::symlink,
          std::nullopt);
  fs.link("C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\node.exe", NodeKind::symlink,
          "C:\\real\\node.exe");
  const auto env = env_of({{"PATH", "C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps"}});
  EXPECT_EQ(resolve("pwsh", env, fs),
            "C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\pwsh.EXE");
  // Not canonicalized: the link's own path is returned.
  EXPECT_EQ(resolve("node", env, fs),
            "C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\node.EXE");
}

TEST(ProgramResolution, RejectsMalformedProgramNames) {
  FakeFileSystem fs;
  fs.file("C:\\work\\tool.exe");
  const Environment env;
  EXPECT_WS_ERROR(resolve("", env, fs), ErrorCode::invalid_argument, "empty");
  EXPECT_WS_ERROR(resolve(std::string_view("to\0ol", 5), env, fs), ErrorCode::invalid_argument,
                  "NUL");
  EXPECT_WS_ERROR(resolve("C:tool.exe", env, fs), ErrorCode::invalid_argument, "drive-relative");
  EXPECT_WS_ERROR(resolve("\\work\\tool.exe", env, fs), ErrorCode::invalid_argument, "rooted");
  EXPECT_WS_ERROR(resolve("/work/tool.exe", env, fs), ErrorCode::invalid_argument, "rooted");
  EXPECT_WS_ERROR(resolve("\\\\server", env, fs), ErrorCode::invalid_path, "");
}

}  // namespace
}  // namespace winsandbox
