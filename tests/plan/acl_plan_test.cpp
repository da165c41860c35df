// The ACL plan (docs/acl-and-sids.md#acl-plan), its diff against
// the applied state, and the state store.
#include "winsandbox/acl_plan.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "plan/acl_state.hpp"
#include "plan_test_support.hpp"
#include "test_support.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr const char* kRo = "S-1-5-21-1-1-1-1";
constexpr const char* kRepo = "S-1-5-21-2-2-2-2";
constexpr const char* kScratch = "S-1-5-21-3-3-3-3";
constexpr const char* kData = "S-1-5-21-4-4-4-4";
constexpr const char* kGroup = "S-1-5-21-7-7-7-1001";

WinPath p(std::string_view text) {
  return WinPath::parse(text);
}

AclEntry ace(std::string_view path, std::string sid, AceKind kind, AceOrigin origin,
             bool create = false) {
  return make_acl_entry(p(path), std::move(sid), kind, origin, create);
}

const CapabilitySids kSids{
    kRo, {{p("C:\\repo"), kRepo}, {p("D:\\scratch"), kScratch}, {p("E:\\data"), kData}}};

// The seed scenario (docs/architecture.md#binding-rule): workspace C:\repo (command cwd
// C:\repo\sub), extra root D:\scratch, an existing C:\repo\.git; .agents and .codex missing.
SnapshotFileSystem seed_fs() {
  return SnapshotFileSystem::from_json(R"({"nodes":[
      {"path":"C:\\repo\\sub","type":"dir"},{"path":"C:\\repo\\.git","type":"dir"},
      {"path":"C:\\repo\\docs","type":"dir"},{"path":"D:\\scratch","type":"dir"},
      {"path":"E:\\data","type":"dir"},{"path":"C:\\tools","type":"dir"}]})");
}

ResolvedPermissions resolve_seed(std::vector<WinPath> extra_roots,
                                 std::vector<FileSystemSandboxEntry> more = {}) {
  const auto fs = seed_fs();
  auto profile = PermissionProfile::workspace_write_with(extra_roots, NetworkAccess::restricted,
                                                         true, true, fs);
  if (!more.empty()) {
    auto managed = *profile.managed();
    auto& entries = std::get<RestrictedFileSystem>(managed.file_system).entries;
    entries.insert(entries.end(), more.begin(), more.end());
    profile = managed;
  }
  return resolve(profile, ProfileBinding::for_profile_cwd(p("C:\\repo")), p("C:\\repo\\sub"), {},
                 fs);
}

// ---- constants -----------------------------------------------------------------------------

TEST(AclMasks, AreTheDocumentedBitCombinations) {
  constexpr std::uint32_t kFileGenericRead = 0x00120089, kFileGenericWrite = 0x00120116,
                          kFileGenericExecute = 0x001200A0, kDelete = 0x00010000,
                          kDeleteChild = 0x40, kGenericRead = 0x80000000,
                          kGenericWrite = 0x40000000;
  EXPECT_EQ(kAllowWriteMask, kFileGenericRead | kFileGenericWrite | kFileGenericExecute | kDelete);
  EXPECT_EQ(kAllowWriteMask & kDeleteChild, 0u) << "no FILE_DELETE_CHILD on grants";
  EXPECT_EQ(kAllowReadExecuteMask, kFileGenericRead | kFileGenericExecute);
  EXPECT_EQ(kDenyWriteMask, kFileGenericWrite | kDeleteChild | kDelete | kGenericWrite);
  EXPECT_EQ(kDenyReadMask, kFileGenericRead | kGenericRead);
  EXPECT_EQ(kInheritToChildren, 0x3);
  const AclEntry entry = ace("C:\\x", kRepo, AceKind::deny_read, AceOrigin::deny_read);
  EXPECT_EQ(entry.mask, kDenyReadMask);
  EXPECT_EQ(entry.inheritance, kInheritToChildren);
}

// ---- the plan ------------------------------------------------------------------------------

TEST(AclPlan, SeedScenarioUnelevated) {
  const auto plan = plan_acl(resolve_seed({p("D:\\scratch")}), kSids);
  EXPECT_EQ(
      plan.entries,
      (std::vector<AclEntry>{
          ace("C:\\repo\\.agents", kRepo, AceKind::deny_write, AceOrigin::missing_subpath, true),
          ace("C:\\repo\\.codex", kRepo, AceKind::deny_write, AceOrigin::missing_subpath, true),
          ace("C:\\repo\\.git", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath),
          // Missing .agents/.codex of the extra root are protected as well
          // (docs/resolution.md#protected-metadata).
          ace("D:\\scratch\\.agents", kScratch, AceKind::deny_write, AceOrigin::missing_subpath,
              true),
          ace("D:\\scratch\\.codex", kScratch, AceKind::deny_write, AceOrigin::missing_subpath,
              true),
          ace("C:\\repo", kRepo, AceKind::allow_write, AceOrigin::writable_root),
          ace("D:\\scratch", kScratch, AceKind::allow_write, AceOrigin::writable_root),
      }));
  EXPECT_EQ(acl_plan_to_json(AclPlan{{plan.entries[2]}, {}}),
            R"({"entries":[{"path":"C:\\repo\\.git","sid":"S-1-5-21-2-2-2-2","ace":"deny_write",)"
            R"("mask":"0x40130156","inheritance":"0x03","create_directory_if_missing":false,)"
            R"("origin":"read_only_subpath"}],"world_writable_dirs":[]})");
}

TEST(AclPlan, ElevatedAddsGroupGrantsDenyReadAndReadRoots) {
  const auto resolved =
      resolve_seed({p("D:\\scratch")}, {{p("C:\\repo\\secret.env"), FileSystemAccessMode::deny}});
  ASSERT_EQ(resolved.deny_read, (std::vector<WinPath>{p("C:\\repo\\secret.env")}));
  AclPlanOptions options;
  options.sandbox_group_sid = kGroup;
  options.setup_read_roots = {p("C:\\tools"), p("D:\\scratch"), p("c:\\TOOLS")};
  const auto plan = plan_acl(resolved, kSids, options);
  EXPECT_EQ(
      plan.entries,
      (std::vector<AclEntry>{
          ace("C:\\repo\\secret.env", kGroup, AceKind::deny_read, AceOrigin::deny_read, true),
          ace("C:\\repo\\.agents", kRepo, AceKind::deny_write, AceOrigin::missing_subpath, true),
          ace("C:\\repo\\.codex", kRepo, AceKind::deny_write, AceOrigin::missing_subpath, true),
          ace("C:\\repo\\.git", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath),
          // The deny entry below the root is also a read-only subpath of it (resolve).
          ace("C:\\repo\\secret.env", kRepo, AceKind::deny_write, AceOrigin::missing_subpath, true),
          ace("D:\\scratch\\.agents", kScratch, AceKind::deny_write, AceOrigin::missing_subpath,
              true),
          ace("D:\\scratch\\.codex", kScratch, AceKind::deny_write, AceOrigin::missing_subpath,
              true),
          ace("C:\\repo", kRepo, AceKind::allow_write, AceOrigin::writable_root),
          ace("C:\\repo", kGroup, AceKind::allow_write, AceOrigin::writable_root),
          ace("D:\\scratch", kScratch, AceKind::allow_write, AceOrigin::writable_root),
          ace("D:\\scratch", kGroup, AceKind::allow_write, AceOrigin::writable_root),
          // D:\scratch is skipped: the group's write grant already reads and executes.
          ace("C:\\tools", kGroup, AceKind::allow_read_execute, AceOrigin::setup_read_root),
      }));
}

ResolvedPermissions manual(std::vector<std::string> roots, std::vector<std::string> deny_write) {
  ResolvedPermissions r = testing::empty_resolved("C:\\cwd");
  for (const auto& root : roots) {
    r.writable_roots.push_back({p(root), {}});
    r.acl.allow_write.push_back(p(root));
  }
  for (const auto& path : deny_write) r.acl.deny_write.push_back(p(path));
  r.token_mode =
      roots.empty() ? TokenMode::read_only_capability : TokenMode::writable_roots_capability;
  return r;
}

TEST(AclPlan, DenyWriteGoesToOverlappingRootSidsElseToAll) {
  const CapabilitySids sids{
      kRo, {{p("C:\\repo"), kRepo}, {p("C:\\repo\\sub"), kScratch}, {p("E:\\data"), kData}}};
  const auto plan =
      plan_acl(manual({"C:\\repo", "C:\\repo\\sub", "E:\\data"},
                      {"C:\\repo\\sub\\.git", "C:\\repo\\.git", "F:\\elsewhere", "C:\\"}),
               sids);
  std::vector<AclEntry> denies;
  for (const auto& e : plan.entries) {
    if (e.is_deny()) denies.push_back(e);
  }
  EXPECT_EQ(
      denies,
      (std::vector<AclEntry>{
          // C:\ contains C:\repo and C:\repo\sub (roots inside the path overlap too).
          ace("C:\\", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath),
          ace("C:\\", kScratch, AceKind::deny_write, AceOrigin::read_only_subpath),
          ace("C:\\repo\\.git", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath),
          // Both nested roots contain it.
          ace("C:\\repo\\sub\\.git", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath),
          ace("C:\\repo\\sub\\.git", kScratch, AceKind::deny_write, AceOrigin::read_only_subpath),
          // No root overlaps: every root SID.
          ace("F:\\elsewhere", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath),
          ace("F:\\elsewhere", kScratch, AceKind::deny_write, AceOrigin::read_only_subpath),
          ace("F:\\elsewhere", kData, AceKind::deny_write, AceOrigin::read_only_subpath),
      }));
  // The nested root's own grant goes to its own (most specific) SID only.
  EXPECT_NE(
      std::find(plan.entries.begin(), plan.entries.end(),
                ace("C:\\repo\\sub", kScratch, AceKind::allow_write, AceOrigin::writable_root)),
      plan.entries.end());
  EXPECT_EQ(std::find(plan.entries.begin(), plan.entries.end(),
                      ace("C:\\repo\\sub", kRepo, AceKind::allow_write, AceOrigin::writable_root)),
            plan.entries.end());
}

TEST(AclPlan, ReadOnlyModeHasNoRootSidsAndSoNoDenies) {
  const auto plan = plan_acl(manual({}, {"C:\\x"}), kSids);
  EXPECT_TRUE(plan.entries.empty());
}

TEST(AclPlan, WorldWritableDirsOutsideRootsDenyEveryTokenSid) {
  AclPlanOptions options;
  options.world_writable_dirs = {p("C:\\Users\\Public"), p("C:\\repo\\build"),
                                 p("c:\\users\\public")};
  const auto plan = plan_acl(manual({"C:\\repo", "D:\\scratch"}, {}), kSids, options);
  EXPECT_EQ(
      plan.entries,
      (std::vector<AclEntry>{
          ace("C:\\Users\\Public", kRepo, AceKind::deny_write, AceOrigin::world_writable_dir),
          ace("C:\\Users\\Public", kScratch, AceKind::deny_write, AceOrigin::world_writable_dir),
          ace("C:\\repo", kRepo, AceKind::allow_write, AceOrigin::writable_root),
          ace("D:\\scratch", kScratch, AceKind::allow_write, AceOrigin::writable_root),
      }));
  EXPECT_EQ(plan.world_writable_dirs,
            (std::vector<WinPath>{p("C:\\Users\\Public"), p("C:\\repo\\build")}));
  // Read-only mode: the read-only SID is the token's capability.
  const auto read_only = plan_acl(manual({}, {}), kSids, options);
  EXPECT_EQ(read_only.entries,
            (std::vector<AclEntry>{
                ace("C:\\repo\\build", kRo, AceKind::deny_write, AceOrigin::world_writable_dir),
                ace("C:\\Users\\Public", kRo, AceKind::deny_write, AceOrigin::world_writable_dir),
            }));
}

TEST(AclPlan, RejectsWhatItCannotEnforce) {
  auto with_deny_read = manual({"C:\\repo"}, {});
  with_deny_read.deny_read = {p("C:\\repo\\secret.env")};
  EXPECT_WS_ERROR(plan_acl(with_deny_read, kSids), ErrorCode::invalid_profile,
                  "deny-read restrictions (C:\\repo\\secret.env, ...) need the elevated Windows "
                  "sandbox backend");
  AclPlanOptions read_roots;
  read_roots.setup_read_roots = {p("C:\\tools")};
  EXPECT_WS_ERROR(plan_acl(manual({}, {}), kSids, read_roots), ErrorCode::invalid_argument,
                  "setup read roots need a sandbox group SID");
  AclPlanOptions bad_group;
  bad_group.sandbox_group_sid = "WinSandboxUsers";
  EXPECT_WS_ERROR(plan_acl(manual({}, {}), kSids, bad_group), ErrorCode::invalid_argument,
                  "is not a SID");
  EXPECT_WS_ERROR(plan_acl(manual({"Z:\\unknown"}, {}), kSids), ErrorCode::invalid_argument,
                  "no capability SID for writable root Z:\\unknown");
}

TEST(AclPlan, TokenLimitIsEnforced) {
  std::vector<std::string> roots;
  CapabilitySids sids{kRo, {}};
  for (std::size_t i = 0; i <= kMaxTokenCapabilitySids; ++i) {
    roots.push_back("C:\\r\\" + std::to_string(i));
    sids.writable_roots.push_back({p(roots.back()), "S-1-5-21-9-9-9-" + std::to_string(i)});
  }
  EXPECT_WS_ERROR(plan_acl(manual(roots, {}), sids), ErrorCode::token_limit_exceeded,
                  "65 capability SIDs");
}

// ---- the diff ------------------------------------------------------------------------------

AclState apply_all(const AclPlan& plan, const AclState& state,
                   AclSyncMode mode = AclSyncMode::exact) {
  return record_operations(state, plan, diff_acl(plan, state, mode).operations());
}

TEST(AclDiff, FirstRunAppliesEverythingDeniesFirst) {
  const auto plan = plan_acl(resolve_seed({p("D:\\scratch")}), kSids);
  const auto diff = diff_acl(plan, {});
  EXPECT_EQ(diff.to_apply, plan.entries);
  EXPECT_TRUE(diff.to_revoke.empty());
  EXPECT_TRUE(diff.unchanged.empty());
  EXPECT_FALSE(diff.empty());
  const auto ops = diff.operations();
  ASSERT_EQ(ops.size(), 7u);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].action, AclAction::apply);
    EXPECT_EQ(ops[i].entry.is_deny(), i < 5) << i;
  }
}

TEST(AclDiff, SecondRunWithTheSameInputsIsEmpty) {
  const auto plan = plan_acl(resolve_seed({p("D:\\scratch")}), kSids);
  const AclState state = apply_all(plan, {});
  EXPECT_EQ(state.entries, plan.entries);
  const auto again = diff_acl(plan_acl(resolve_seed({p("D:\\scratch")}), kSids), state);
  EXPECT_TRUE(again.empty());
  EXPECT_TRUE(again.operations().empty());
  EXPECT_EQ(again.unchanged, plan.entries);
  EXPECT_EQ(acl_diff_to_json(diff_acl(AclPlan{}, AclState{})),
            R"({"empty":true,"operations":[],"unchanged":[],"retained":[]})");
}

TEST(AclDiff, RemovingARootRevokesOnlyItsAces) {
  AclPlanOptions elevated;
  elevated.sandbox_group_sid = kGroup;
  const AclState state = apply_all(plan_acl(resolve_seed({p("D:\\scratch")}), kSids, elevated), {});
  const auto diff = diff_acl(plan_acl(resolve_seed({}), kSids, elevated), state);
  EXPECT_TRUE(diff.to_apply.empty());
  EXPECT_EQ(diff.to_revoke,
            (std::vector<AclEntry>{
                ace("D:\\scratch", kScratch, AceKind::allow_write, AceOrigin::writable_root),
                ace("D:\\scratch", kGroup, AceKind::allow_write, AceOrigin::writable_root),
                ace("D:\\scratch\\.agents", kScratch, AceKind::deny_write,
                    AceOrigin::missing_subpath, true),
                ace("D:\\scratch\\.codex", kScratch, AceKind::deny_write,
                    AceOrigin::missing_subpath, true),
            }));
  EXPECT_EQ(diff.unchanged.size(), 5u);  // C:\repo: 3 denies + 2 grants
}

TEST(AclDiff, OperationsApplyDeniesThenAllowsThenRevokeAllowsBeforeDenies) {
  const AclState state = apply_all(plan_acl(resolve_seed({p("D:\\scratch")}), kSids), {});
  // Swap D:\scratch for E:\data and make C:\repo\docs read-only.
  const auto plan = plan_acl(
      resolve_seed({p("E:\\data")}, {{p("C:\\repo\\docs"), FileSystemAccessMode::read}}), kSids);
  const auto diff = diff_acl(plan, state);
  EXPECT_EQ(diff.operations(),
            (std::vector<AclOperation>{
                {AclAction::apply,
                 ace("C:\\repo\\docs", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath)},
                {AclAction::apply, ace("E:\\data\\.agents", kData, AceKind::deny_write,
                                       AceOrigin::missing_subpath, true)},
                {AclAction::apply, ace("E:\\data\\.codex", kData, AceKind::deny_write,
                                       AceOrigin::missing_subpath, true)},
                {AclAction::apply,
                 ace("E:\\data", kData, AceKind::allow_write, AceOrigin::writable_root)},
                {AclAction::revoke,
                 ace("D:\\scratch", kScratch, AceKind::allow_write, AceOrigin::writable_root)},
                {AclAction::revoke, ace("D:\\scratch\\.agents", kScratch, AceKind::deny_write,
                                        AceOrigin::missing_subpath, true)},
                {AclAction::revoke, ace("D:\\scratch\\.codex", kScratch, AceKind::deny_write,
                                        AceOrigin::missing_subpath, true)},
            }));
  // Dropping both the carve-out and E:\data: the grant is revoked before the deny.
  const AclState next = record_operations(state, plan, diff.operations());
  const auto back = diff_acl(plan_acl(resolve_seed({}), kSids), next);
  EXPECT_TRUE(back.to_apply.empty());
  EXPECT_EQ(
      back.to_revoke,
      (std::vector<AclEntry>{
          ace("E:\\data", kData, AceKind::allow_write, AceOrigin::writable_root),
          ace("C:\\repo\\docs", kRepo, AceKind::deny_write, AceOrigin::read_only_subpath),
          ace("E:\\data\\.agents", kData, AceKind::deny_write, AceOrigin::missing_subpath, true),
          ace("E:\\data\\.codex", kData, AceKind::deny_write, AceOrigin::missing_subpath, true),
      }));
}

TEST(AclDiff, AdditiveModeRetainsStaleEntries) {
  const AclState state = apply_all(plan_acl(resolve_seed({p("D:\\scratch")}), kSids), {});
  const auto diff = diff_acl(plan_acl(resolve_seed({}), kSids), state, AclSyncMode::additive);
  EXPECT_TRUE(diff.empty());
  EXPECT_EQ(diff.retained,
            (std::vector<AclEntry>{
                ace("D:\\scratch\\.agents", kScratch, AceKind::deny_write,
                    AceOrigin::missing_subpath, true),
                ace("D:\\scratch\\.codex", kScratch, AceKind::deny_write,
                    AceOrigin::missing_subpath, true),
                ace("D:\\scratch", kScratch, AceKind::allow_write, AceOrigin::writable_root),
            }));
}

TEST(AclDiff, FailedOperationsAreRetriedNextTime) {
  const auto plan = plan_acl(resolve_seed({p("D:\\scratch")}), kSids);
  auto ops = diff_acl(plan, {}).operations();
  const AclOperation failed = ops[1];  // the .codex deny did not make it
  ops.erase(ops.begin() + 1);
  const AclState state = record_operations({}, plan, ops);
  const auto retry = diff_acl(plan, state);
  EXPECT_EQ(retry.operations(), (std::vector<AclOperation>{failed}));
}

TEST(AclDiff, AChangedMaskIsRevokedAndReapplied) {
  const auto plan = plan_acl(manual({"C:\\repo"}, {}), kSids);
  AclState state = apply_all(plan, {});
  state.entries[0].mask = 0x001F01FF;  // an older grant with FILE_ALL_ACCESS
  const auto diff = diff_acl(plan, state);
  EXPECT_EQ(diff.to_apply, plan.entries);
  ASSERT_EQ(diff.to_revoke.size(), 1u);
  EXPECT_EQ(diff.to_revoke[0].mask, 0x001F01FFu);
}

TEST(AclDiff, RecordingKeepsTheAuditInput) {
  AclPlanOptions options;
  options.world_writable_dirs = {p("C:\\Users\\Public")};
  const auto plan = plan_acl(manual({"C:\\repo"}, {}), kSids, options);
  const AclState state = apply_all(plan, {});
  EXPECT_EQ(state.world_writable_dirs, (std::vector<WinPath>{p("C:\\Users\\Public")}));
  // The next command passes the remembered audit result: nothing changes.
  AclPlanOptions remembered;
  remembered.world_writable_dirs = state.world_writable_dirs;
  EXPECT_TRUE(diff_acl(plan_acl(manual({"C:\\repo"}, {}), kSids, remembered), state).empty());
}

// ---- the state store -----------------------------------------------------------------------

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(AclStateStore, TransactionPersistsExactFileAndReloads) {
  ScratchDir home;
  AclStateStore store(home.path());
  AclState state;
  state.entries = {
      ace("C:\\repo\\.codex", kRepo, AceKind::deny_write, AceOrigin::missing_subpath, true)};
  state.world_writable_dirs = {p("C:\\Users\\Public")};
  {
    auto tx = store.begin();
    EXPECT_EQ(tx.state(), AclState{});
    tx.commit(AclState{});  // unchanged: nothing written
    EXPECT_FALSE(fs::exists(store.file_path()));
    tx.commit(state);
  }
  EXPECT_EQ(store.file_path(), home.path() / ".sandbox" / "acl_state.json");
  EXPECT_EQ(slurp(store.file_path()),
            "{\n"
            "  \"version\": 1,\n"
            "  \"entries\": [\n"
            "    {\n"
            "      \"path\": \"C:\\\\repo\\\\.codex\",\n"
            "      \"sid\": \"S-1-5-21-2-2-2-2\",\n"
            "      \"ace\": \"deny_write\",\n"
            "      \"mask\": \"0x40130156\",\n"
            "      \"inheritance\": \"0x03\",\n"
            "      \"create_directory_if_missing\": true,\n"
            "      \"origin\": \"missing_subpath\"\n"
            "    }\n"
            "  ],\n"
            "  \"world_writable_dirs\": [\n"
            "    \"C:\\\\Users\\\\Public\"\n"
            "  ]\n"
            "}\n");
  EXPECT_EQ(AclStateStore(home.path()).load(), state);
}

TEST(AclStateStore, TransactionHoldsTheLock) {
  ScratchDir home;
  AclStateStore store(home.path());
  auto tx = store.begin();
  EXPECT_WS_ERROR(AclStateStore(home.path(), std::chrono::milliseconds(20)).load(),
                  ErrorCode::io_error, "timed out");
}

TEST(AclStateStore, CorruptFileIsKeptAndStateStartsEmpty) {
  const std::string good_entry =
      R"({"path":"C:\\r","sid":"S-1-5-21-2-2-2-2","ace":"allow_write","mask":"0x001301BF",)"
      R"("inheritance":"0x03","create_directory_if_missing":false,"origin":"writable_root"})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated", R"({"version":1,"entries":[)"},
      {"unknown ace",
       R"({"version":1,"entries":[)" +
           std::string(good_entry).replace(good_entry.find("allow_write"), 11, "allow_every") +
           R"(],"world_writable_dirs":[]})"},
      {"lower-case hex",
       R"({"version":1,"entries":[)" +
           std::string(good_entry).replace(good_entry.find("0x001301BF"), 10, "0x001301bf") +
           R"(],"world_writable_dirs":[]})"},
      {"relative path", R"({"version":1,"entries":[)" +
                            std::string(good_entry).replace(good_entry.find("C:\\\\r"), 5, "rel") +
                            R"(],"world_writable_dirs":[]})"},
      {"missing list", R"({"version":1,"entries":[]})"},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    ScratchDir home;
    AclStateStore store(home.path());
    fs::create_directories(store.file_path().parent_path());
    std::ofstream(store.file_path(), std::ios::binary) << text;
    EXPECT_EQ(store.load(), AclState{});
    EXPECT_EQ(slurp(home.path() / ".sandbox" / "acl_state.json.corrupt"), text);
    ASSERT_EQ(store.warnings().size(), 1u);
    EXPECT_NE(store.warnings()[0].find("ACL state"), std::string::npos);
  }
  // The unmodified entry is accepted (so the cases above fail for the reason they name).
  ScratchDir home;
  AclStateStore store(home.path());
  fs::create_directories(store.file_path().parent_path());
  std::ofstream(store.file_path(), std::ios::binary)
      << R"({"version":1,"entries":[)" + good_entry + R"(],"world_writable_dirs":[]})";
  EXPECT_EQ(
      store.load().entries,
      (std::vector<AclEntry>{ace("C:\\r", kRepo, AceKind::allow_write, AceOrigin::writable_root)}));
  EXPECT_TRUE(store.warnings().empty());
}

TEST(AclStateStore, NewerVersionIsAnError) {
  ScratchDir home;
  AclStateStore store(home.path());
  fs::create_directories(store.file_path().parent_path());
  std::ofstream(store.file_path(), std::ios::binary) << R"({"version":7})";
  EXPECT_WS_ERROR(store.load(), ErrorCode::io_error,
                  "newer winsandbox (version 7, this build reads 1)");
  EXPECT_FALSE(fs::exists(home.path() / ".sandbox" / "acl_state.json.corrupt"));
}

}  // namespace
}  // namespace winsandbox
