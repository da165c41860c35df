#include "winsandbox/child_env.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_file_system.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::FakeFileSystem;

Environment env_of(std::vector<Environment::Entry> entries) {
  Environment env;
  for (const auto& [key, value] : entries) env.set(key, value);
  return env;
}

// Options that switch every optional step off, so each test turns on only the rule it checks.
ChildEnvironmentOptions quiet_options(SandboxBackend backend) {
  ChildEnvironmentOptions options;
  options.backend = backend;
  options.network_blocked = false;
  return options;
}

// The pager defaults every result carries (step 2), for exact comparisons.
const std::vector<Environment::Entry> kPagers = {
    {"GIT_PAGER", "more.com"}, {"PAGER", "more.com"}, {"LESS", ""}};

std::vector<Environment::Entry> with_pagers(std::vector<Environment::Entry> entries) {
  entries.insert(entries.end(), kPagers.begin(), kPagers.end());
  return entries;
}

// For an empty input: the pagers come first (step 2), then what later steps add.
std::vector<Environment::Entry> after_pagers(std::vector<Environment::Entry> entries) {
  entries.insert(entries.begin(), kPagers.begin(), kPagers.end());
  return entries;
}

const EmptyFileSystem kNoDisk;

// --- Step 1: null device ---------------------------------------------------------------------

TEST(ChildEnvironment, NullDeviceSpellingsBecomeNul) {
  const auto input = env_of({{"A", "/dev/null"},
                             {"B", "  /DEV/Null\t"},
                             {"C", "\\dev\\null"},
                             {"D", "/dev/nullx"},
                             {"E", "C:\\dev\\null"},
                             {"F", "\\\\dev\\\\null"},
                             {"G", "NUL"}});
  const auto env = build_child_environment(input, quiet_options(SandboxBackend::elevated), kNoDisk);
  EXPECT_EQ(env.entries(), with_pagers({{"A", "NUL"},
                                        {"B", "NUL"},
                                        {"C", "NUL"},
                                        {"D", "/dev/nullx"},
                                        {"E", "C:\\dev\\null"},
                                        {"F", "\\\\dev\\\\null"},
                                        {"G", "NUL"}}));
}

// --- Step 2: pagers ---------------------------------------------------------------------------

TEST(ChildEnvironment, PagerDefaultsAreAddedOnlyWhenAbsentUnderAnySpelling) {
  const auto empty =
      build_child_environment({}, quiet_options(SandboxBackend::unelevated), kNoDisk);
  EXPECT_EQ(empty.entries(), kPagers);

  const auto input = env_of({{"git_pager", "delta"}, {"Less", "-R"}});
  const auto env = build_child_environment(input, quiet_options(SandboxBackend::elevated), kNoDisk);
  EXPECT_EQ(env.entries(), (std::vector<Environment::Entry>{
                               {"git_pager", "delta"}, {"Less", "-R"}, {"PAGER", "more.com"}}));
}

// --- Step 3: PATH / PATHEXT inheritance -------------------------------------------------------

TEST(ChildEnvironment, InheritsHostPathAndPathextOnlyWhenTheChildHasNone) {
  auto options = quiet_options(SandboxBackend::elevated);
  options.inherited_path = "C:\\host\\bin";
  options.inherited_pathext = ".COM;.EXE";
  const auto env = build_child_environment({}, options, kNoDisk);
  EXPECT_EQ(env.get("PATH"), "C:\\host\\bin");
  EXPECT_EQ(env.get("PATHEXT"), ".COM;.EXE");
}

// docs/execution.md#child-environment: a child `Path` spelling prevents inheritance.
TEST(ChildEnvironment, ChildPathSpellingPreventsInheritance) {
  auto options = quiet_options(SandboxBackend::elevated);
  options.inherited_path = "C:\\host\\bin";
  options.inherited_pathext = ".COM;.EXE";
  const auto input = env_of({{"Path", "C:\\child"}, {"PathExt", ".BIN"}});
  const auto env = build_child_environment(input, options, kNoDisk);
  EXPECT_EQ(env.entries(), with_pagers({{"Path", "C:\\child"}, {"PathExt", ".BIN"}}));
}

TEST(ChildEnvironment, NothingIsInheritedWithoutHostValues) {
  const auto env = build_child_environment({}, quiet_options(SandboxBackend::elevated), kNoDisk);
  EXPECT_FALSE(env.contains("PATH"));
  EXPECT_FALSE(env.contains("PATHEXT"));
}

// --- Step 4: git safe.directory (elevated) ----------------------------------------------------

// docs/execution.md#child-environment, with forward slashes.
TEST(ChildEnvironment, SafeDirectoryForTheRepositoryAboveTheCwd) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git").dir("C:\\repo\\nested");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\repo\\nested");
  const auto env = build_child_environment({}, options, fs);
  EXPECT_EQ(env.entries(), after_pagers({{"GIT_CONFIG_KEY_0", "safe.directory"},
                                         {"GIT_CONFIG_VALUE_0", "C:/repo"},
                                         {"GIT_CONFIG_COUNT", "1"}}));
}

// M28 `injects_worktree_root_for_gitfile`: the directory holding the `.git` file, never the
// `gitdir:` target (the defect fixed by the reference's PR #21409).
TEST(ChildEnvironment, SafeDirectoryForAGitfileIsTheWorktreeRootNotTheGitdir) {
  FakeFileSystem fs;
  fs.file("C:\\repo\\.git", "gitdir: C:/elsewhere/repo.git\n").dir("C:\\repo\\nested");
  fs.dir("C:\\elsewhere\\repo.git");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\repo\\nested");
  const auto env = build_child_environment({}, options, fs);
  EXPECT_EQ(env.get("GIT_CONFIG_COUNT"), "1");
  EXPECT_EQ(env.get("GIT_CONFIG_VALUE_0"), "C:/repo");
  EXPECT_FALSE(env.contains("GIT_CONFIG_VALUE_1"));
}

// A linked worktree (`git worktree add`): its gitdir holds `commondir` naming the main `.git`;
// both worktree roots are trusted, the linked one first.
TEST(ChildEnvironment, SafeDirectoryForALinkedWorktreeAlsoTrustsTheMainWorktree) {
  FakeFileSystem fs;
  fs.dir("D:\\main\\.git\\worktrees\\feature");
  fs.file("D:\\main\\.git\\worktrees\\feature\\commondir", "../..\n");
  fs.file("D:\\wt\\feature\\.git", "gitdir: D:/main/.git/worktrees/feature\n");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("D:\\wt\\feature");
  const auto env = build_child_environment({}, options, fs);
  EXPECT_EQ(env.get("GIT_CONFIG_COUNT"), "2");
  EXPECT_EQ(env.get("GIT_CONFIG_VALUE_0"), "D:/wt/feature");
  EXPECT_EQ(env.get("GIT_CONFIG_KEY_1"), "safe.directory");
  EXPECT_EQ(env.get("GIT_CONFIG_VALUE_1"), "D:/main");
}

// A submodule's gitdir (no `commondir`) adds only the submodule's own root; a relative gitdir
// is read relative to the worktree.
TEST(ChildEnvironment, SafeDirectoryForASubmoduleIsItsOwnRoot) {
  FakeFileSystem fs;
  fs.dir("C:\\super\\.git\\modules\\lib");
  fs.file("C:\\super\\lib\\.git", "gitdir: ../.git/modules/lib\n");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\super\\lib");
  const auto env = build_child_environment({}, options, fs);
  EXPECT_EQ(env.get("GIT_CONFIG_COUNT"), "1");
  EXPECT_EQ(env.get("GIT_CONFIG_VALUE_0"), "C:/super/lib");
}

TEST(ChildEnvironment, SafeDirectoryCoversWritableRootsWithoutDuplicates) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git").dir("C:\\repo\\sub").dir("D:\\other\\.git").dir("E:\\plain");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\repo\\sub");
  options.writable_roots = {WinPath::parse("C:\\repo"), WinPath::parse("E:\\plain"),
                            WinPath::parse("D:\\other")};
  const auto env = build_child_environment({}, options, fs);
  EXPECT_EQ(env.entries(), after_pagers({{"GIT_CONFIG_KEY_0", "safe.directory"},
                                         {"GIT_CONFIG_VALUE_0", "C:/repo"},
                                         {"GIT_CONFIG_KEY_1", "safe.directory"},
                                         {"GIT_CONFIG_VALUE_1", "D:/other"},
                                         {"GIT_CONFIG_COUNT", "2"}}));
}

TEST(ChildEnvironment, SafeDirectoryAppendsAfterTheCallersGitConfig) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\repo");
  const auto input = env_of({{"GIT_CONFIG_COUNT", "2"},
                             {"GIT_CONFIG_KEY_0", "core.autocrlf"},
                             {"GIT_CONFIG_VALUE_0", "false"},
                             {"GIT_CONFIG_KEY_1", "user.name"},
                             {"GIT_CONFIG_VALUE_1", "me"}});
  const auto env = build_child_environment(input, options, fs);
  EXPECT_EQ(env.get("GIT_CONFIG_COUNT"), "3");
  EXPECT_EQ(env.get("GIT_CONFIG_KEY_0"), "core.autocrlf");
  EXPECT_EQ(env.get("GIT_CONFIG_KEY_2"), "safe.directory");
  EXPECT_EQ(env.get("GIT_CONFIG_VALUE_2"), "C:/repo");
}

TEST(ChildEnvironment, SafeDirectoryTreatsAnUnparsableCountAsZero) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\repo");
  const auto env = build_child_environment(env_of({{"GIT_CONFIG_COUNT", "two"}}), options, fs);
  EXPECT_EQ(env.get("GIT_CONFIG_COUNT"), "1");
  EXPECT_EQ(env.get("GIT_CONFIG_VALUE_0"), "C:/repo");
}

TEST(ChildEnvironment, SafeDirectoryAlreadyListedIsNotRepeated) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\repo");
  const auto input = env_of({{"GIT_CONFIG_COUNT", "1"},
                             {"GIT_CONFIG_KEY_0", "safe.directory"},
                             {"GIT_CONFIG_VALUE_0", "c:\\REPO"}});
  EXPECT_EQ(build_child_environment(input, options, fs).entries(), with_pagers(input.entries()));

  const auto wildcard = env_of({{"GIT_CONFIG_COUNT", "1"},
                                {"GIT_CONFIG_KEY_0", "safe.directory"},
                                {"GIT_CONFIG_VALUE_0", "*"}});
  EXPECT_EQ(build_child_environment(wildcard, options, fs).entries(),
            with_pagers(wildcard.entries()));
}

TEST(ChildEnvironment, NoSafeDirectoryOutsideARepositoryOrForTheUnelevatedBackend) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git").dir("C:\\plain");
  auto options = quiet_options(SandboxBackend::elevated);
  options.command_cwd = WinPath::parse("C:\\plain");
  EXPECT_FALSE(build_child_environment({}, options, fs).contains("GIT_CONFIG_COUNT"));

  options.backend = SandboxBackend::unelevated;
  options.command_cwd = WinPath::parse("C:\\repo");
  EXPECT_FALSE(build_child_environment({}, options, fs).contains("GIT_CONFIG_COUNT"));
}

// --- Step 5: advisory no-network variables (unelevated) ---------------------------------------

// docs/execution.md#child-environment (`legacy_spawn_env_applies_offline_
// network_rewrite`), with the whole table checked.
TEST(ChildEnvironment, UnelevatedBlockedNetworkGetsTheAdvisoryVariables) {
  auto options = quiet_options(SandboxBackend::unelevated);
  options.network_blocked = true;
  const auto env = build_child_environment({}, options, kNoDisk);
  EXPECT_EQ(env.entries(), after_pagers({{"SBX_NONET_ACTIVE", "1"},
                                         {"HTTP_PROXY", "http://127.0.0.1:9"},
                                         {"HTTPS_PROXY", "http://127.0.0.1:9"},
                                         {"ALL_PROXY", "http://127.0.0.1:9"},
                                         {"GIT_HTTP_PROXY", "http://127.0.0.1:9"},
                                         {"GIT_HTTPS_PROXY", "http://127.0.0.1:9"},
                                         {"NO_PROXY", "localhost,127.0.0.1,::1"},
                                         {"PIP_NO_INDEX", "1"},
                                         {"PIP_DISABLE_PIP_VERSION_CHECK", "1"},
                                         {"NPM_CONFIG_OFFLINE", "true"},
                                         {"CARGO_NET_OFFLINE", "true"},
                                         {"GIT_SSH_COMMAND", "cmd /c exit 1"},
                                         {"GIT_ALLOW_PROTOCOLS", ""}}));
}

TEST(ChildEnvironment, AdvisoryVariablesKeepCallerValuesButAlwaysSetTheMarker) {
  auto options = quiet_options(SandboxBackend::unelevated);
  options.network_blocked = true;
  const auto input = env_of({{"http_proxy", "http://127.0.0.1:3128"}, {"SBX_NONET_ACTIVE", "0"}});
  const auto env = build_child_environment(input, options, kNoDisk);
  EXPECT_EQ(env.get("HTTP_PROXY"), "http://127.0.0.1:3128");
  EXPECT_EQ(env.get("SBX_NONET_ACTIVE"), "1");
  EXPECT_EQ(env.get("HTTPS_PROXY"), "http://127.0.0.1:9");
}

// M15 (`common_spawn_env_keeps_network_env_unchanged`): the elevated backend blocks the
// network with its offline account, not with variables; an allowed network gets none either.
TEST(ChildEnvironment, NoAdvisoryVariablesForElevatedOrAllowedNetwork) {
  const auto input = env_of({{"HTTP_PROXY", "http://user.proxy:8080"}});
  auto elevated = quiet_options(SandboxBackend::elevated);
  elevated.network_blocked = true;
  const auto env = build_child_environment(input, elevated, kNoDisk);
  EXPECT_FALSE(env.contains("SBX_NONET_ACTIVE"));
  EXPECT_EQ(env.get("HTTP_PROXY"), "http://user.proxy:8080");

  auto allowed = quiet_options(SandboxBackend::unelevated);
  allowed.network_blocked = false;
  allowed.denybin_directory = WinPath::parse("C:\\Users\\me\\.sbx-denybin");
  EXPECT_EQ(build_child_environment({}, allowed, kNoDisk).entries(), kPagers);
}

// docs/execution.md#child-environment: case-insensitive PATH/PATHEXT, canonical keys, no host
// fallback.
TEST(ChildEnvironment, DenybinGoesFirstOnTheChildPathAndBatchExtensionsFirst) {
  auto options = quiet_options(SandboxBackend::unelevated);
  options.network_blocked = true;
  options.denybin_directory = WinPath::parse("C:\\deny");
  const auto input = env_of({{"Path", "C:\\child"}, {"PathExt", ".EXE;.CMD"}});
  const auto env = build_child_environment(input, options, kNoDisk);
  ASSERT_TRUE(env.get("PATH"));
  EXPECT_EQ(*env.get("PATH"), "C:\\deny;C:\\child");
  EXPECT_EQ(env.get("PATHEXT"), ".CMD;.EXE");
  std::vector<std::string> keys;
  for (const auto& entry : env.entries()) keys.push_back(entry.first);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "PATH"), 1);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "Path"), 0);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "PATHEXT"), 1);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "PathExt"), 0);
}

TEST(ChildEnvironment, DenybinUsesInheritedOrDefaultValuesAndIsNotPrependedTwice) {
  auto options = quiet_options(SandboxBackend::unelevated);
  options.network_blocked = true;
  options.denybin_directory = WinPath::parse("C:\\Users\\me\\.sbx-denybin");
  // No PATH/PATHEXT anywhere: PATH is just the denybin, PATHEXT the reordered default.
  const auto bare = build_child_environment({}, options, kNoDisk);
  EXPECT_EQ(bare.get("PATH"), "C:\\Users\\me\\.sbx-denybin");
  EXPECT_EQ(bare.get("PATHEXT"), ".BAT;.CMD;.COM;.EXE");

  options.inherited_path = "c:\\users\\ME\\.sbx-denybin\\;C:\\Windows";
  options.inherited_pathext = ".com;;.exe;.bat;.BAT;.Cmd;.ps1";
  const auto env = build_child_environment({}, options, kNoDisk);
  EXPECT_EQ(env.get("PATH"), "c:\\users\\ME\\.sbx-denybin\\;C:\\Windows");
  EXPECT_EQ(env.get("PATHEXT"), ".bat;.Cmd;.com;.exe;.ps1");
}

TEST(ChildEnvironment, DenybinStubsFailWithoutOutput) {
  const auto& stubs = denybin_stubs();
  ASSERT_EQ(stubs.size(), 4u);
  EXPECT_EQ(stubs[0].file_name, "ssh.bat");
  EXPECT_EQ(stubs[1].file_name, "ssh.cmd");
  EXPECT_EQ(stubs[2].file_name, "scp.bat");
  EXPECT_EQ(stubs[3].file_name, "scp.cmd");
  for (const auto& stub : stubs) {
    EXPECT_EQ(stub.content, std::string("@echo off\x0D\x0A"
                                        "exit /b 1\x0D\x0A"));
  }
}

// The steps run in order: the null device is normalized before the pagers are added, and
// a caller PATH survives untouched when nothing rewrites it.
TEST(ChildEnvironment, InputOrderIsKeptAndNewKeysAreAppended) {
  const auto input = env_of({{"Z", "1"}, {"PATH", "C:\\bin"}, {"A", "/dev/null"}});
  const auto env = build_child_environment(input, quiet_options(SandboxBackend::elevated), kNoDisk);
  EXPECT_EQ(env.entries(), with_pagers({{"Z", "1"}, {"PATH", "C:\\bin"}, {"A", "NUL"}}));
}

}  // namespace
}  // namespace winsandbox
