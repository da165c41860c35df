// PermissionProfile constructors and whole-policy predicates (docs/profiles.md).
#include "winsandbox/profile.hpp"

#include <gtest/gtest.h>

#include "fake_file_system.hpp"
#include "model/file_system_predicates.hpp"
#include "model/protected_paths.hpp"

namespace winsandbox {
namespace {

using Mode = FileSystemAccessMode;
using testing::FakeFileSystem;

FileSystemSandboxEntry entry(FileSystemPath path, Mode access) {
  return {std::move(path), access};
}
WinPath p(std::string_view text) {
  return WinPath::parse(text);
}

TEST(PermissionProfile, DefaultIsManagedRestrictedWithoutEntries) {
  const PermissionProfile profile;
  ASSERT_NE(profile.restricted_file_system(), nullptr);
  EXPECT_TRUE(profile.restricted_file_system()->entries.empty());
  EXPECT_EQ(profile.network(), NetworkAccess::restricted);
}

TEST(PermissionProfile, NetworkOfDisabledIsEnabled) {
  EXPECT_EQ(PermissionProfile(DisabledProfile{}).network(), NetworkAccess::enabled);
  EXPECT_EQ(PermissionProfile(ExternalProfile{NetworkAccess::restricted}).network(),
            NetworkAccess::restricted);
}

TEST(PermissionProfile, WorkspaceWriteWithExcludesAndExtraRoots) {
  FakeFileSystem fs;
  fs.dir("D:\\extra\\.git").dir("E:\\other");
  const auto profile = PermissionProfile::workspace_write_with(
      {p("D:\\extra"), p("E:\\other")}, NetworkAccess::enabled, /*exclude_tmpdir=*/true,
      /*exclude_slash_tmp=*/false, fs);
  const std::vector<FileSystemSandboxEntry> expected{
      entry(FileSystemSpecialPath::root(), Mode::read),
      entry(FileSystemSpecialPath::project_roots(), Mode::write),
      entry(FileSystemSpecialPath::slash_tmp(), Mode::write),
      entry(p("D:\\extra"), Mode::write),
      entry(p("E:\\other"), Mode::write),
      entry(FileSystemSpecialPath::project_roots(".git"), Mode::read),
      entry(FileSystemSpecialPath::project_roots(".agents"), Mode::read),
      entry(FileSystemSpecialPath::project_roots(".codex"), Mode::read),
      // Only existing metadata of extra roots is carved out (protect_missing_dot_codex=false).
      entry(p("D:\\extra\\.git"), Mode::read),
  };
  ASSERT_NE(profile.restricted_file_system(), nullptr);
  EXPECT_EQ(profile.restricted_file_system()->entries, expected);
  EXPECT_EQ(profile.network(), NetworkAccess::enabled);
}

// reference disabled_permission_profile_ignores_runtime_network_policy
TEST(RuntimePermissions, DisabledEnforcementWithUnrestrictedFsIsDisabled) {
  const FileSystemSandboxPolicy unrestricted{FileSystemSandboxPolicy::Kind::unrestricted, {}, {}};
  EXPECT_EQ(PermissionProfile::from_runtime_permissions(SandboxEnforcement::disabled, unrestricted,
                                                        NetworkAccess::restricted),
            PermissionProfile(DisabledProfile{}));
}

// reference permission_profile_from_runtime_permissions_preserves_external_sandbox
TEST(RuntimePermissions, ExternalSandboxFsIsExternalWhateverTheEnforcement) {
  const FileSystemSandboxPolicy external{FileSystemSandboxPolicy::Kind::external_sandbox, {}, {}};
  for (auto enforcement :
       {SandboxEnforcement::managed, SandboxEnforcement::disabled, SandboxEnforcement::external}) {
    EXPECT_EQ(PermissionProfile::from_runtime_permissions(enforcement, external,
                                                          NetworkAccess::restricted),
              PermissionProfile(ExternalProfile{NetworkAccess::restricted}));
  }
}

// reference permission_profile_from_runtime_permissions_preserves_unrestricted_managed_network
TEST(RuntimePermissions, ExternalEnforcementWithUnrestrictedFsStaysManaged) {
  const FileSystemSandboxPolicy unrestricted{FileSystemSandboxPolicy::Kind::unrestricted, {}, {}};
  EXPECT_EQ(PermissionProfile::from_runtime_permissions(SandboxEnforcement::external, unrestricted,
                                                        NetworkAccess::restricted),
            PermissionProfile(ManagedProfile{UnrestrictedFileSystem{}, NetworkAccess::restricted}));
}

TEST(RuntimePermissions, RoundTripThroughRuntimePermissions) {
  for (const PermissionProfile& profile :
       {PermissionProfile::workspace_write(), PermissionProfile::read_only(),
        PermissionProfile(DisabledProfile{}),
        PermissionProfile(ExternalProfile{NetworkAccess::enabled}),
        PermissionProfile(ManagedProfile{UnrestrictedFileSystem{}, NetworkAccess::enabled})}) {
    EXPECT_EQ(PermissionProfile::from_runtime_permissions(
                  profile.enforcement(), profile.file_system_policy(), profile.network()),
              profile)
        << profile_to_json(profile);
  }
}

TEST(SharesTarget, FollowsReferenceRelation) {
  const FileSystemPath root = FileSystemSpecialPath::root();
  EXPECT_TRUE(shares_target(root, FileSystemSpecialPath::root()));
  EXPECT_TRUE(shares_target(root, p("C:\\")));
  EXPECT_TRUE(shares_target(p("\\\\server\\share"), root));
  EXPECT_FALSE(shares_target(root, p("C:\\repo")));
  EXPECT_TRUE(shares_target(p("C:\\Repo"), p("c:/repo")));
  EXPECT_FALSE(shares_target(FileSystemSpecialPath::project_roots(".git"),
                             FileSystemSpecialPath::project_roots()));
  EXPECT_FALSE(shares_target(FileSystemSpecialPath::project_roots(".git"), p("C:\\repo\\.git")));
  EXPECT_TRUE(shares_target(GlobPattern{"**/*.env"}, GlobPattern{"**/*.env"}));
  EXPECT_FALSE(shares_target(GlobPattern{"C:\\"}, p("C:\\")));
}

RestrictedFileSystem restricted(std::vector<FileSystemSandboxEntry> entries) {
  return RestrictedFileSystem{std::move(entries), {}};
}

TEST(FullDiskWrite, RootWriteAloneIsFullDiskWrite) {
  EXPECT_TRUE(
      has_full_disk_write_access(restricted({entry(FileSystemSpecialPath::root(), Mode::write)})));
  EXPECT_FALSE(
      has_full_disk_write_access(restricted({entry(FileSystemSpecialPath::root(), Mode::read)})));
}

// reference test root_write_with_read_only_child_is_not_full_disk_write
TEST(FullDiskWrite, ReadOnlyChildNarrows) {
  EXPECT_FALSE(
      has_full_disk_write_access(restricted({entry(FileSystemSpecialPath::root(), Mode::write),
                                             entry(p("C:\\repo\\docs"), Mode::read)})));
}

// reference test duplicate_root_deny_prevents_full_disk_write_access
TEST(FullDiskWrite, DuplicateRootDenyNarrows) {
  EXPECT_FALSE(
      has_full_disk_write_access(restricted({entry(FileSystemSpecialPath::root(), Mode::write),
                                             entry(FileSystemSpecialPath::root(), Mode::deny)})));
}

// reference test same_specificity_write_override_keeps_full_disk_write_access
TEST(FullDiskWrite, SameTargetWriteShadowsRead) {
  EXPECT_TRUE(has_full_disk_write_access(restricted(
      {entry(FileSystemSpecialPath::root(), Mode::write), entry(p("C:\\repo\\docs"), Mode::read),
       entry(p("C:\\repo\\docs"), Mode::write)})));
}

TEST(FullDiskWrite, DenyIsNeverShadowedAndGlobsAlwaysNarrow) {
  EXPECT_FALSE(has_full_disk_write_access(
      restricted({entry(FileSystemSpecialPath::root(), Mode::write),
                  entry(p("C:\\secret"), Mode::deny), entry(p("C:\\secret"), Mode::write)})));
  EXPECT_FALSE(
      has_full_disk_write_access(restricted({entry(FileSystemSpecialPath::root(), Mode::write),
                                             entry(GlobPattern{"**/*.env"}, Mode::deny)})));
  EXPECT_TRUE(has_full_disk_write_access(
      restricted({entry(FileSystemSpecialPath::root(), Mode::write),
                  entry(FileSystemSpecialPath::root(), Mode::read),
                  entry(FileSystemSpecialPath::minimal(), Mode::read),
                  entry(FileSystemSpecialPath::unknown(":x"), Mode::deny)})));
  EXPECT_FALSE(
      has_full_disk_write_access(restricted({entry(FileSystemSpecialPath::root(), Mode::write),
                                             entry(FileSystemSpecialPath::tmpdir(), Mode::read)})));
}

TEST(ProtectedSubpaths, ListsExistingMetadataInReferenceOrder) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git").dir("C:\\repo\\.agents").dir("C:\\repo\\.codex");
  EXPECT_EQ(
      default_read_only_subpaths(p("C:\\repo"), {}, fs),
      (std::vector<WinPath>{p("C:\\repo\\.git"), p("C:\\repo\\.agents"), p("C:\\repo\\.codex")}));
}

TEST(ProtectedSubpaths, MissingMetadataOnlyWhenAsked) {
  FakeFileSystem fs;
  fs.dir("C:\\repo");
  EXPECT_TRUE(default_read_only_subpaths(p("C:\\repo"), {}, fs).empty());
  EXPECT_EQ(default_read_only_subpaths(p("C:\\repo"), {.dot_codex = true}, fs),
            std::vector<WinPath>{p("C:\\repo\\.codex")});
  EXPECT_EQ(default_read_only_subpaths(p("C:\\repo"), {.dot_agents = true, .dot_codex = true}, fs),
            (std::vector<WinPath>{p("C:\\repo\\.agents"), p("C:\\repo\\.codex")}));
}

TEST(ProtectedSubpaths, AgentsFileIsNotADirectory) {
  FakeFileSystem fs;
  fs.file("C:\\repo\\.agents", "not a dir");
  EXPECT_TRUE(default_read_only_subpaths(p("C:\\repo"), {}, fs).empty());
}

TEST(ProtectedSubpaths, GitPointerFileAddsExistingTargetFirst) {
  FakeFileSystem fs;
  fs.file("C:\\work\\wt\\.git", "gitdir: ../main/.git/worktrees/wt\n")
      .dir("C:\\work\\main\\.git\\worktrees\\wt");
  EXPECT_EQ(
      default_read_only_subpaths(p("C:\\work\\wt"), {}, fs),
      (std::vector<WinPath>{p("C:\\work\\main\\.git\\worktrees\\wt"), p("C:\\work\\wt\\.git")}));
}

TEST(ProtectedSubpaths, GitPointerAbsoluteTarget) {
  FakeFileSystem fs;
  fs.file("C:\\repo\\.git", "gitdir: C:\\gits\\repo").dir("C:\\gits\\repo");
  EXPECT_EQ(default_read_only_subpaths(p("C:\\repo"), {}, fs),
            (std::vector<WinPath>{p("C:\\gits\\repo"), p("C:\\repo\\.git")}));
}

TEST(ProtectedSubpaths, GitPointerWithMissingOrMalformedTargetKeepsDotGitOnly) {
  for (const char* content :
       {"gitdir: .git/worktrees/example", "gitdir:", "not a pointer", "gitdir: C:relative"}) {
    FakeFileSystem fs;
    fs.file("C:\\repo\\.git", content);
    EXPECT_EQ(default_read_only_subpaths(p("C:\\repo"), {}, fs),
              std::vector<WinPath>{p("C:\\repo\\.git")})
        << content;
  }
}

}  // namespace
}  // namespace winsandbox
