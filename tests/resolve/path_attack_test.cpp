// The path attack table: every spelling trick is normalized to the file Windows would open, or
// rejected — never a way to widen access. Each test is one row.
#include <gtest/gtest.h>

#include "snapshot_builder.hpp"
#include "test_support.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {
namespace {

using Mode = FileSystemAccessMode;
using testing::SnapshotBuilder;

WinPath p(std::string_view text) { return WinPath::parse(text); }

// A workspace-write sandbox on C:\repo (with a real .git) to attack.
class PathAttack : public ::testing::Test {
protected:
  SnapshotFileSystem fs_ = SnapshotBuilder()
                               .dir("C:\\repo\\.git")
                               .dir("C:\\repo\\src")
                               .dir("C:\\Windows\\System32")
                               .dir("C:\\Users\\dev\\LongRepositoryName\\.git")
                               .junction("C:\\repo\\escape", "C:\\Windows")
                               .symlink("C:\\repo\\git-alias", "C:\\repo\\.git")
                               .build();
  ResolvedPermissions resolved_ = resolve(PermissionProfile::workspace_write(),
                                          ProfileBinding::for_profile_cwd(p("C:\\repo")), p("C:\\repo"), {}, fs_);

  bool can_write(std::string_view path) { return explain(resolved_, p(path), fs_).write; }
};

TEST_F(PathAttack, DotDotEscapesInSubpathsAreRejected) {
  EXPECT_WS_ERROR(p("C:\\repo").join("..\\Windows"), ErrorCode::invalid_path, "escapes");
  EXPECT_WS_ERROR(p("C:\\repo").join("src/../../Windows"), ErrorCode::invalid_path, "escapes");
  const PermissionProfile profile = ManagedProfile{
      RestrictedFileSystem{{{FileSystemSpecialPath::project_roots("..\\Windows"), Mode::write}}, {}},
      NetworkAccess::restricted};
  EXPECT_WS_ERROR(resolve(profile, ProfileBinding::for_profile_cwd(p("C:\\repo")), p("C:\\repo"), {}, fs_),
                  ErrorCode::invalid_profile, "escapes");
  // In an absolute path `..` is folded first: the result is checked, not the spelling.
  EXPECT_FALSE(can_write("C:\\repo\\src\\..\\..\\Windows\\x"));
  EXPECT_FALSE(can_write("C:\\repo\\src\\..\\.git\\config"));
}

TEST_F(PathAttack, MixedSeparatorsNameTheSameFile) {
  EXPECT_EQ(p("C:/repo\\.git/config"), p("C:\\repo\\.git\\config"));
  EXPECT_FALSE(can_write("C:/repo/.git/config"));
  EXPECT_FALSE(can_write("C:\\\\repo//.git\\\\config"));
}

TEST_F(PathAttack, VerbatimAndDevicePrefixesNameTheSameFile) {
  EXPECT_EQ(p("\\\\?\\C:\\repo\\.git\\config"), p("C:\\repo\\.git\\config"));
  EXPECT_EQ(p("\\\\.\\C:\\repo\\.git\\config"), p("C:\\repo\\.git\\config"));
  EXPECT_FALSE(can_write("\\\\?\\C:\\repo\\.git\\config"));
  EXPECT_FALSE(can_write("\\\\.\\C:\\repo\\.git\\config"));
  EXPECT_TRUE(can_write("\\\\?\\C:\\repo\\src\\main.cpp"));
}

TEST_F(PathAttack, VerbatimUncIsStillUnc) {
  EXPECT_EQ(p("\\\\?\\UNC\\server\\share\\repo").kind(), WinPathKind::unc);
  EXPECT_WS_ERROR(resolve(PermissionProfile::workspace_write(),
                          ProfileBinding::for_profile_cwd(p("\\\\?\\UNC\\server\\share\\repo")), p("C:\\repo"),
                          {}, fs_),
                  ErrorCode::unc_path_unsupported, "UNC");
}

TEST_F(PathAttack, DeviceNamesAreRejected) {
  for (const char* device : {"C:\\repo\\CON", "C:\\repo\\nul", "C:\\repo\\COM1", "C:\\repo\\lpt9.txt",
                             "C:\\repo\\NUL \\x", "C:\\repo\\con.log"}) {
    SCOPED_TRACE(device);
    EXPECT_WS_ERROR(p(device), ErrorCode::invalid_path, "DOS device");
  }
  EXPECT_WS_ERROR(p("C:\\repo").join("NUL"), ErrorCode::invalid_path, "DOS device");
  EXPECT_EQ(p("\\\\.\\NUL").kind(), WinPathKind::device);
  EXPECT_WS_ERROR(resolve(PermissionProfile::workspace_write(), ProfileBinding::for_profile_cwd(p("C:\\repo")),
                          p("\\\\.\\COM1"), {}, fs_),
                  ErrorCode::invalid_path, "device path");
  EXPECT_NO_THROW(p("C:\\repo\\console.txt"));  // only exact device names
  EXPECT_NO_THROW(p("C:\\repo\\COM10"));
}

TEST_F(PathAttack, AlternateDataStreamsAreRejected) {
  EXPECT_WS_ERROR(p("C:\\repo\\.git::$INDEX_ALLOCATION"), ErrorCode::invalid_path, "alternate data stream");
  EXPECT_WS_ERROR(p("C:\\repo\\file::$DATA"), ErrorCode::invalid_path, "alternate data stream");
  EXPECT_WS_ERROR(p("C:\\repo\\dir:stream"), ErrorCode::invalid_path, "alternate data stream");
  EXPECT_WS_ERROR(profile_from_json(
                      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"path","path":"C:\\repo\\.git::$INDEX_ALLOCATION"},"access":"write"}]},"network":"restricted"})"),
                  ErrorCode::invalid_profile, "alternate data stream");
}

TEST_F(PathAttack, TrailingDotsAndSpacesAreStrippedLikeWin32) {
  EXPECT_EQ(p("C:\\repo\\.git."), p("C:\\repo\\.git"));
  EXPECT_EQ(p("C:\\repo\\.git. . "), p("C:\\repo\\.git"));
  EXPECT_EQ(p("C:\\repo\\.git.\\config"), p("C:\\repo\\.git\\config"));
  EXPECT_FALSE(can_write("C:\\repo\\.git.\\config"));
  EXPECT_FALSE(can_write("C:\\repo\\.git  "));
}

TEST_F(PathAttack, ShortNamesResolveThroughTheView) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\Users\\dev\\LongRepositoryName")
                      .short_name("LONGRE~1")
                      .dir("C:\\Users\\dev\\LongRepositoryName\\.git")
                      .build();
  const auto r = resolve(PermissionProfile::workspace_write(),
                         ProfileBinding::for_profile_cwd(p("C:\\Users\\dev\\LONGRE~1")), p("C:\\Users\\dev\\LONGRE~1"),
                         {}, fs);
  ASSERT_EQ(r.writable_roots.size(), 1u);
  EXPECT_EQ(r.writable_roots[0].root.str(), "C:\\Users\\dev\\LongRepositoryName");
  EXPECT_EQ(r.acl.deny_write, std::vector<WinPath>{p("C:\\Users\\dev\\LongRepositoryName\\.git")});
  const auto verdict = explain(r, p("C:\\Users\\dev\\longre~1\\.git\\config"), fs);
  EXPECT_EQ(verdict.path.str(), "C:\\Users\\dev\\LongRepositoryName\\.git\\config");
  EXPECT_FALSE(verdict.write);
}

TEST_F(PathAttack, CaseVariantsNameTheSameFile) {
  EXPECT_FALSE(can_write("c:\\REPO\\.GIT\\config"));
  EXPECT_FALSE(can_write("C:\\Repo\\.Git\\HEAD"));
  EXPECT_TRUE(can_write("c:\\REPO\\SRC\\a.c"));
}

TEST_F(PathAttack, JunctionAndSymlinkEscapesOutOfAWritableRoot) {
  // A junction inside the writable root that points outside grants nothing outside.
  const auto through_junction = explain(resolved_, p("C:\\repo\\escape\\System32\\evil.dll"), fs_);
  EXPECT_EQ(through_junction.path.str(), "C:\\Windows\\System32\\evil.dll");
  EXPECT_FALSE(through_junction.write);
  // A symlink to a protected subpath is as protected as the target.
  EXPECT_FALSE(can_write("C:\\repo\\git-alias\\config"));
  // A profile naming the junction as a writable root gets the target, checked as such.
  const PermissionProfile profile = ManagedProfile{
      RestrictedFileSystem{{{FileSystemSpecialPath::root(), Mode::read}, {p("C:\\repo\\escape"), Mode::write}}, {}},
      NetworkAccess::restricted};
  const auto r = resolve(profile, ProfileBinding::for_profile_cwd(p("C:\\repo")), p("C:\\repo"), {}, fs_);
  ASSERT_EQ(r.writable_roots.size(), 1u);
  EXPECT_EQ(r.writable_roots[0].root.str(), "C:\\Windows");  // visible, not hidden behind the alias
}

TEST_F(PathAttack, VeryLongPaths) {
  std::string long_path = "C:\\repo\\src";
  while (long_path.size() < 1500) long_path += "\\deeper";  // far beyond MAX_PATH
  EXPECT_TRUE(can_write(long_path + "\\file.txt"));
  EXPECT_FALSE(can_write("C:\\repo\\.git" + long_path.substr(11)));
  const WinPath parsed = p(long_path);
  EXPECT_EQ(parsed.str(), long_path);
  EXPECT_GT(parsed.component_count(), 200u);
}

}  // namespace
}  // namespace winsandbox
