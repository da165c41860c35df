// resolve() against a hostile sandboxed command: what it could have left on disk (links,
// `.git` files, odd TEMP values) must never widen or move the next run's grants.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "counting_view.hpp"
#include "resolve/glob.hpp"
#include "snapshot_builder.hpp"
#include "test_support.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/resolve.hpp"

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
PermissionProfile workspace_write_with(std::vector<WinPath> extra_roots, const FileSystemView& fs,
                                       bool exclude_tmpdir = true) {
  return PermissionProfile::workspace_write_with(extra_roots, NetworkAccess::restricted,
                                                 exclude_tmpdir, true, fs);
}

const auto kRootRead = entry(FileSystemSpecialPath::root(), Mode::read);
const auto kProjectRootsWrite = entry(FileSystemSpecialPath::project_roots(), Mode::write);

// ---- A writable root (or ACL target) redirected through a link ------------------------------

// The attack: the previous run replaced `repo\tmp` by a junction to the user's `.ssh`.
TEST(HostileRedirect, ExtraRootThatIsAJunctionInsideTheWorkspaceIsRefused) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\repo")
                      .dir("C:\\Users\\me\\.ssh")
                      .junction("C:\\repo\\tmp", "C:\\Users\\me\\.ssh")
                      .build();
  EXPECT_WS_ERROR(resolve_at(workspace_write_with({p("C:\\repo\\tmp")}, fs), paths({"C:\\repo"}),
                             "C:\\repo", fs),
                  ErrorCode::writable_root_redirected,
                  "`C:\\repo\\tmp` is a junction inside writable root `C:\\repo` pointing to "
                  "`C:\\Users\\me\\.ssh`");
}

TEST(HostileRedirect, TempInsideTheWorkspaceThatIsAJunctionIsRefused) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\repo")
                      .dir("C:\\Users\\me\\.ssh")
                      .junction("C:\\repo\\tmp", "C:\\Users\\me\\.ssh")
                      .build();
  EXPECT_WS_ERROR(
      resolve_at(workspace_write_with({}, fs, /*exclude_tmpdir=*/false), paths({"C:\\repo"}),
                 "C:\\repo", fs, Environment::from_assignments({"TEMP=C:\\repo\\tmp"})),
      ErrorCode::writable_root_redirected, "pointing to `C:\\Users\\me\\.ssh`");
}

// A root nested below a symlinked directory of another root: the link is an ancestor.
TEST(HostileRedirect, NestedRootBelowASymlinkInsideAWritableRootIsRefused) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\repo")
                      .dir("D:\\elsewhere\\out")
                      .symlink("C:\\repo\\build", "D:\\elsewhere")
                      .build();
  EXPECT_WS_ERROR(resolve_at(managed({kRootRead, kProjectRootsWrite,
                                      entry(p("C:\\repo\\build\\out"), Mode::write)}),
                             paths({"C:\\repo"}), "C:\\repo", fs),
                  ErrorCode::writable_root_redirected,
                  "`C:\\repo\\build` is a symbolic link inside writable root `C:\\repo`");
}

// A link inside an extra root that is itself reached through a host alias.
TEST(HostileRedirect, LinkInsideARootReachedThroughAHostAliasIsRefused) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\repo")
                      .dir("C:\\data\\scratch")
                      .junction("C:\\scratch-alias", "C:\\data\\scratch")
                      .dir("C:\\Users\\me\\.ssh")
                      .junction("C:\\data\\scratch\\t", "C:\\Users\\me\\.ssh")
                      .build();
  EXPECT_WS_ERROR(
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(p("C:\\scratch-alias"), Mode::write),
                          entry(p("C:\\scratch-alias\\t"), Mode::write)}),
                 paths({"C:\\repo"}), "C:\\repo", fs),
      ErrorCode::writable_root_redirected, "`C:\\data\\scratch\\t` is a junction");
}

// `.codex` / `.agents` / `.git` replaced by a junction: the deny ACE would land elsewhere.
TEST(HostileRedirect, ProtectedMetadataThatIsALinkIsRefused) {
  for (const char* name : {".codex", ".agents", ".git"}) {
    SCOPED_TRACE(name);
    const std::string link = std::string("C:\\repo\\") + name;
    const auto fs = SnapshotBuilder()
                        .dir("C:\\repo")
                        .dir("C:\\Users\\me\\Documents")
                        .junction(link, "C:\\Users\\me\\Documents")
                        .build();
    EXPECT_WS_ERROR(
        resolve_at(managed({kRootRead, kProjectRootsWrite}), paths({"C:\\repo"}), "C:\\repo", fs),
        ErrorCode::writable_root_redirected,
        "`" + link + "` is a junction inside writable root `C:\\repo`");
  }
}

// Read-only and deny carve-outs are ACL targets too.
TEST(HostileRedirect, CarveOutThroughALinkInsideAWritableRootIsRefused) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\repo")
                      .dir("C:\\Users\\me\\Documents")
                      .junction("C:\\repo\\docs", "C:\\Users\\me\\Documents")
                      .build();
  for (const Mode mode : {Mode::read, Mode::deny}) {
    EXPECT_WS_ERROR(resolve_at(managed({kRootRead, kProjectRootsWrite,
                                        entry(p("C:\\repo\\docs\\private"), mode)}),
                               paths({"C:\\repo"}), "C:\\repo", fs),
                    ErrorCode::writable_root_redirected, "`C:\\repo\\docs` is a junction");
  }
}

// Links the host made outside every writable root are followed as before.
TEST(HostileRedirect, WorkspaceReachedThroughAHostJunctionStillWorks) {
  const auto fs = SnapshotBuilder()
                      .dir("D:\\src\\repo\\out")
                      .dir("D:\\src\\repo\\.git")
                      .junction("C:\\alias", "D:\\src\\repo")
                      .dir("C:\\t")
                      .build();
  const auto r = resolve_at(PermissionProfile::workspace_write_with(
                                {p("C:\\alias\\out")}, NetworkAccess::restricted, false, true, fs),
                            paths({"C:\\alias"}), "C:\\alias", fs,
                            Environment::from_assignments({"TEMP=C:\\t"}));
  EXPECT_EQ(r.workspace_roots, paths({"D:\\src\\repo"}));
  EXPECT_EQ(root_paths(r), paths({"D:\\src\\repo", "C:\\t", "D:\\src\\repo\\out"}));
  EXPECT_EQ(r.acl.deny_write, paths({"D:\\src\\repo\\.git"}));
  EXPECT_TRUE(explain(r, p("C:\\alias\\src\\a.c"), fs).write);
}

// A junction naming a writable root from outside (a read-only workspace, the junction itself
// the root) is not inside a writable root: the command could not have made it.
TEST(HostileRedirect, RootThatIsItselfAHostJunctionIsFollowed) {
  const auto fs = SnapshotBuilder()
                      .dir("C:\\repo")
                      .dir("C:\\Users\\me\\cache")
                      .junction("C:\\repo\\cache", "C:\\Users\\me\\cache")
                      .build();
  const auto r = resolve_at(managed({kRootRead, entry(p("C:\\repo\\cache"), Mode::write)}),
                            paths({"C:\\repo"}), "C:\\repo", fs);
  EXPECT_EQ(root_paths(r), paths({"C:\\Users\\me\\cache"}));
}

// ---- A drive root as an exact path is full-disk write -----------------------------------------

TEST(HostileDriveRoot, EveryExactSpellingOfADriveRootIsFullDiskWrite) {
  const auto fs =
      SnapshotBuilder().dir("C:\\repo\\.git").dir("D:\\data").junction("C:\\all", "C:\\").build();
  // {"type":"path","path":"C:\\"} = write
  EXPECT_WS_ERROR(
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(p("C:\\"), Mode::write)}),
                 paths({"C:\\repo"}), "C:\\repo", fs),
      ErrorCode::full_disk_write, "drive root `C:\\`");
  // --profile-cwd C:\ (the workspace root is the drive; its `.git` carve-out does not narrow)
  EXPECT_WS_ERROR(resolve(PermissionProfile::workspace_write(),
                          ProfileBinding::for_profile_cwd(p("C:\\")), p("C:\\repo"), {}, fs),
                  ErrorCode::full_disk_write, "drive root `C:\\`");
  // legacy writable_roots: ["D:\\"]
  EXPECT_WS_ERROR(
      resolve_at(profile_from_legacy_policy(WorkspaceWritePolicy{{p("D:\\")}, false, true, true},
                                            p("C:\\repo"), fs),
                 paths({"C:\\repo"}), "C:\\repo", fs),
      ErrorCode::full_disk_write, "drive root `D:\\`");
  // TEMP=C:\ under workspace-write
  EXPECT_WS_ERROR(
      resolve_at(workspace_write_with({}, fs, /*exclude_tmpdir=*/false), paths({"C:\\repo"}),
                 "C:\\repo", fs, Environment::from_assignments({"TEMP=C:\\"})),
      ErrorCode::full_disk_write, "drive root `C:\\`");
  // A host junction to the drive root, checked canonical.
  EXPECT_WS_ERROR(
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(p("C:\\all"), Mode::write)}),
                 paths({"C:\\repo"}), "C:\\repo", fs),
      ErrorCode::full_disk_write, "drive root `C:\\`");
}

// ---- TEMP inside protected metadata ------------------------------------------------------------

TEST(HostileTemp, TempAtOrInsideProtectedMetadataIsDroppedWithAWarning) {
  for (const char* temp : {"C:\\repo\\.git", "C:\\repo\\.codex\\tmp", "c:\\REPO\\.Agents"}) {
    SCOPED_TRACE(temp);
    const auto fs = SnapshotBuilder()
                        .dir("C:\\repo\\.git")
                        .dir("C:\\repo\\.codex\\tmp")
                        .dir("C:\\repo\\.agents")
                        .build();
    const auto r =
        resolve_at(workspace_write_with({}, fs, /*exclude_tmpdir=*/false), paths({"C:\\repo"}),
                   "C:\\repo", fs, Environment::from_assignments({std::string("TMP=") + temp}));
    EXPECT_EQ(root_paths(r), paths({"C:\\repo"}));
    EXPECT_EQ(r.acl.allow_write, paths({"C:\\repo"}));
    // explain agrees with the plan: the metadata stays read-only.
    const auto verdict = explain(r, p(std::string(temp) + "\\x"), fs);
    EXPECT_FALSE(verdict.write) << verdict.rule;
    EXPECT_TRUE(verdict.read);
    const std::string json = resolved_to_json(r);
    EXPECT_NE(json.find(R"("warnings":["TEMP/TMP directory `)"), std::string::npos) << json;
    EXPECT_NE(json.find("is not made writable"), std::string::npos) << json;
  }
}

TEST(HostileTemp, TempBesideTheMetadataIsStillWritable) {
  const auto fs = SnapshotBuilder().dir("C:\\repo\\.git").dir("C:\\repo\\.gitx").build();
  const auto r =
      resolve_at(workspace_write_with({}, fs, /*exclude_tmpdir=*/false), paths({"C:\\repo"}),
                 "C:\\repo", fs, Environment::from_assignments({"TEMP=C:\\repo\\.gitx"}));
  EXPECT_EQ(root_paths(r), paths({"C:\\repo", "C:\\repo\\.gitx"}));
  EXPECT_NE(resolved_to_json(r).find(R"("warnings":[])"), std::string::npos);
}

// ---- Non-recursive deny globs have a fixed depth ----------------------------------------------

using testing::CountingView;

TEST(HostileGlobDepth, DriveLevelPatternListsOnlyTheDriveRoot) {
  const auto snapshot =
      SnapshotBuilder().file("C:\\top.env").file("C:\\a\\b\\deep.env").dir("C:\\repo").build();
  const CountingView fs(snapshot);
  const auto r = resolve_at(
      managed({kRootRead, kProjectRootsWrite, entry(GlobPattern{"C:\\*.env"}, Mode::deny)}),
      paths({"C:\\repo"}), "C:\\repo", fs);
  EXPECT_EQ(r.deny_read, paths({"C:\\top.env"}));
  EXPECT_EQ(fs.listed, (std::map<std::string, int>{{"C:\\", 1}}));
}

TEST(HostileGlobDepth, PatternWithTwoWildcardLevelsListsTwoLevels) {
  const auto snapshot = SnapshotBuilder()
                            .file("C:\\w\\a\\x.env")
                            .file("C:\\w\\a\\b\\y.env")
                            .file("C:\\w\\a\\b\\c\\z.env")
                            .build();
  const CountingView fs(snapshot);
  const auto glob = GlobMatcher::compile("C:\\w\\*\\*.env");
  EXPECT_EQ(expand_glob(glob, std::nullopt, fs), paths({"C:\\w\\a\\x.env"}));
  EXPECT_EQ(fs.listed, (std::map<std::string, int>{{"C:\\w", 1}, {"C:\\w\\a", 1}}));
  // A configured depth only ever lowers it.
  fs.listed.clear();
  EXPECT_TRUE(expand_glob(glob, 1u, fs).empty());
  EXPECT_EQ(fs.listed, (std::map<std::string, int>{{"C:\\w", 1}}));
}

// ---- Network enforcement per backend in resolve --json --------------------------------------

TEST(HostileNetwork, ResolveJsonStatesWhetherTheBlockIsEnforcedPerBackend) {
  const auto fs = SnapshotBuilder().dir("C:\\w").build();
  const auto restricted =
      resolve_at(PermissionProfile::workspace_write(), paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_NE(resolved_to_json(restricted)
                .find(R"("network_enforcement":{"unelevated":"advisory","elevated":"enforced"})"),
            std::string::npos)
      << resolved_to_json(restricted);
  auto online = PermissionProfile::workspace_write();
  std::get<ManagedProfile>(online.value()).network = NetworkAccess::enabled;
  const auto enabled = resolve_at(online, paths({"C:\\w"}), "C:\\w", fs);
  EXPECT_NE(
      resolved_to_json(enabled).find(
          R"("network_enforcement":{"unelevated":"not_requested","elevated":"not_requested"})"),
      std::string::npos)
      << resolved_to_json(enabled);
  // An enforced proxy keeps the offline identity: the block is requested.
  const auto proxied = resolve(online, ProfileBinding{paths({"C:\\w"})}, p("C:\\w"), {}, fs,
                               {.proxy_enforced = true});
  EXPECT_NE(resolved_to_json(proxied).find(
                R"("network_enforcement":{"unelevated":"advisory","elevated":"enforced"})"),
            std::string::npos);
}

// ---- A `.git` file pointing anywhere --------------------------------------------------------

TEST(HostileGitPointer, TargetOutsideEveryWritableRootIsNotProtected) {
  const auto fs = SnapshotBuilder()
                      .file("C:\\repo\\.git", "gitdir: C:\\Users\\me")
                      .dir("C:\\Users\\me")
                      .build();
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite}), paths({"C:\\repo"}), "C:\\repo", fs);
  EXPECT_EQ(r.writable_roots.at(0).read_only_subpaths,
            paths({"C:\\repo\\.git", "C:\\repo\\.agents", "C:\\repo\\.codex"}));
  EXPECT_EQ(r.acl.deny_write, paths({"C:\\repo\\.git"}));
}

TEST(HostileGitPointer, TargetInsideAnotherWritableRootIsProtected) {
  const auto fs = SnapshotBuilder()
                      .file("C:\\repo\\.git", "gitdir: D:\\gits\\repo")
                      .dir("D:\\gits\\repo")
                      .build();
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(p("D:\\gits"), Mode::write)}),
                 paths({"C:\\repo"}), "C:\\repo", fs);
  EXPECT_EQ(r.writable_roots.at(0).read_only_subpaths,
            paths({"D:\\gits\\repo", "C:\\repo\\.git", "C:\\repo\\.agents", "C:\\repo\\.codex"}));
  EXPECT_EQ(r.acl.deny_write, paths({"D:\\gits\\repo", "C:\\repo\\.git"}));
}

// ---- Odd glob bases ---------------------------------------------------------------------------

TEST(HostileGlobBase, PatternsWithoutASingleMeaningAreInvalid) {
  const auto fs = SnapshotBuilder().dir("C:\\repo").build();
  for (const char* pattern :
       {"\\repo\\*.env", "/repo/*.env", "", "C:repo\\*.env", "codex-project-roots://../..",
        "codex-project-roots://../other/*.env", "codex-project-roots://sub/../../x",
        "codex-project-roots:///abs/*.env", "codex-project-roots://"}) {
    SCOPED_TRACE(pattern);
    EXPECT_WS_ERROR(resolve_at(managed({kRootRead, kProjectRootsWrite,
                                        entry(GlobPattern{pattern}, Mode::deny)}),
                               paths({"C:\\repo"}), "C:\\repo", fs),
                    ErrorCode::invalid_glob, "invalid deny-read glob pattern");
  }
}

TEST(HostileGlobBase, RelativeAndProjectRootPatternsKeepTheirOneMeaning) {
  const auto fs = SnapshotBuilder().file("C:\\repo\\sub\\a.env").file("C:\\repo\\b.env").build();
  const auto r =
      resolve_at(managed({kRootRead, kProjectRootsWrite, entry(GlobPattern{"*.env"}, Mode::deny),
                          entry(GlobPattern{"codex-project-roots://*.env"}, Mode::deny)}),
                 paths({"C:\\repo"}), "C:\\repo\\sub", fs);
  // `*.env` is relative to the command cwd; the project-roots glob to the workspace root.
  EXPECT_EQ(r.deny_read_globs,
            (std::vector<std::string>{"C:\\repo\\sub\\*.env", "C:\\repo\\*.env"}));
  EXPECT_EQ(r.deny_read, paths({"C:\\repo\\sub\\a.env", "C:\\repo\\b.env"}));
}

}  // namespace
}  // namespace winsandbox
