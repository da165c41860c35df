// The Win32 FileSystemView (open_host_file_system) on names Win32 would alter: a trailing `.` or
// space is stripped from a plain spelling, so such files exist only through `\\?\` spellings,
// which WinPath keeps in its display form and the view must pass on as they are. Wine on Linux
// creates and finds such names through `\\?\` paths as Windows does.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <windows.h>

#include "plan/plan_test_support.hpp"
#include "win/handles.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {
namespace {

using win::test::win_path_of;

// A workspace holding `b.\x.env` (a directory whose name ends in a dot) and `name ` (a file
// whose name ends in a space), made and removed through their verbatim spellings (what
// std::filesystem would do with them is exactly what is under test).
class OddNamesTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(dotted.str().starts_with("\\\\?\\")) << dotted.str();
    ASSERT_TRUE(CreateDirectoryW(win::to_wide(dotted.str()).c_str(), nullptr)) << GetLastError();
    write_file(env_file, "KEY=1");
    write_file(spaced, "x");
  }
  void TearDown() override {
    DeleteFileW(win::to_wide(env_file.str()).c_str());
    DeleteFileW(win::to_wide(spaced.str()).c_str());
    RemoveDirectoryW(win::to_wide(dotted.str()).c_str());
  }
  static void write_file(const WinPath& path, const std::string& content) {
    const win::UniqueHandle file(CreateFileW(win::to_wide(path.str()).c_str(), GENERIC_WRITE, 0,
                                             nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
    ASSERT_TRUE(file) << path.str() << ": " << GetLastError();
    DWORD written = 0;
    ASSERT_TRUE(WriteFile(file.get(), content.data(), static_cast<DWORD>(content.size()), &written,
                          nullptr));
  }

  testing::ScratchDir scratch;
  const WinPath root = win_path_of(scratch.path());
  const WinPath dotted = root.child("b.");
  const WinPath env_file = dotted.child("x.env");
  const WinPath spaced = root.child("name ");
  const std::unique_ptr<FileSystemView> fs = open_host_file_system();
};

TEST_F(OddNamesTest, TheViewSeesListsAndReadsNamesEndingInDotOrSpace) {
  std::vector<std::string> names = fs->list_directory(root);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"b.", "name "}));
  EXPECT_EQ(fs->list_directory(dotted), std::vector<std::string>{"x.env"});
  EXPECT_EQ(fs->kind(dotted), NodeKind::directory);
  EXPECT_EQ(fs->kind(env_file), NodeKind::file);
  EXPECT_EQ(fs->kind(spaced), NodeKind::file);
  EXPECT_EQ(fs->read_small_file(env_file, 100), std::optional<std::string>("KEY=1"));
}

// canonical() keeps such a name (GetFinalPathNameByHandleW spells it verbatim). Wine 8 drops the
// trailing dot from the final path (`...\b` for `...\b.`), so this runs on Windows only.
TEST_F(OddNamesTest, CanonicalKeepsANameEndingInADot) {
  if (win::test::running_under_wine()) {
    GTEST_SKIP() << "Wine's GetFinalPathNameByHandleW drops a trailing dot from the name; "
                    "asserted on Windows (windows-smoke)";
  }
  const auto spelled = [](const std::optional<WinPath>& path) {
    return path ? path->str() : std::string("<none>");
  };
  EXPECT_EQ(spelled(fs->canonical(dotted)), dotted.str());
  EXPECT_EQ(spelled(fs->canonical(env_file)), env_file.str());
}

// What the view's blindness broke: a deny-read glob missed `b.\x.env`, and explain() said it was
// readable while the ACL plan had no deny for it.
TEST_F(OddNamesTest, DenyReadGlobMatchesAFileBelowADottedDirectoryAndExplainAgrees) {
  const PermissionProfile profile = profile_from_json(
      R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
      R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"},)"
      R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"},)"
      R"({"path":{"type":"glob_pattern","pattern":"codex-project-roots://**/*.env"},)"
      R"("access":"none"}]},"network":"restricted"})");
  const ResolvedPermissions resolved = resolve(profile, ProfileBinding::for_profile_cwd(root), root,
                                               win::test::base_environment(), *fs);
  EXPECT_NE(std::find(resolved.deny_read.begin(), resolved.deny_read.end(), env_file),
            resolved.deny_read.end())
      << resolved_to_json(resolved);
  const PathVerdict verdict = explain(resolved, env_file, *fs);
  EXPECT_FALSE(verdict.read) << verdict.rule;
}

}  // namespace
}  // namespace winsandbox
