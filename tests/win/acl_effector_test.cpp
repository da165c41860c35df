// The ACL effector against in-memory security descriptors (SDDL round trips through the real
// Win32 conversion and ACL calls). Wine does not persist file DACLs, so this is where the
// algorithm is proven under Wine; on files it is exercised by the windows-smoke tests.
#include "win/acl_effector.hpp"

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "plan/acl_state.hpp"
#include "plan/plan_test_support.hpp"
#include "test_support.hpp"
#include "win/handles.hpp"
#include "win_test_support.hpp"

namespace winsandbox::win {
namespace {

constexpr char kRootSid[] = "S-1-5-21-1-2-3-4";
constexpr char kOtherSid[] = "S-1-5-21-5-6-7-8";
constexpr char kReadOnlySid[] = "S-1-5-21-9-9-9-9";
constexpr char kBaseSddl[] = "D:(A;OICI;FA;;;SY)(A;OICIID;FA;;;BA)";

// One ACE of a DACL, decoded.
struct AceView {
  BYTE type;
  BYTE flags;
  ACCESS_MASK mask;
  std::string sid;
  friend bool operator==(const AceView&, const AceView&) = default;
};

std::ostream& operator<<(std::ostream& out, const AceView& ace) {
  return out << "{type " << int(ace.type) << ", flags 0x" << std::hex << int(ace.flags)
             << ", mask 0x" << ace.mask << std::dec << ", " << ace.sid << "}";
}

std::vector<AceView> aces(SddlDaclAccess& access, const WinPath& path) {
  const Dacl dacl = access.read_dacl(path);
  std::vector<AceView> result;
  if (!dacl.acl) return result;
  ACL* acl = const_cast<ACL*>(dacl.acl->get());
  for (DWORD i = 0; i < acl->AceCount; ++i) {
    void* raw = nullptr;
    EXPECT_TRUE(GetAce(acl, i, &raw));
    const auto* ace = static_cast<const ACCESS_ALLOWED_ACE*>(raw);
    result.push_back({ace->Header.AceType, ace->Header.AceFlags, ace->Mask,
                      Sid::copy_of(const_cast<DWORD*>(&ace->SidStart)).to_string()});
  }
  return result;
}

AceView view_of(const AclEntry& entry) {
  return {static_cast<BYTE>(entry.is_deny() ? ACCESS_DENIED_ACE_TYPE : ACCESS_ALLOWED_ACE_TYPE),
          entry.inheritance, entry.mask, entry.sid};
}

const AceView kSystemAce{ACCESS_ALLOWED_ACE_TYPE, kInheritToChildren, FILE_ALL_ACCESS, "S-1-5-18"};
const AceView kInheritedAdminsAce{ACCESS_ALLOWED_ACE_TYPE,
                                  static_cast<BYTE>(kInheritToChildren | INHERITED_ACE),
                                  FILE_ALL_ACCESS, "S-1-5-32-544"};

WinPath path(std::string_view text) {
  return WinPath::parse(text);
}

AclOperation apply(AclEntry entry) {
  return {AclAction::apply, std::move(entry)};
}
AclOperation revoke(AclEntry entry) {
  return {AclAction::revoke, std::move(entry)};
}

AclEntry allow_root() {
  return make_acl_entry(path("C:\\repo"), kRootSid, AceKind::allow_write, AceOrigin::writable_root);
}
AclEntry deny_git() {
  return make_acl_entry(path("C:\\repo\\.git"), kRootSid, AceKind::deny_write,
                        AceOrigin::read_only_subpath);
}
AclEntry deny_codex() {
  return make_acl_entry(path("C:\\repo\\.codex"), kRootSid, AceKind::deny_write,
                        AceOrigin::missing_subpath, /*create_directory_if_missing=*/true);
}

class AclEffectorTest : public ::testing::Test {
protected:
  void SetUp() override {
    access.set(path("C:\\repo"), kBaseSddl);
    access.set(path("C:\\repo\\.git"), kBaseSddl);
  }
  SddlDaclAccess access;
};

TEST_F(AclEffectorTest, SddlRoundTripKeepsAcesAndProtection) {
  access.set(path("C:\\p"), "D:P(D;OICI;0x40130156;;;S-1-5-21-1-2-3-4)(A;;FA;;;SY)");
  const Dacl dacl = access.read_dacl(path("C:\\p"));
  EXPECT_TRUE(dacl.is_protected);
  access.write_dacl(path("C:\\p"), dacl);
  const Dacl again = access.read_dacl(path("C:\\p"));
  EXPECT_TRUE(again.is_protected);
  EXPECT_EQ(
      aces(access, path("C:\\p")),
      (std::vector<AceView>{{ACCESS_DENIED_ACE_TYPE, kInheritToChildren, kDenyWriteMask, kRootSid},
                            {ACCESS_ALLOWED_ACE_TYPE, 0, FILE_ALL_ACCESS, "S-1-5-18"}}));
}

TEST_F(AclEffectorTest, AppliesDeniesFirstAndAllowsBeforeInheritedAces) {
  const auto outcome = apply_acl_operations({apply(deny_git()), apply(allow_root())}, access);
  ASSERT_FALSE(outcome.error) << outcome.error->what();
  EXPECT_EQ(outcome.completed.size(), 2u);
  EXPECT_EQ(outcome.writes, 2u);
  EXPECT_EQ(aces(access, path("C:\\repo")),
            (std::vector<AceView>{kSystemAce, view_of(allow_root()), kInheritedAdminsAce}));
  EXPECT_EQ(aces(access, path("C:\\repo\\.git")),
            (std::vector<AceView>{view_of(deny_git()), kSystemAce, kInheritedAdminsAce}));
  // The SDDL text carries the exact mask and flags.
  EXPECT_NE(access.sddl(path("C:\\repo\\.git"))->find("(D;OICI;0x40130156;;;S-1-5-21-1-2-3-4)"),
            std::string::npos)
      << *access.sddl(path("C:\\repo\\.git"));
}

TEST_F(AclEffectorTest, ReapplyingWritesNothing) {
  const std::vector<AclOperation> ops{apply(deny_git()), apply(allow_root())};
  ASSERT_FALSE(apply_acl_operations(ops, access).error);
  const auto before = *access.sddl(path("C:\\repo"));
  const std::size_t writes = access.writes();
  const auto again = apply_acl_operations(ops, access);
  ASSERT_FALSE(again.error);
  EXPECT_EQ(again.writes, 0u);
  EXPECT_EQ(again.completed, ops);
  EXPECT_EQ(access.writes(), writes);
  EXPECT_EQ(*access.sddl(path("C:\\repo")), before);
}

TEST_F(AclEffectorTest, RevokeRemovesOnlyThatAce) {
  // Our allow, a deny for the same SID, the same allow for another SID and an ACE with a
  // different mask for our SID: only the first may go.
  access.set(path("C:\\repo"),
             "D:(D;OICI;0x40130156;;;S-1-5-21-1-2-3-4)(A;OICI;0x1301bf;;;S-1-5-21-1-2-3-4)"
             "(A;OICI;0x1301bf;;;S-1-5-21-5-6-7-8)(A;OICI;0x1200a9;;;S-1-5-21-1-2-3-4)"
             "(A;OICI;FA;;;SY)");
  const auto outcome = apply_acl_operations({revoke(allow_root())}, access);
  ASSERT_FALSE(outcome.error) << outcome.error->what();
  EXPECT_EQ(outcome.writes, 1u);
  AclEntry other_sid = allow_root();
  other_sid.sid = kOtherSid;
  EXPECT_EQ(aces(access, path("C:\\repo")),
            (std::vector<AceView>{
                {ACCESS_DENIED_ACE_TYPE, kInheritToChildren, kDenyWriteMask, kRootSid},
                view_of(other_sid),
                {ACCESS_ALLOWED_ACE_TYPE, kInheritToChildren, kAllowReadExecuteMask, kRootSid},
                kSystemAce}));
  // Revoking again (or on a missing path) writes nothing and still completes.
  const auto again = apply_acl_operations({revoke(allow_root()), revoke(deny_codex())}, access);
  EXPECT_FALSE(again.error);
  EXPECT_EQ(again.writes, 0u);
  EXPECT_EQ(again.completed.size(), 2u);
}

TEST_F(AclEffectorTest, InheritedCopyOfTheAceDoesNotCountAsPresent) {
  access.set(path("C:\\repo"), "D:(A;OICIID;0x1301bf;;;S-1-5-21-1-2-3-4)");
  const auto outcome = apply_acl_operations({apply(allow_root())}, access);
  ASSERT_FALSE(outcome.error);
  EXPECT_EQ(outcome.writes, 1u);
  EXPECT_EQ(aces(access, path("C:\\repo")).front(), view_of(allow_root()));
}

TEST_F(AclEffectorTest, MissingPathIsCreatedOnlyWhenThePlanSaysSo) {
  AclEntry missing_root = allow_root();
  missing_root.path = path("C:\\gone");
  const auto outcome = apply_acl_operations({apply(deny_codex()), apply(missing_root)}, access);
  ASSERT_FALSE(outcome.error);
  EXPECT_EQ(outcome.completed, (std::vector<AclOperation>{apply(deny_codex())}));
  EXPECT_EQ(outcome.skipped_missing, (std::vector<AclOperation>{apply(missing_root)}));
  EXPECT_FALSE(access.exists(path("C:\\gone")));
  EXPECT_EQ(aces(access, path("C:\\repo\\.codex")),
            (std::vector<AceView>{view_of(deny_codex()), kSystemAce}));
}

TEST_F(AclEffectorTest, FailedStepRollsBackEverythingWrittenBefore) {
  const std::string root_before = *access.sddl(path("C:\\repo"));
  const std::string git_before = *access.sddl(path("C:\\repo\\.git"));
  // Third write fails: deny on .git and the created .codex are rolled back.
  access.fail_write(3);
  const auto outcome =
      apply_acl_operations({apply(deny_git()), apply(deny_codex()), apply(allow_root())}, access);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code(), ErrorCode::win32_call_failed);
  EXPECT_EQ(outcome.error->win32_error(), std::optional<std::uint32_t>(ERROR_ACCESS_DENIED));
  EXPECT_NE(std::string(outcome.error->what()).find("apply allow_write"), std::string::npos)
      << outcome.error->what();
  EXPECT_TRUE(outcome.completed.empty());
  EXPECT_EQ(outcome.writes, 0u);
  EXPECT_TRUE(outcome.rollback_failures.empty());
  EXPECT_EQ(*access.sddl(path("C:\\repo")), root_before);
  EXPECT_EQ(*access.sddl(path("C:\\repo\\.git")), git_before);
  EXPECT_FALSE(access.exists(path("C:\\repo\\.codex")));
}

TEST_F(AclEffectorTest, RollbackKeepsStepsThatWroteNothing) {
  ASSERT_FALSE(apply_acl_operations({apply(deny_git())}, access).error);
  access.fail_write(2);  // allow_root writes (1), the revoke fails (2)
  AclEntry stale = allow_root();
  stale.path = path("C:\\repo\\.git");
  access.set(path("C:\\repo\\.git"),
             *access.sddl(path("C:\\repo\\.git")) + "(A;OICI;0x1301bf;;;S-1-5-21-1-2-3-4)");
  const auto outcome =
      apply_acl_operations({apply(deny_git()), apply(allow_root()), revoke(stale)}, access);
  ASSERT_TRUE(outcome.error);
  // The deny was already there (no write, nothing to undo): it still holds.
  EXPECT_EQ(outcome.completed, (std::vector<AclOperation>{apply(deny_git())}));
  EXPECT_EQ(aces(access, path("C:\\repo")),
            (std::vector<AceView>{kSystemAce, kInheritedAdminsAce}));
}

TEST_F(AclEffectorTest, NullDaclIsNotTurnedIntoARestrictiveOne) {
  // (Wine's SDDL parser does not produce NULL DACLs from "D:NO_ACCESS_CONTROL", so the edit
  // functions are called directly.)
  const Dacl null_dacl{};
  try {
    with_ace(null_dacl, ace_spec_of(allow_root()));
    ADD_FAILURE() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
  }
  EXPECT_FALSE(has_explicit_ace(null_dacl, ace_spec_of(allow_root())));
  EXPECT_FALSE(without_ace(null_dacl, ace_spec_of(allow_root())));
}

// sync_acls: the whole cycle with the applied-state file in a scratch sandbox home.
class AclSyncTest : public AclEffectorTest {
protected:
  ResolvedPermissions resolved() const {
    ResolvedPermissions r = testing::empty_resolved("C:\\repo");
    r.workspace_roots = {path("C:\\repo")};
    r.token_mode = TokenMode::writable_roots_capability;
    r.writable_roots = {WritableRoot{path("C:\\repo"), {path("C:\\repo\\.git")}}};
    r.acl.allow_write = {path("C:\\repo")};
    r.acl.deny_write = {path("C:\\repo\\.git")};
    return r;
  }
  CapabilitySids sids() const {
    return CapabilitySids{kReadOnlySid, {RootCapabilitySid{path("C:\\repo"), kRootSid}}};
  }
  AclState stored() { return AclStateStore(home.path()).load(); }
  testing::ScratchDir home;
};

TEST_F(AclSyncTest, AppliesRecordsAndThenWritesNothing) {
  const AclSyncResult first = sync_acls(resolved(), sids(), {}, home.path(), access);
  EXPECT_EQ(first.diff.to_apply.size(), 2u);
  EXPECT_EQ(first.outcome.writes, 2u);
  EXPECT_EQ(stored().entries, first.plan.entries);

  const std::size_t writes = access.writes();
  const AclSyncResult second = sync_acls(resolved(), sids(), {}, home.path(), access);
  EXPECT_TRUE(second.diff.empty());
  EXPECT_EQ(access.writes(), writes);
}

TEST_F(AclSyncTest, FailureRollsBackAndRecordsOnlyWhatHolds) {
  access.fail_write(2);  // the deny on .git goes first and succeeds; the allow fails
  try {
    sync_acls(resolved(), sids(), {}, home.path(), access);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::win32_call_failed);
    EXPECT_NE(std::string(error.what()).find("rolled back"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(stored().entries.empty());
  EXPECT_EQ(aces(access, path("C:\\repo\\.git")),
            (std::vector<AceView>{kSystemAce, kInheritedAdminsAce}));
  // The next run applies everything.
  const AclSyncResult retry = sync_acls(resolved(), sids(), {}, home.path(), access);
  EXPECT_EQ(retry.outcome.writes, 2u);
  EXPECT_EQ(stored().entries.size(), 2u);
}

TEST_F(AclSyncTest, DroppedRootIsRevokedWithoutTouchingOtherAces) {
  sync_acls(resolved(), sids(), {}, home.path(), access);
  // The next command has no writable root any more (read-only): both ACEs are revoked.
  ResolvedPermissions read_only = testing::empty_resolved("C:\\repo");
  access.set(path("C:\\repo"), *access.sddl(path("C:\\repo")) + "(A;;FR;;;S-1-5-21-1-2-3-4)");
  const AclSyncResult next = sync_acls(read_only, sids(), {}, home.path(), access);
  EXPECT_EQ(next.diff.to_revoke.size(), 2u);
  EXPECT_TRUE(stored().entries.empty());
  EXPECT_EQ(aces(access, path("C:\\repo")),
            (std::vector<AceView>{kSystemAce,
                                  kInheritedAdminsAce,
                                  {ACCESS_ALLOWED_ACE_TYPE, 0, FILE_GENERIC_READ, kRootSid}}));
}

// Two writable roots and a read-only path outside both, which gets a deny for each root SID.
// Operations: (1) deny C:\shared for kRootSid, (2) deny C:\shared for kOtherSid, (3) allow
// C:\other, (4) allow C:\repo. Step 3 fails, and so does the first undo (of step 2).
TEST_F(AclSyncTest, FailedUndoStaysOnDiskAndRecordedAndTheErrorNamesBoth) {
  access.set(path("C:\\other"), kBaseSddl);
  access.set(path("C:\\shared"), kBaseSddl);
  ResolvedPermissions two_roots = testing::empty_resolved("C:\\repo");
  two_roots.workspace_roots = {path("C:\\repo")};
  two_roots.token_mode = TokenMode::writable_roots_capability;
  two_roots.writable_roots = {WritableRoot{path("C:\\repo"), {}},
                              WritableRoot{path("C:\\other"), {}}};
  two_roots.acl.allow_write = {path("C:\\repo"), path("C:\\other")};
  two_roots.acl.deny_write = {path("C:\\shared")};
  const CapabilitySids two_sids{kReadOnlySid,
                                {RootCapabilitySid{path("C:\\repo"), kRootSid},
                                 RootCapabilitySid{path("C:\\other"), kOtherSid}}};
  const AclEntry kept = make_acl_entry(path("C:\\shared"), kOtherSid, AceKind::deny_write,
                                       AceOrigin::read_only_subpath);

  access.fail_write(3);
  access.fail_write(4);
  try {
    sync_acls(two_roots, two_sids, {}, home.path(), access);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::win32_call_failed);
    EXPECT_EQ(error.win32_error(), std::optional<std::uint32_t>(ERROR_ACCESS_DENIED));
    const std::string message = error.what();
    EXPECT_EQ(
        message.rfind("apply allow_write for S-1-5-21-5-6-7-8 on C:\\other: injected failure", 0),
        0u)
        << message;
    EXPECT_NE(message.find("rollback incomplete, 1 undo step(s) failed: undo apply deny_write for "
                           "S-1-5-21-5-6-7-8 on C:\\shared: injected failure"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find("rolled back"), std::string::npos) << message;
  }
  // On disk: only the ACE whose undo failed. The undo of step 1 removed its own ACE, not the
  // DACL as it was before step 1 (which would have taken step 2's ACE too).
  EXPECT_EQ(aces(access, path("C:\\shared")),
            (std::vector<AceView>{view_of(kept), kSystemAce, kInheritedAdminsAce}));
  for (const char* root : {"C:\\repo", "C:\\other"}) {
    EXPECT_EQ(aces(access, path(root)), (std::vector<AceView>{kSystemAce, kInheritedAdminsAce}))
        << root;
  }
  // The state file records exactly that ACE.
  EXPECT_EQ(stored().entries, std::vector<AclEntry>{kept});

  // A later run whose plan no longer has it revokes it.
  const AclSyncResult later =
      sync_acls(testing::empty_resolved("C:\\repo"), two_sids, {}, home.path(), access);
  EXPECT_EQ(later.diff.to_revoke, std::vector<AclEntry>{kept});
  EXPECT_EQ(later.outcome.writes, 1u);
  EXPECT_EQ(aces(access, path("C:\\shared")),
            (std::vector<AceView>{kSystemAce, kInheritedAdminsAce}));
  EXPECT_TRUE(stored().entries.empty());
}

// A failed undo of a revoke: the ACE stays revoked and the revoke is recorded as done; the
// applies before it are undone.
TEST_F(AclEffectorTest, FailedUndoOfARevokeKeepsTheRevokeRecorded) {
  AclEntry stale = allow_root();
  stale.sid = kOtherSid;
  access.set(path("C:\\repo"), "D:(A;OICI;0x1301bf;;;S-1-5-21-5-6-7-8)(A;OICI;FA;;;SY)");
  access.fail_write(3);  // (1) deny .git, (2) revoke stale, (3) allow fails
  access.fail_write(4);  // the undo of (2)
  const auto outcome =
      apply_acl_operations({apply(deny_git()), revoke(stale), apply(allow_root())}, access);
  ASSERT_TRUE(outcome.error);
  ASSERT_EQ(outcome.rollback_failures.size(), 1u);
  EXPECT_EQ(outcome.rollback_failures[0].rfind("undo revoke allow_write for S-1-5-21-5-6-7-8 on "
                                               "C:\\repo: injected failure",
                                               0),
            0u)
      << outcome.rollback_failures[0];
  EXPECT_EQ(outcome.completed, (std::vector<AclOperation>{revoke(stale)}));
  EXPECT_EQ(outcome.writes, 1u);
  EXPECT_EQ(aces(access, path("C:\\repo")), (std::vector<AceView>{kSystemAce}));
  EXPECT_EQ(aces(access, path("C:\\repo\\.git")),
            (std::vector<AceView>{kSystemAce, kInheritedAdminsAce}));
}

// A directory the run created stays while an ACE whose undo failed is on it.
TEST_F(AclEffectorTest, CreatedDirectoryStaysWhileAFailedUndoLeftAnAceOnIt) {
  AclEntry second = deny_codex();
  second.sid = kOtherSid;
  access.fail_write(3);  // (1) creates .codex + deny, (2) second deny, (3) allow fails
  access.fail_write(4);  // the undo of (2)
  const auto outcome =
      apply_acl_operations({apply(deny_codex()), apply(second), apply(allow_root())}, access);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.rollback_failures.size(), 1u);
  EXPECT_EQ(outcome.completed, (std::vector<AclOperation>{apply(second)}));
  ASSERT_TRUE(access.exists(path("C:\\repo\\.codex")));
  EXPECT_EQ(aces(access, path("C:\\repo\\.codex")),
            (std::vector<AceView>{view_of(second), kSystemAce}));
}

// windows-smoke: the same algorithm on real files (Wine accepts the DACL writes but does not
// keep them, so there is nothing to read back).
TEST(AclEffectorOnFiles, AppliesReadsBackWritesNothingAgainAndRevokes) {
  if (test::running_under_wine()) {
    GTEST_SKIP() << "Wine does not persist file DACLs; asserted on Windows (windows-smoke)";
  }
  testing::ScratchDir scratch;
  std::filesystem::create_directories(scratch.path() / "repo" / ".git");
  const WinPath repo = test::canonical_path_of(scratch.path() / "repo");
  const WinPath git = test::canonical_path_of(scratch.path() / "repo" / ".git");
  const AclEntry allow =
      make_acl_entry(repo, kRootSid, AceKind::allow_write, AceOrigin::writable_root);
  const AclEntry deny =
      make_acl_entry(git, kRootSid, AceKind::deny_write, AceOrigin::read_only_subpath);
  Win32FileDaclAccess files;

  const auto applied = apply_acl_operations({apply(deny), apply(allow)}, files);
  ASSERT_FALSE(applied.error) << applied.error->what();
  EXPECT_EQ(applied.writes, 2u);
  EXPECT_TRUE(has_explicit_ace(files.read_dacl(repo), ace_spec_of(allow)));
  EXPECT_TRUE(has_explicit_ace(files.read_dacl(git), ace_spec_of(deny)));
  // The deny goes before every allow on .git (canonical order): the first ACE is ours.
  const Dacl git_dacl = files.read_dacl(git);
  ASSERT_TRUE(git_dacl.acl);
  void* first = nullptr;
  ASSERT_TRUE(GetAce(const_cast<ACL*>(git_dacl.acl->get()), 0, &first));
  EXPECT_EQ(static_cast<ACE_HEADER*>(first)->AceType, ACCESS_DENIED_ACE_TYPE);

  EXPECT_EQ(apply_acl_operations({apply(deny), apply(allow)}, files).writes, 0u);

  const auto revoked = apply_acl_operations({revoke(deny), revoke(allow)}, files);
  ASSERT_FALSE(revoked.error) << revoked.error->what();
  EXPECT_FALSE(has_explicit_ace(files.read_dacl(repo), ace_spec_of(allow)));
  EXPECT_FALSE(has_explicit_ace(files.read_dacl(git), ace_spec_of(deny)));
}

// ---- never an ACE through a reparse point ----

TEST(AclTargetCheck, OnlyTheObjectNamedItselfIsWritten) {
  const WinPath repo = WinPath::parse("C:\\ws\\repo");
  // The same object, whatever the case of its final path.
  EXPECT_NO_THROW(require_acl_target_is_requested(
      repo, {.is_reparse_point = false, .final_path = WinPath::parse("c:\\WS\\Repo")}));
  // The name is a junction or symlink itself (opened, not followed).
  EXPECT_WS_ERROR(
      require_acl_target_is_requested(repo, {.is_reparse_point = true, .final_path = repo}),
      ErrorCode::writable_root_redirected, "reparse point");
  // A junction on the way (`C:\ws` -> `D:\elsewhere`) or at the end, followed.
  EXPECT_WS_ERROR(
      require_acl_target_is_requested(
          repo, {.is_reparse_point = false, .final_path = WinPath::parse("D:\\elsewhere\\repo")}),
      ErrorCode::writable_root_redirected, "D:\\elsewhere\\repo");
  // No final path: nothing to check against, so nothing is written.
  EXPECT_WS_ERROR(require_acl_target_is_requested(
                      repo, {.is_reparse_point = false, .final_path = std::nullopt}),
                  ErrorCode::writable_root_redirected, "cannot be read");
}

// The real file path: the object is opened, checked and written through one handle. (Under
// Wine this proves the calls; that the ACE lands is AclEffectorOnFiles, windows-smoke.)
TEST(AclTargetCheck, APlainDirectoryIsWrittenThroughItsHandle) {
  testing::ScratchDir scratch;
  const WinPath directory = test::canonical_path_of(scratch.path());
  Win32FileDaclAccess files;
  EXPECT_NO_THROW(files.write_dacl(directory, files.read_dacl(directory)));
  EXPECT_WS_ERROR(files.write_dacl(directory.join("missing"), files.read_dacl(directory)),
                  ErrorCode::win32_call_failed, "missing");
}

TEST(AclMutexName, DependsOnTheHomeIgnoringCase) {
  EXPECT_EQ(acl_mutex_name("C:\\Users\\me\\winsandbox"),
            acl_mutex_name("c:\\users\\ME\\WinSandbox"));
  EXPECT_NE(acl_mutex_name("C:\\a"), acl_mutex_name("C:\\b"));
  EXPECT_EQ(acl_mutex_name("C:\\a").rfind("Local\\winsandbox-acl-", 0), 0u);
}

TEST(NullDevice, GrantIsBestEffortAndIdempotent) {
  // Under Wine the NUL device's DACL may not be writable; the call must not throw either way.
  const auto first = grant_null_device({kRootSid});
  const auto second = grant_null_device({kRootSid});
  if (first) std::cout << "[ note ] NUL device grant not possible here: " << *first << "\n";
  EXPECT_EQ(first.has_value(), second.has_value());
}

// The setup's read grants are not written where every account can read already (C:\\Windows is
// TrustedInstaller's: writing its DACL would fail, and is not needed); they count as done.
TEST(AclApplyOperations, ReadGrantsEveryAccountOrTheGranteeHoldsAreDoneWithoutAWrite) {
  const std::string group = "S-1-5-21-9-9-9-1001";
  SddlDaclAccess access;
  access.set(WinPath::parse("C:\\Windows"), "D:(A;OICI;0x1200a9;;;BU)(A;OICI;FA;;;SY)");
  // GENERIC_READ | GENERIC_EXECUTE for Everyone.
  access.set(WinPath::parse("C:\\Generic"), "D:(A;;0xa0000000;;;WD)");
  access.set(WinPath::parse("C:\\Granted"), "D:(A;OICI;0x1200a9;;;" + group + ")");
  access.set(WinPath::parse("C:\\InheritOnly"), "D:(A;OICIIO;0xa0000000;;;BU)(A;OICI;FA;;;SY)");
  access.set(WinPath::parse("C:\\ReadOnlyNoExecute"), "D:(A;OICI;FR;;;AU)");
  access.set(WinPath::parse("C:\\Private"), "D:(A;OICI;FA;;;SY)");
  std::vector<AclOperation> operations;
  for (const char* path : {"C:\\Windows", "C:\\Generic", "C:\\Granted", "C:\\InheritOnly",
                           "C:\\ReadOnlyNoExecute", "C:\\Private"}) {
    operations.push_back(
        {AclAction::apply, make_acl_entry(WinPath::parse(path), group, AceKind::allow_read_execute,
                                          AceOrigin::setup_read_root)});
  }
  // Only read grants are weighed: a write grant on a readable path is written.
  operations.push_back(
      {AclAction::apply, make_acl_entry(WinPath::parse("C:\\Windows"), group, AceKind::allow_write,
                                        AceOrigin::writable_root)});
  const std::string before_windows = *access.sddl(WinPath::parse("C:\\Windows"));
  const std::string before_generic = *access.sddl(WinPath::parse("C:\\Generic"));
  const std::string before_granted = *access.sddl(WinPath::parse("C:\\Granted"));

  const AclApplyOutcome outcome = apply_acl_operations(operations, access);
  ASSERT_FALSE(outcome.error.has_value()) << outcome.error->what();
  EXPECT_EQ(outcome.completed.size(), operations.size());
  // Written: InheritOnly, ReadOnlyNoExecute, Private (read grants) and the write grant.
  EXPECT_EQ(outcome.writes, 4u);
  EXPECT_EQ(access.writes(), 4u);
  EXPECT_EQ(*access.sddl(WinPath::parse("C:\\Generic")), before_generic);
  EXPECT_EQ(*access.sddl(WinPath::parse("C:\\Granted")), before_granted);
  EXPECT_NE(*access.sddl(WinPath::parse("C:\\Windows")), before_windows);  // the write grant
  for (const char* path : {"C:\\InheritOnly", "C:\\ReadOnlyNoExecute", "C:\\Private"}) {
    EXPECT_NE(access.sddl(WinPath::parse(path))->find(group), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace winsandbox::win
