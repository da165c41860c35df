// The elevated spawn context and the runner's spawn_request, end to end from a profile.
#include "plan/spawn_context.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_file_system.hpp"
#include "plan/capability_sid_store.hpp"
#include "plan_test_support.hpp"
#include "test_support.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox {
namespace {

using testing::CountingRandom;
using testing::FakeFileSystem;
using testing::ScratchDir;

using testing::p;
const WinPath& kHome = testing::kAliceSandboxHome;

FakeFileSystem disk() {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\sub").dir("C:\\repo\\.git").dir("D:\\scratch").dir("D:\\Win");
  return fs;
}

// The canonical case of docs/architecture.md#binding-rule: profile cwd C:\repo, command cwd
// C:\repo\sub, extra root D:\scratch.
struct Scenario {
  FakeFileSystem fs = disk();
  PermissionProfile profile = PermissionProfile::workspace_write_with(
      {p("D:\\scratch")}, NetworkAccess::restricted, true, true, fs);
  ProfileBinding binding = ProfileBinding::for_profile_cwd(p("C:\\repo"));
  WinPath cwd = p("C:\\repo\\sub");
  Environment env = [] {
    Environment e;
    e.set("SystemRoot", "D:\\Win");
    e.set("USERNAME", "alice");
    e.set("HTTP_PROXY", "http://127.0.0.1:8080");
    return e;
  }();
  ResolvedPermissions resolved = resolve(profile, binding, cwd, env, fs);
  std::vector<std::string> command{"git", "commit", "-m", "two words"};

  ElevatedSpawnContext prepare(const std::filesystem::path& state_directory, SidStoreAccess access,
                               RandomSource& random) const {
    ElevatedSpawnOverrides overrides;
    overrides.state_directory = state_directory;
    overrides.sid_store_access = access;
    return prepare_elevated_spawn_context_for_permissions(resolved, kHome, cwd, env, command,
                                                          overrides, fs, random);
  }
};

std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ElevatedSpawnContext, CanonicalCaseBindsEverythingToTheWorkspaceRoot) {
  Scenario s;
  ScratchDir state;
  CountingRandom random;
  const auto context = s.prepare(state.path(), SidStoreAccess::read_write, random);

  EXPECT_EQ(context.sandbox_base.str(), "C:\\Users\\alice\\.winsandbox\\.sandbox");
  EXPECT_EQ(context.logs_dir, context.sandbox_base);
  const auto& request = context.setup_request;
  EXPECT_EQ(request.write_roots, (std::vector<WinPath>{p("C:\\repo"), p("D:\\scratch")}));
  EXPECT_EQ(request.workspace_roots, (std::vector<WinPath>{p("C:\\repo")}));
  EXPECT_EQ(
      request.deny_write_paths,
      (std::vector<WinPath>{p("C:\\repo\\.git"), p("C:\\repo\\.agents"), p("C:\\repo\\.codex"),
                            p("D:\\scratch\\.agents"), p("D:\\scratch\\.codex")}));
  EXPECT_EQ(request.proxy_ports, (std::vector<std::uint16_t>{8080}));
  EXPECT_EQ(request.real_user, "alice");

  // One SID per writable root (never C:\repo\sub), token order = root identity order; the
  // read-only SID was created first (CountingRandom bytes 00..0F).
  ASSERT_EQ(context.capability_sids.writable_roots.size(), 2u);
  EXPECT_EQ(context.capability_sids.read_only, "S-1-5-21-50462976-117835012-185207048-252579084");
  EXPECT_EQ(context.capability_sids.writable_roots[0].root, p("C:\\repo"));
  EXPECT_EQ(context.capability_sids.writable_roots[1].root, p("D:\\scratch"));
  EXPECT_EQ(context.cap_sids,
            (std::vector<std::string>{context.capability_sids.writable_roots[0].sid,
                                      context.capability_sids.writable_roots[1].sid}));
  // The setup request names each write root's capability SID, in write-root order.
  EXPECT_EQ(request.write_root_sids, context.cap_sids);

  EXPECT_EQ(context.command_line, quote_command_line(s.command));
  EXPECT_EQ(context.command_line, "git commit -m \"two words\"");
  // The elevated child environment: pagers, safe.directory for the worktree (forward slashes).
  EXPECT_EQ(context.env.get("GIT_PAGER"), "more.com");
  EXPECT_EQ(context.env.get("GIT_CONFIG_KEY_0"), "safe.directory");
  EXPECT_EQ(context.env.get("GIT_CONFIG_VALUE_0"), "C:/repo");
  EXPECT_FALSE(context.env.contains("SBX_NONET_ACTIVE"));  // elevated: no env rewriting
  EXPECT_EQ(context.env.get("HTTP_PROXY"), "http://127.0.0.1:8080");

  const IpcSpawnRequest spawn = make_elevated_spawn_request(
      context, s.profile, s.binding, kHome, s.cwd, s.command, {1000, false, false, false});
  EXPECT_EQ(spawn.permission_profile_cwd, "C:\\repo");
  EXPECT_EQ(spawn.cwd, "C:\\repo\\sub");
  EXPECT_FALSE(spawn.workspace_roots.has_value());
  EXPECT_EQ(spawn.sandbox_home, "C:\\Users\\alice\\.winsandbox\\.sandbox");
  EXPECT_EQ(spawn.real_sandbox_home, "C:\\Users\\alice\\.winsandbox");
  EXPECT_EQ(spawn.cap_sids, context.cap_sids);
  EXPECT_EQ(spawn.permission_profile, s.profile);  // as given, not materialized
  EXPECT_EQ(spawn.env, context.env);
  EXPECT_EQ(spawn.timeout_ms, 1000u);
  EXPECT_EQ(spawn.command, s.command);
}

TEST(ElevatedSpawnContext, UsesTheSameStoreAsEverythingElse) {
  Scenario s;
  ScratchDir state;
  CountingRandom seed_random(100);
  CapabilitySidStore store(state.path(), seed_random);
  const CapabilitySids stored = store.assign({p("C:\\repo"), p("D:\\scratch")});

  CountingRandom random;
  const auto context = s.prepare(state.path(), SidStoreAccess::read_write, random);
  EXPECT_EQ(context.capability_sids, stored);
  EXPECT_EQ(random.calls(), 0);  // nothing new was needed
  EXPECT_EQ(context.cap_sids, token_capability_sids(s.resolved, stored));
}

TEST(ElevatedSpawnContext, ReadWriteAccessPersistsNewSids) {
  Scenario s;
  ScratchDir state;
  CountingRandom random;
  const auto context = s.prepare(state.path(), SidStoreAccess::read_write, random);
  CountingRandom unused;
  CapabilitySidStore store(state.path(), unused);
  const auto stored = store.read();
  EXPECT_EQ(stored.read_only, context.capability_sids.read_only);
  EXPECT_EQ(stored.writable_roots.at("C:\\REPO"), context.cap_sids[0]);
}

TEST(ElevatedSpawnContext, DryRunWritesNothing) {
  Scenario s;
  ScratchDir state;
  // A store that knows C:\repo only; D:\scratch's SID is made up in memory.
  CountingRandom seed_random(100);
  CapabilitySidStore(state.path(), seed_random).assign({p("C:\\repo")});
  std::filesystem::remove(state.path() / "cap_sids.json.lock");
  const auto before = files_in(state.path());
  std::ifstream in(state.path() / "cap_sids.json");
  const std::string file_before{std::istreambuf_iterator<char>(in), {}};

  CountingRandom random;
  const auto context = s.prepare(state.path(), SidStoreAccess::read_only, random);
  EXPECT_EQ(files_in(state.path()), before);
  std::ifstream again(state.path() / "cap_sids.json");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(again), {}), file_before);
  EXPECT_EQ(random.calls(), 1);  // only D:\scratch's SID
  ASSERT_EQ(context.cap_sids.size(), 2u);
  CountingRandom unused;
  EXPECT_EQ(CapabilitySidStore(state.path(), unused).read().writable_roots.count("D:\\SCRATCH"),
            0u);
}

TEST(ElevatedSpawnContext, DryRunLeavesACorruptStoreInPlace) {
  Scenario s;
  ScratchDir state;
  { std::ofstream(state.path() / "cap_sids.json") << "{not json"; }
  CountingRandom random;
  const auto context = s.prepare(state.path(), SidStoreAccess::read_only, random);
  EXPECT_EQ(files_in(state.path()), std::vector<std::string>{"cap_sids.json"});
  ASSERT_EQ(context.warnings.size(), 1u);
  EXPECT_NE(context.warnings[0].find("left it in place"), std::string::npos) << context.warnings[0];
}

TEST(ElevatedSpawnContext, DryRunWithoutStateDirectoryGeneratesEverything) {
  Scenario s;
  CountingRandom random;
  const auto context = s.prepare({}, SidStoreAccess::read_only, random);
  EXPECT_EQ(random.calls(), 3);
  EXPECT_EQ(context.cap_sids.size(), 2u);
}

TEST(ElevatedSpawnContext, ReadOnlyProfileCarriesTheReadOnlySid) {
  Scenario s;
  s.resolved = resolve(PermissionProfile::read_only(), s.binding, s.cwd, s.env, s.fs);
  CountingRandom random;
  const auto context = s.prepare({}, SidStoreAccess::read_only, random);
  EXPECT_EQ(context.cap_sids,
            std::vector<std::string>{"S-1-5-21-50462976-117835012-185207048-252579084"});
  EXPECT_TRUE(context.setup_request.write_roots.empty());
}

TEST(ElevatedSpawnContext, BadCommandsFailBeforeTheStoreIsTouched) {
  Scenario s;
  ScratchDir state;
  ElevatedSpawnOverrides overrides;
  overrides.state_directory = state.path();
  CountingRandom random;
  const std::vector<std::vector<std::string>> bad = {
      {}, {""}, {"git", std::string("a\0b", 3)}, {"a\"b"}};
  for (const auto& command : bad) {
    SCOPED_TRACE(command.size());
    EXPECT_WS_ERROR(prepare_elevated_spawn_context_for_permissions(
                        s.resolved, kHome, s.cwd, s.env, command, overrides, s.fs, random),
                    ErrorCode::invalid_argument, "");
  }
  EXPECT_TRUE(files_in(state.path()).empty());
}

TEST(ElevatedSpawnContext, WritableRootsOverlappingTheSandboxHomeAreRejected) {
  for (const std::string root :
       {"C:\\Users\\alice\\.winsandbox", "C:\\Users\\alice\\.winsandbox\\.sandbox",
        "C:\\Users\\alice", "c:\\users\\ALICE\\.WinSandbox\\x"}) {
    SCOPED_TRACE(root);
    Scenario s;
    s.fs.dir(root);
    s.profile = PermissionProfile::workspace_write_with({p(root)}, NetworkAccess::restricted, true,
                                                        true, s.fs);
    s.resolved = resolve(s.profile, s.binding, s.cwd, s.env, s.fs);
    ScratchDir state;
    CountingRandom random;
    EXPECT_WS_ERROR(s.prepare(state.path(), SidStoreAccess::read_write, random),
                    ErrorCode::invalid_profile, "overlaps the sandbox home");
    EXPECT_TRUE(files_in(state.path()).empty());
  }
  // A sibling of the home is fine.
  Scenario s;
  s.fs.dir("C:\\Users\\alice\\.winsandbox2");
  s.profile = PermissionProfile::workspace_write_with({p("C:\\Users\\alice\\.winsandbox2")},
                                                      NetworkAccess::restricted, true, true, s.fs);
  s.resolved = resolve(s.profile, s.binding, s.cwd, s.env, s.fs);
  CountingRandom random;
  EXPECT_EQ(s.prepare({}, SidStoreAccess::read_only, random).cap_sids.size(),
            2u);  // repo + sibling
}

// The home spelled through a junction alias or an 8.3 short name is canonicalized through the
// view before the overlap check, exactly as the capture path does (one helper for both).
TEST(ElevatedSpawnContext, SandboxHomeAliasPointingIntoAWritableRootIsRejected) {
  const auto fs = SnapshotFileSystem::from_json(R"({"nodes":[
      {"path":"C:\\Users\\runneradmin","type":"dir","short_name":"RUNNER~1"},
      {"path":"C:\\Users\\runneradmin\\repo\\.state","type":"dir"},
      {"path":"C:\\Users\\runneradmin\\home-alias","type":"junction",
       "target":"C:\\Users\\runneradmin\\repo\\.state"},
      {"path":"D:\\Win","type":"dir"}]})");
  const auto profile = PermissionProfile::workspace_write();
  const WinPath repo = p("C:\\Users\\runneradmin\\repo");
  const auto resolved = resolve(profile, ProfileBinding::for_profile_cwd(repo), repo, {}, fs);
  ElevatedSpawnOverrides overrides;
  overrides.sid_store_access = SidStoreAccess::read_only;  // a dry run: nothing is written
  for (const char* home : {"C:\\Users\\runneradmin\\home-alias", "C:\\Users\\RUNNER~1\\repo\\.ws",
                           "C:\\Users\\RUNNER~1"}) {
    SCOPED_TRACE(home);
    CountingRandom random;
    EXPECT_WS_ERROR(prepare_elevated_spawn_context_for_permissions(resolved, p(home), repo, {},
                                                                   {"cmd"}, overrides, fs, random),
                    ErrorCode::invalid_profile, "overlaps the sandbox home");
  }
  // A home beside the repository, whatever its spelling, is fine.
  CountingRandom random;
  EXPECT_NO_THROW(prepare_elevated_spawn_context_for_permissions(
      resolved, p("C:\\Users\\RUNNER~1\\.winsandbox"), repo, {}, {"cmd"}, overrides, fs, random));
}

// The elevated backend cannot confine reads: a profile without `:root` read is refused before
// anything is written (docs/resolution.md#elevated-read-check; validate_elevated_read_access).
TEST(ElevatedSpawnContext, ProfilesWithoutRootReadAreRejected) {
  Scenario s;
  s.profile = ManagedProfile{
      RestrictedFileSystem{{{FileSystemSpecialPath::project_roots(), FileSystemAccessMode::write}},
                           {}},
      NetworkAccess::restricted};
  s.resolved = resolve(s.profile, s.binding, s.cwd, s.env, s.fs);
  ScratchDir state;
  CountingRandom random;
  EXPECT_WS_ERROR(s.prepare(state.path(), SidStoreAccess::read_write, random),
                  ErrorCode::root_read_required, "is not readable");
  EXPECT_TRUE(files_in(state.path()).empty());
}

TEST(ElevatedSpawnContext, ReadWriteAccessNeedsAStateDirectory) {
  Scenario s;
  CountingRandom random;
  EXPECT_WS_ERROR(prepare_elevated_spawn_context_for_permissions(s.resolved, kHome, s.cwd, s.env,
                                                                 s.command, {}, s.fs, random),
                  ErrorCode::invalid_argument, "state directory");
}

TEST(ElevatedSpawnRequest, GoldenFrameWithSeveralWorkspaceRoots) {
  Scenario s;
  s.binding = ProfileBinding{{p("C:\\repo"), p("D:\\scratch")}};
  s.resolved = resolve(PermissionProfile::read_only(), s.binding, s.cwd, s.env, s.fs);
  ElevatedSpawnOverrides overrides;
  overrides.sid_store_access = SidStoreAccess::read_only;
  CountingRandom random;
  const auto context = prepare_elevated_spawn_context_for_permissions(
      s.resolved, kHome, s.cwd, Environment{}, {"cmd.exe", "/c", "ver"}, overrides, s.fs, random);
  const auto request = make_elevated_spawn_request(
      context, PermissionProfile::read_only(), s.binding, kHome, s.cwd, {"cmd.exe", "/c", "ver"});
  EXPECT_EQ(
      ipc_message_to_json(request),
      R"({"version":2,"type":"spawn_request","payload":{"command":["cmd.exe","/c","ver"],)"
      R"("cwd":"C:\\repo\\sub","env":{"GIT_PAGER":"more.com","PAGER":"more.com","LESS":"",)"
      R"("GIT_CONFIG_KEY_0":"safe.directory","GIT_CONFIG_VALUE_0":"C:/repo",)"
      R"("GIT_CONFIG_COUNT":"1"},)"
      R"("permission_profile":{"type":"managed","file_system":{"type":"restricted","entries":)"
      R"([{"path":{"type":"special","value":{"kind":"root"}},"access":"read"}]},)"
      R"("network":"restricted"},"permission_profile_cwd":"C:\\repo",)"
      R"("workspace_roots":["C:\\repo","D:\\scratch"],)"
      R"("sandbox_home":"C:\\Users\\alice\\.winsandbox\\.sandbox",)"
      R"("real_sandbox_home":"C:\\Users\\alice\\.winsandbox",)"
      R"("cap_sids":["S-1-5-21-50462976-117835012-185207048-252579084"],"timeout_ms":null,)"
      R"("tty":false,"stdin_open":false,"use_private_desktop":false}})");
  EXPECT_WS_ERROR(make_elevated_spawn_request(context, PermissionProfile::read_only(),
                                              ProfileBinding{}, kHome, s.cwd, {"x"}),
                  ErrorCode::invalid_argument, "workspace root");
}

TEST(ElevatedSpawnContext, JsonShape) {
  Scenario s;
  s.resolved = resolve(PermissionProfile::read_only(), s.binding, s.cwd, s.env, s.fs);
  ElevatedSpawnOverrides overrides;
  overrides.sid_store_access = SidStoreAccess::read_only;
  CountingRandom random;
  const auto context = prepare_elevated_spawn_context_for_permissions(
      s.resolved, kHome, s.cwd, Environment{}, {"cmd.exe"}, overrides, s.fs, random);
  const std::string json = elevated_spawn_context_to_json(context);
  EXPECT_TRUE(json.starts_with(
      R"({"sandbox_base":"C:\\Users\\alice\\.winsandbox\\.sandbox",)"
      R"("logs_dir":"C:\\Users\\alice\\.winsandbox\\.sandbox","capability_sids":)"
      R"({"read_only":"S-1-5-21-50462976-117835012-185207048-252579084","writable_roots":[]},)"
      R"("cap_sids":["S-1-5-21-50462976-117835012-185207048-252579084"],"setup_request":{)"))
      << json;
  EXPECT_TRUE(json.ends_with(R"("command_line":"cmd.exe"})")) << json;
}

TEST(AppliedAclState, PeekReadsWithoutLockingOrMoving) {
  ScratchDir state;
  std::vector<std::string> warnings;
  EXPECT_EQ(peek_applied_acl_state(state.path(), warnings), AclState{});
  EXPECT_EQ(peek_applied_acl_state({}, warnings), AclState{});
  std::filesystem::create_directories(state.path() / ".sandbox");
  { std::ofstream(state.path() / ".sandbox" / "acl_state.json") << "garbage"; }
  EXPECT_EQ(peek_applied_acl_state(state.path(), warnings), AclState{});
  EXPECT_EQ(files_in(state.path() / ".sandbox"), std::vector<std::string>{"acl_state.json"});
  EXPECT_EQ(files_in(state.path()), std::vector<std::string>{".sandbox"});
  ASSERT_EQ(warnings.size(), 1u);
}

}  // namespace
}  // namespace winsandbox
