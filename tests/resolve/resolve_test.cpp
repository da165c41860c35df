// resolve() and explain() over SnapshotFileSystem: the resolution tests of
// docs/resolution.md, rule by rule.
#include "winsandbox/resolve.hpp"

#include <set>

#include <gtest/gtest.h>

#include "counting_view.hpp"
#include "snapshot_builder.hpp"
#include "test_support.hpp"
#include "winsandbox/legacy_policy.hpp"

namespace winsandbox {
namespace {

using Mode = FileSystemAccessMode;
using testing::SnapshotBuilder;

WinPath p(std::string_view text) {
  return WinPath::parse(text);
}
std::vector<WinPath> paths(std::initializer_list<const char*> texts) {
  std::vector<WinPath> out;
  for (const char* t : texts) out.push_back(p(t));
  return out;
}
std::set<WinPath> as_set(const std::vector<WinPath>& v) {
  return {v.begin(), v.end()};
}
FileSystemSandboxEntry entry(FileSystemPath path, Mode access) {
  return {std::move(path), access};
}
PermissionProfile managed(std::vector<FileSystemSandboxEntry> entries,
                          NetworkAccess network = NetworkAccess::restricted) {
  return ManagedProfile{RestrictedFileSystem{std::move(entries), {}}, network};
}
std::vector<WinPath> root_paths(const ResolvedPermissions& r) {
  std::vector<WinPath> out;
  for (const auto& root : r.writable_roots) out.push_back(root.root);
  return out;
}
ResolvedPermissions resolve_at(const PermissionProfile& profile, std::vector<WinPath> roots,
                               std::string_view cwd, const FileSystemView& fs,
                               const Environment& env = {}) {
  return resolve(profile, ProfileBinding{std::move(roots)}, p(cwd), env, fs);
}

const auto kProjectRootsWrite = entry(FileSystemSpecialPath::project_roots(), Mode::write);
const auto kRootRead = entry(FileSystemSpecialPath::root(), Mode::read);

// ---- Binding (docs/resolution.md#binding) --------------------------------------------------

// The seed scenario: roots are C:\repo and the extra root, never the command cwd.
TEST(ResolveBinding, SeedScenarioBindsToWorkspaceRootNotCommandCwd) {
  const auto fs =
      SnapshotBuilder().dir("C:\\repo\\sub").dir("C:\\repo\\.git").dir("D:\\scratch").build();
  const auto profile = PermissionProfile::workspace_write_with(
      {p("D:\\scratch")}, NetworkAccess::restricted, true, true, fs);
  const auto r =
      resolve(profile, ProfileBinding::for_profile_cwd(p("C:\\repo")), p("C:\\repo\\sub"), {}, fs);
  EXPECT_EQ(root_paths(r), paths({"C:\\repo", "D:\\scratch"}));
  EXPECT_EQ(r.writable_roots[0].read_only_subpaths,
            paths({"C:\\repo\\.git", "C:\\repo\\.agents", "C:\\repo\\.codex"}));
  EXPECT_EQ(r.token_mode, TokenMode::writable_roots_capability);
  EXPECT_EQ(r.acl.allow_write, paths({"C:\\repo", "D:\\scratch"}));
  EXPECT_EQ(r.acl.deny_write, paths({"C:\\repo\\.git"}));
  EXPECT_EQ(explain(r, p("C:\\repo\\sub\\x.txt"), fs).write, true);
  EXPECT_EQ(explain(r, p("C:\\repo\\.git\\config"), fs).write, false);
}

// reference permission_profile_workspace_root_stays_bound_to_profile_cwd /
// uses_runtime_workspace_roots / uses_profile_cwd_for_workspace_root
TEST(ResolveBinding, ProjectRootsUseRuntimeWorkspaceRoots) {
  const auto fs = SnapshotBuilder().dir("C:\\tmp\\workspace\\subdir").build();
  const auto r = resolve_at(managed({kProjectRootsWrite}), paths({"C:\\tmp\\workspace"}),
                            "C:\\tmp\\workspace\\subdir", fs);
  EXPECT_EQ(root_paths(r), paths({"C:\\tmp\\workspace"}));
  EXPECT_EQ(r.acl.allow_write, paths({"C:\\tmp\\workspace"}));
}

// reference legacy_workspace_root_stays_bound_to_policy_cwd
TEST(ResolveBinding, LegacyWorkspaceRootStaysBoundToPolicyCwd) {
  const auto fs = SnapshotBuilder().dir("C:\\tmp\\workspace\\subdir").build();
  const auto profile = profile_from_legacy_policy(WorkspaceWritePolicy{{}, false, true, true},
                                                  p("C:\\tmp\\workspace"), fs);
  const auto r =
      resolve_at(profile, paths({"C:\\tmp\\workspace"}), "C:\\tmp\\workspace\\subdir", fs);
  EXPECT_EQ(root_paths(r), paths({"C:\\tmp\\workspace"}));
}

// reference permission_profile_workspace_roots_expand_all_runtime_workspace_roots
TEST(ResolveBinding, ExpandsEveryWorkspaceRootForEntriesAndGlobs) {
  const auto fs = SnapshotBuilder().dir("C:\\tmp").build();
  const auto profile =
      managed({kProjectRootsWrite, entry(FileSystemSpecialPath::project_roots(".git"), Mode::deny),
               entry(GlobPattern{"codex-project-roots://**/*.env"}, Mode::deny)});
  const auto r = resolve_at(profile, paths({"C:\\tmp\\first", "C:\\tmp\\second"}), "C:\\tmp", fs);
  const std::vector<FileSystemSandboxEntry> expected{
      entry(p("C:\\tmp\\first"), Mode::write), entry(p("C:\\tmp\\second"), Mode::write),
      entry(p("C:\\tmp\\first\\.git"), Mode::deny), entry(p("C:\\tmp\\second\\.git"), Mode::deny)};
  EXPECT_EQ(r.bound_entries, expected);
  EXPECT_EQ(r.deny_read_globs,
            (std::vector<std::string>{"C:\\tmp\\first\\**\\*.env", "C:\\tmp\\second\\**\\*.env"}));
  EXPECT_EQ(r.deny_read, paths({"C:\\tmp\\first\\.git", "C:\\tmp\\second\\.git"}));
}

// The elevated runner resolves without expanding deny-read globs: the patterns, the exact
// denies and every other decision stay; only the walk (and its matches) is skipped.
TEST(ResolveBinding, WithoutGlobExpansionTheDecisionsStayAndNoDirectoryIsRead) {
  const auto snapshot = SnapshotBuilder()
                            .file("C:\\repo\\a\\one.env")
                            .file("C:\\repo\\b\\two.env")
                            .dir("C:\\repo\\.git")
                            .build();
  const auto profile =
      managed({kRootRead, kProjectRootsWrite, entry(p("C:\\repo\\secret"), Mode::deny),
               entry(GlobPattern{"codex-project-roots://**/*.env"}, Mode::deny)});
  const ProfileBinding binding{paths({"C:\\repo"})};
  testing::CountingView counted(snapshot);
  const ResolvedPermissions expanded = resolve(profile, binding, p("C:\\repo"), {}, counted);
  EXPECT_GT(counted.reads, 0);
  EXPECT_EQ(expanded.deny_read,
            paths({"C:\\repo\\secret", "C:\\repo\\a\\one.env", "C:\\repo\\b\\two.env"}));
  testing::CountingView uncounted(snapshot);
  const ResolvedPermissions runner =
      resolve(profile, binding, p("C:\\repo"), {}, uncounted, {.expand_deny_read_globs = false});
  EXPECT_EQ(uncounted.reads, 0);
  EXPECT_TRUE(uncounted.listed.empty());
  EXPECT_EQ(runner.deny_read, paths({"C:\\repo\\secret"}));
  EXPECT_EQ(runner.deny_read_globs, expanded.deny_read_globs);
  EXPECT_EQ(runner.writable_roots, expanded.writable_roots);
  EXPECT_EQ(runner.bound_entries, expanded.bound_entries);
  EXPECT_EQ(runner.acl, expanded.acl);
  EXPECT_FALSE(explain(runner, p("C:\\repo\\a\\one.env"), snapshot).read);
}

TEST(ResolveBinding, EmptyWorkspaceRootsDropProjectRootGrants) {
  const auto fs = SnapshotBuilder().dir("C:\\work").build();
  const auto r = resolve_at(PermissionProfile::workspace_write(), {}, "C:\\work", fs);
  EXPECT_TRUE(r.writable_roots.empty());
  EXPECT_EQ(r.token_mode, TokenMode::read_only_capability);
}

TEST(ResolveBinding, WorkspaceRootsAreCanonicalizedAndDeduplicated) {
  const auto fs = SnapshotBuilder().dir("C:\\repo").junction("C:\\alias", "C:\\repo").build();
  const auto r =
      resolve_at(managed({kProjectRootsWrite}), paths({"C:\\alias", "c:\\REPO"}), "C:\\repo", fs);
  EXPECT_EQ(r.workspace_roots, paths({"C:\\repo"}));
  EXPECT_EQ(root_paths(r), paths({"C:\\repo"}));
}

TEST(ResolveBinding, EscapingProjectRootSubpathIsRejected) {
  const auto fs = SnapshotBuilder().dir("C:\\repo").build();
  EXPECT_WS_ERROR(
      resolve_at(
          managed({entry(FileSystemSpecialPath::project_roots("..\\..\\Windows"), Mode::write)}),
          paths({"C:\\repo"}), "C:\\repo", fs),
      ErrorCode::invalid_profile, "escapes");
}

// ---- Rejections (docs/resolution.md#refusals) ---------------------------------------------------

TEST(ResolveRejects, DisabledAndExternalProfiles) {
  const auto fs = SnapshotBuilder().dir("C:\\repo").build();
  EXPECT_WS_ERROR(resolve_at(DisabledProfile{}, paths({"C:\\repo"}), "C:\\repo", fs),
                  ErrorCode::profile_not_managed,
                  "only managed permission profiles can be enforced");
  EXPECT_WS_ERROR(
      resolve_at(ExternalProfile{NetworkAccess::enabled}, paths({"C:\\repo"}), "C:\\repo", fs),
      ErrorCode::profile_not_managed, "only managed permission profiles can be enforced");
}

TEST(ResolveRejects, UnrestrictedManagedFilesystem) {
  const auto fs = SnapshotBuilder().dir("C:\\repo").build();
  EXPECT_WS_ERROR(resolve_at(ManagedProfile{UnrestrictedFileSystem{}, NetworkAccess::restricted},
                             paths({"C:\\repo"}), "C:\\repo", fs),
                  ErrorCode::filesystem_unrestricted,
                  "only restricted managed filesystem permissions can be enforced");
}

TEST(ResolveRejects, FullDiskWrite) {
  const auto fs = SnapshotBuilder().dir("C:\\tmp\\workspace").build();
  EXPECT_WS_ERROR(resolve_at(managed({entry(FileSystemSpecialPath::root(), Mode::write)}),
                             paths({"C:\\tmp\\workspace"}), "C:\\tmp\\workspace", fs),
                  ErrorCode::full_disk_write,
                  "full-disk filesystem writes, which cannot be enforced");
  // reference same_specificity_write_override_keeps_full_disk_write_access
  EXPECT_WS_ERROR(resolve_at(managed({entry(FileSystemSpecialPath::root(), Mode::write),
                                      entry(p("C:\\tmp\\docs"), Mode::read),
                                      entry(p("C:\\tmp\\docs"), Mode::write)}),
                             {}, "C:\\tmp\\workspace", fs),
                  ErrorCode::full_disk_write, "full-disk");
}

TEST(ResolveRejects, UncAndRemotePaths) {
  const auto fs =
      SnapshotBuilder().dir("C:\\repo").dir("L:\\share\\repo").remote_drive("L:").build();
  const auto profile = PermissionProfile::workspace_write();
  EXPECT_WS_ERROR(resolve_at(profile, paths({"\\\\server\\share\\repo"}), "C:\\repo", fs),
                  ErrorCode::unc_path_unsupported, "UNC");
  EXPECT_WS_ERROR(resolve_at(profile, paths({"\\\\?\\UNC\\server\\share\\repo"}), "C:\\repo", fs),
                  ErrorCode::unc_path_unsupported, "UNC");
  EXPECT_WS_ERROR(resolve_at(profile, paths({"L:\\share\\repo"}), "C:\\repo", fs),
                  ErrorCode::unc_path_unsupported, "mapped network drives");
  EXPECT_WS_ERROR(resolve_at(profile, paths({"C:\\repo"}), "L:\\share\\repo", fs),
                  ErrorCode::unc_path_unsupported, "sandbox working directory");
  EXPECT_WS_ERROR(resolve_at(profile, paths({"C:\\repo"}), "\\\\server\\share\\repo", fs),
                  ErrorCode::unc_path_unsupported, "UNC");
  EXPECT_WS_ERROR(resolve_at(managed({kRootRead, entry(p("L:\\share\\out"), Mode::write)}),
                             paths({"C:\\repo"}), "C:\\repo", fs),
                  ErrorCode::unc_path_unsupported, "writable root");
  EXPECT_WS_ERROR(resolve_at(profile, paths({"C:\\repo"}), "\\\\.\\pipe\\x", fs),
                  ErrorCode::invalid_path, "device path");
}

TEST(ResolveRejects, InvalidGlobBeforeAnyScan) {
  const auto fs = SnapshotBuilder().dir("C:\\tmp").build();
  EXPECT_WS_ERROR(
      resolve_at(managed({kRootRead, entry(GlobPattern{"C:\\tmp\\**\\[z-a]"}, Mode::deny)}), {},
                 "C:\\tmp", fs),
      ErrorCode::invalid_glob, "invalid range");
}

// ---- Token mode (docs/resolution.md#token-mode) ----------------------------------------

TEST(ResolveTokenMode, ReadOnlyAndWritable) {
  const auto fs = SnapshotBuilder().dir("C:\\tmp\\workspace").build();
  EXPECT_EQ(resolve_at(PermissionProfile::read_only(), paths({"C:\\tmp\\workspace"}),
                       "C:\\tmp\\workspace", fs)
                .token_mode,
            TokenMode::read_only_capability);
  EXPECT_EQ(resolve_at(PermissionProfile::workspace_write(), paths({"C:\\tmp\\workspace"}),
                       "C:\\tmp\\workspace", fs)
                .token_mode,
            TokenMode::writable_roots_capability);
}

TEST(ResolveTokenMode, TempFromMixedCaseChildEnvKeyWithoutWorkspace) {
  const auto fs = SnapshotBuilder().dir("C:\\x\\work").dir("C:\\x\\temp").build();
  const auto profile = managed({kRootRead, entry(FileSystemSpecialPath::tmpdir(), Mode::write)});
  const auto r = resolve_at(profile, {}, "C:\\x\\work", fs,
                            Environment::from_assignments({"Temp=C:\\x\\temp"}));
  EXPECT_EQ(r.token_mode, TokenMode::writable_roots_capability);
  EXPECT_EQ(root_paths(r), paths({"C:\\x\\temp"}));
}

TEST(ResolveTokenMode, UnavailableTempNeverCreatesWriteCapabilities) {
  const auto fs = SnapshotBuilder().dir("C:\\x\\work").build();
  const auto profile = managed({kRootRead, entry(FileSystemSpecialPath::tmpdir(), Mode::write),
                                entry(FileSystemSpecialPath::slash_tmp(), Mode::write)});
  for (const auto& env :
       {Environment::from_assignments({"TEMP=", "TMP=relative"}), Environment{}}) {
    const auto r = resolve_at(profile, {}, "C:\\x\\work", fs, env);
    EXPECT_EQ(r.token_mode, TokenMode::read_only_capability);
    EXPECT_TRUE(r.writable_roots.empty());
  }
}

// ---- TEMP/TMP (docs/resolution.md#temp-and-tmp) ---------------------------------------

TEST(ResolveTemp, WorkspaceWriteUsesChildTempCanonicalizedAndDeduplicated) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\tmp\\workspace")
                      .dir("C:\\tmp\\temp")
                      .junction("C:\\t", "C:\\tmp\\temp")
                      .build();
  const auto env = Environment::from_assignments({"TEMP=C:\\tmp\\temp", "TMP=C:\\t"});
  const auto r = resolve_at(PermissionProfile::workspace_write(), paths({"C:\\tmp\\workspace"}),
                            "C:\\tmp\\workspace", fs, env);
  EXPECT_EQ(as_set(root_paths(r)), as_set(paths({"C:\\tmp\\workspace", "C:\\tmp\\temp"})));
  EXPECT_EQ(r.writable_roots.size(), 2u);
  EXPECT_EQ(as_set(r.acl.allow_write), as_set(paths({"C:\\tmp\\workspace", "C:\\tmp\\temp"})));
}

TEST(ResolveTemp, ExcludedTmpdirIsNotWritable) {
  const auto fs = SnapshotBuilder().dir("C:\\w").dir("C:\\temp").build();
  const auto profile =
      PermissionProfile::workspace_write_with({}, NetworkAccess::restricted, true, false, fs);
  const auto r = resolve_at(profile, paths({"C:\\w"}), "C:\\w", fs,
                            Environment::from_assignments({"TEMP=C:\\temp", "TMP=C:\\temp"}));
  EXPECT_EQ(r.acl.allow_write, paths({"C:\\w"}));  // and no /tmp either
}

TEST(ResolveTemp, TmpdirDenyIsHonoured) {
  const auto fs = SnapshotBuilder().dir("C:\\w").dir("C:\\temp").build();
  const auto profile =
      managed({kRootRead, kProjectRootsWrite, entry(FileSystemSpecialPath::tmpdir(), Mode::deny)});
  const auto r = resolve_at(profile, paths({"C:\\w"}), "C:\\w", fs,
                            Environment::from_assignments({"TMP=C:\\temp"}));
  EXPECT_EQ(r.deny_read, paths({"C:\\temp"}));
  EXPECT_FALSE(explain(r, p("C:\\temp\\x"), fs).read);
}

TEST(ResolveTemp, HostEnvironmentIsNeverUsed) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r = resolve_at(PermissionProfile::workspace_write(), paths({"C:\\w"}), "C:\\w", fs,
                            Environment{});
  EXPECT_EQ(root_paths(r), paths({"C:\\w"}));
}

// ---- Read-only subpaths (docs/resolution.md#writable-roots) -------------------------------

TEST(ResolveSubpaths, ProtectsMissingMetadataAndOnlyDeniesExisting) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite}), paths({"C:\\w"}), "C:\\w", fs);
  ASSERT_EQ(r.writable_roots.size(), 1u);
  EXPECT_EQ(r.writable_roots[0].read_only_subpaths,
            paths({"C:\\w\\.git", "C:\\w\\.agents", "C:\\w\\.codex"}));
  EXPECT_TRUE(r.acl.deny_write.empty());
  EXPECT_EQ(r.acl.protect_missing, paths({"C:\\w\\.agents", "C:\\w\\.codex"}));
}

TEST(ResolveSubpaths, DeniesExistingGitCodexAndAgents) {
  const auto fs =
      SnapshotBuilder().dir("C:\\w\\.git").dir("C:\\w\\.codex").dir("C:\\w\\.agents").build();
  const auto r = resolve_at(PermissionProfile::workspace_write(), paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_EQ(r.acl.allow_write, paths({"C:\\w"}));
  EXPECT_EQ(as_set(r.acl.deny_write),
            as_set(paths({"C:\\w\\.git", "C:\\w\\.codex", "C:\\w\\.agents"})));
  EXPECT_TRUE(r.acl.protect_missing.empty());
}

TEST(ResolveSubpaths, GitPointerFileWithMissingTarget) {
  const auto fs = SnapshotBuilder().file("C:\\w\\.git", "gitdir: .git/worktrees/example").build();
  const auto r = resolve_at(PermissionProfile::workspace_write(), paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_EQ(r.acl.deny_write, paths({"C:\\w\\.git"}));
}

TEST(ResolveSubpaths, GitPointerTargetIsProtectedToo) {
  const auto fs = SnapshotBuilder()
                      .file("C:\\wt\\.git", "gitdir: C:\\main\\.git\\worktrees\\wt")
                      .dir("C:\\main\\.git\\worktrees\\wt")
                      .build();
  // The target is protected because it lies inside a writable root (here C:\\main); a target
  // outside every writable root is not (HostileGitPointer tests).
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(p("C:\\main"), Mode::write)}),
                 paths({"C:\\wt"}), "C:\\wt", fs);
  EXPECT_EQ(r.writable_roots.at(0).read_only_subpaths,
            paths({"C:\\main\\.git\\worktrees\\wt", "C:\\wt\\.git", "C:\\wt\\.agents",
                   "C:\\wt\\.codex"}));
  EXPECT_EQ(r.acl.deny_write,
            paths({"C:\\main\\.git\\worktrees\\wt", "C:\\wt\\.git", "C:\\main\\.git"}));
}

// reference writable_roots_skip_default_dot_codex_when_explicit_user_rule_exists
TEST(ResolveSubpaths, ExplicitWriteRuleForCodexWins) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(p("C:\\w\\.codex"), Mode::write)}),
                 paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_EQ(r.writable_roots.at(0).read_only_subpaths, paths({"C:\\w\\.git", "C:\\w\\.agents"}));
  EXPECT_TRUE(explain(r, p("C:\\w\\.codex\\config.toml"), fs).write);
}

// reference filesystem_policy_blocks_protected_metadata_path_writes_by_default
TEST(ResolveSubpaths, MetadataWritesBlockedByDefault) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r = resolve_at(managed({kRootRead, entry(p("C:\\w"), Mode::write)}), {}, "C:\\w", fs);
  for (const char* target : {"C:\\w\\.git\\config", "C:\\w\\.agents\\config",
                             "C:\\w\\.codex\\config.toml", "C:\\w\\.GIT\\config"}) {
    const auto verdict = explain(r, p(target), fs);
    EXPECT_FALSE(verdict.write) << target;
    EXPECT_TRUE(verdict.read) << target;
  }
  EXPECT_TRUE(explain(r, p("C:\\w\\src\\main.cpp"), fs).write);
}

TEST(ResolveSubpaths, ReadAndDenyEntriesUnderARootAreCarveOuts) {
  const auto fs = SnapshotBuilder().dir("C:\\w\\docs").build();
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(p("C:\\w\\docs"), Mode::read),
                          entry(p("C:\\w\\secrets"), Mode::deny)}),
                 paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_EQ(
      r.writable_roots.at(0).read_only_subpaths,
      paths({"C:\\w\\.git", "C:\\w\\.agents", "C:\\w\\.codex", "C:\\w\\docs", "C:\\w\\secrets"}));
  EXPECT_EQ(r.acl.deny_write, paths({"C:\\w\\docs"}));
  EXPECT_EQ(r.acl.protect_missing, paths({"C:\\w\\.agents", "C:\\w\\.codex", "C:\\w\\secrets"}));
  EXPECT_EQ(r.deny_read, paths({"C:\\w\\secrets"}));
}

// ---- Access evaluation (docs/resolution.md#access-rules)
// --------------------------------------------

TEST(ResolveAccess, MostSpecificEntryWins) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r = resolve_at(managed({kProjectRootsWrite, entry(p("C:\\w\\docs"), Mode::read),
                                     entry(p("C:\\w\\docs\\private"), Mode::deny),
                                     entry(p("C:\\w\\docs\\private\\public"), Mode::write)}),
                            paths({"C:\\w"}), "C:\\w", fs);
  const auto check = [&](const char* path, bool read, bool write) {
    const auto v = explain(r, p(path), fs);
    EXPECT_EQ(v.read, read) << path << ": " << v.rule;
    EXPECT_EQ(v.write, write) << path << ": " << v.rule;
  };
  check("C:\\w", true, true);
  check("C:\\w\\docs", true, false);
  check("C:\\w\\docs\\private", false, false);
  // Writable again, but still under the deny-read ACE of docs\private (inherited): unreadable.
  check("C:\\w\\docs\\private\\public", false, true);
  check("C:\\elsewhere", false, false);
}

// reference root_write_with_read_only_child_is_not_full_disk_write
TEST(ResolveAccess, RootWriteWithReadOnlyChildIsAWritableDriveRoot) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r = resolve_at(managed({entry(FileSystemSpecialPath::root(), Mode::write),
                                     entry(p("C:\\w\\docs"), Mode::read)}),
                            {}, "C:\\w", fs);
  EXPECT_EQ(root_paths(r), paths({"C:\\"}));
  EXPECT_EQ(explain(r, p("C:\\w\\docs\\a"), fs).write, false);
  EXPECT_EQ(explain(r, p("C:\\w\\a"), fs).write, true);
}

// reference root_deny_does_not_materialize_as_unreadable_root
TEST(ResolveAccess, RootDenyIsNotADenyReadPath) {
  const auto fs = SnapshotBuilder().dir("C:\\w\\docs").build();
  const auto r = resolve_at(managed({entry(FileSystemSpecialPath::root(), Mode::deny),
                                     entry(p("C:\\w\\docs"), Mode::read)}),
                            {}, "C:\\w", fs);
  EXPECT_FALSE(r.full_disk_read);
  EXPECT_EQ(r.readable_roots, paths({"C:\\w\\docs"}));
  EXPECT_TRUE(r.deny_read.empty());
}

// reference duplicate_root_deny_prevents_full_disk_write_access
TEST(ResolveAccess, DuplicateRootDenyMakesTheRootUnwritable) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r = resolve_at(managed({entry(FileSystemSpecialPath::root(), Mode::write),
                                     entry(FileSystemSpecialPath::root(), Mode::deny)}),
                            {}, "C:\\w", fs);
  EXPECT_TRUE(r.writable_roots.empty());
  EXPECT_FALSE(explain(r, p("C:\\w"), fs).read);
}

TEST(ResolveAccess, RootMeansTheCommandCwdDrive) {
  const auto fs = SnapshotBuilder().dir("C:\\w").dir("D:\\data").build();
  const auto r = resolve_at(PermissionProfile::read_only(), {}, "D:\\data", fs);
  EXPECT_TRUE(explain(r, p("D:\\x"), fs).read);
  EXPECT_FALSE(explain(r, p("C:\\w"), fs).read);
  EXPECT_TRUE(r.full_disk_read);
}

TEST(ResolveAccess, JunctionAliasesCannotBypassCarveOuts) {
  const auto fs = SnapshotBuilder().dir("C:\\w\\.git").junction("C:\\link", "C:\\w\\.git").build();
  const auto r = resolve_at(PermissionProfile::workspace_write(), paths({"C:\\w"}), "C:\\w", fs);
  const auto verdict = explain(r, p("C:\\link\\config"), fs);
  EXPECT_EQ(verdict.path.str(), "C:\\w\\.git\\config");
  EXPECT_FALSE(verdict.write);
}

// ---- Readable roots and deny-read (docs/resolution.md#readable-roots) ---------------------------

TEST(ResolveRead, FullDiskReadOnlyWithoutDenies) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  EXPECT_TRUE(resolve_at(PermissionProfile::workspace_write(), paths({"C:\\w"}), "C:\\w", fs)
                  .full_disk_read);
  const auto r =
      resolve_at(managed({kRootRead, entry(p("C:\\w\\.env"), Mode::deny)}), {}, "C:\\w", fs);
  EXPECT_FALSE(r.full_disk_read);
  EXPECT_EQ(r.readable_roots, paths({"C:\\"}));
  EXPECT_EQ(r.deny_read, paths({"C:\\w\\.env"}));  // missing paths are kept
}

TEST(ResolveRead, MinimalIncludesPlatformDefaults) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto r =
      resolve_at(managed({entry(FileSystemSpecialPath::minimal(), Mode::read), kProjectRootsWrite}),
                 paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_TRUE(r.include_platform_defaults);
  EXPECT_FALSE(r.full_disk_read);
  EXPECT_EQ(r.readable_roots, paths({"C:\\w"}));
}

TEST(ResolveRead, GlobsExpandOverTheSnapshotAfterExactDenies) {
  const auto fs = SnapshotBuilder()
                      .file("C:\\w\\.env")
                      .file("C:\\w\\app\\.env")
                      .file("C:\\w\\app\\notes.txt")
                      .build();
  auto profile = managed({kRootRead, kProjectRootsWrite, entry(p("C:\\w\\secret.key"), Mode::deny),
                          entry(GlobPattern{"codex-project-roots://**/*.env"}, Mode::deny),
                          entry(GlobPattern{"app/*.txt"}, Mode::deny)});
  const auto r = resolve_at(profile, paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_EQ(r.deny_read, paths({"C:\\w\\secret.key", "C:\\w\\.env", "C:\\w\\app\\.env",
                                "C:\\w\\app\\notes.txt"}));
  EXPECT_FALSE(explain(r, p("C:\\w\\new\\prod.env"), fs).read);  // globs apply to future files too
  std::get<RestrictedFileSystem>(std::get<ManagedProfile>(profile.value()).file_system)
      .glob_scan_max_depth = 1;
  EXPECT_EQ(resolve_at(profile, paths({"C:\\w"}), "C:\\w", fs).deny_read,
            paths({"C:\\w\\secret.key", "C:\\w\\.env", "C:\\w\\app\\notes.txt"}));
}

// ---- Network (docs/resolution.md#network)
// ------------------------------------------------------------

TEST(ResolveNetwork, BlockUnlessEnabled) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto blocked =
      resolve_at(PermissionProfile::workspace_write(), paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_TRUE(blocked.network.blocked);
  EXPECT_EQ(blocked.network.identity, NetworkIdentity::offline);
  EXPECT_TRUE(resolve_at(PermissionProfile::read_only(), {}, "C:\\w", fs).network.blocked);
  auto online = PermissionProfile::workspace_write();
  std::get<ManagedProfile>(online.value()).network = NetworkAccess::enabled;
  const auto r = resolve_at(online, paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_FALSE(r.network.blocked);
  EXPECT_EQ(r.network.identity, NetworkIdentity::online);
  EXPECT_EQ(resolve(online, ProfileBinding{paths({"C:\\w"})}, p("C:\\w"), {}, fs,
                    {.proxy_enforced = true})
                .network.identity,
            NetworkIdentity::offline);
}

// ---- JSON ----------------------------------------------------------------------------------

TEST(ResolveJson, MatchesTheDocumentedShape) {
  const auto fs = SnapshotBuilder().dir("C:\\repo\\.git").build();
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite}), paths({"c:\\repo"}), "C:\\repo", fs,
                 Environment::from_assignments({"HTTP_PROXY=http://127.0.0.1:8080"}));
  EXPECT_EQ(
      resolved_to_json(r),
      R"({"workspace_roots":["C:\\repo"],"token_mode":"writable_roots_capability",)"
      R"("network":{"blocked":true,"identity":"offline","proxy_ports":[8080],"allow_local_binding":false},)"
      R"("network_enforcement":{"unelevated":"advisory","elevated":"enforced"},)"
      R"("full_disk_read":true,"readable_roots":[],)"
      R"("writable_roots":[{"root":"C:\\repo","read_only_subpaths":["C:\\repo\\.git","C:\\repo\\.agents","C:\\repo\\.codex"]}],)"
      R"("deny_read":[],"acl":{"allow_write":["C:\\repo"],"deny_write":["C:\\repo\\.git"],)"
      R"("protect_missing":["C:\\repo\\.agents","C:\\repo\\.codex"]},"warnings":[]})");
}

}  // namespace
}  // namespace winsandbox
