// The runner's checks on the parent's first frame (src/ipc/runner_launch.hpp): a v2
// spawn_request only, resolved with its own binding, SIDs that agree, the program looked up in
// the planned environment; and the binding rule across the parent and the runner.
#include "ipc/runner_launch.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_file_system.hpp"
#include "ipc/string_reader.hpp"
#include "plan/capability_sid_store.hpp"
#include "plan/plan_test_support.hpp"
#include "plan/spawn_context.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::CountingRandom;
using testing::FakeFileSystem;
using testing::ScratchDir;

using testing::p;
const WinPath& kHome = testing::kAliceSandboxHome;

using testing::StringReader;

IpcSpawnRequest first_request_of(std::string bytes) {
  StringReader reader(std::move(bytes));
  FrameReader frames(reader);
  return read_spawn_request(frames);
}

// docs/architecture.md#binding-rule: profile cwd W = C:\repo, command cwd W\sub, extra root
// D:\scratch. The parent prepares the context and the frame; the runner checks it against the
// same SID store.
struct Scenario {
  FakeFileSystem fs = [] {
    FakeFileSystem f;
    f.dir("C:\\repo\\sub").dir("C:\\repo\\.git").dir("D:\\scratch");
    f.file("C:\\tools\\git.exe");
    return f;
  }();
  PermissionProfile profile = PermissionProfile::workspace_write_with(
      {p("D:\\scratch")}, NetworkAccess::restricted, true, true, fs);
  ProfileBinding binding = ProfileBinding::for_profile_cwd(p("C:\\repo"));
  WinPath cwd = p("C:\\repo\\sub");
  Environment env = [] {
    Environment e;
    e.set("PATH", "C:\\tools");
    return e;
  }();
  std::vector<std::string> command{"git", "status"};
  ScratchDir state;
  CountingRandom random;

  IpcSpawnRequest parent_request() {
    ElevatedSpawnOverrides overrides;
    overrides.state_directory = state.path();
    const ResolvedPermissions resolved = resolve(profile, binding, cwd, env, fs);
    const ElevatedSpawnContext context = prepare_elevated_spawn_context_for_permissions(
        resolved, kHome, cwd, env, command, overrides, fs, random);
    return make_elevated_spawn_request(context, profile, binding, kHome, cwd, command);
  }
  // What the runner does: resolve, read the store's SIDs (read only), plan.
  RunnerLaunch runner_plan(const IpcSpawnRequest& request) {
    const ResolvedPermissions resolved = resolve_spawn_request(request, fs);
    CapabilitySidStore store(state.path(), random);
    return plan_runner_launch(request, resolved, store.preview(writable_root_paths(resolved)), fs);
  }
};

TEST(RunnerHandshake, AcceptsTheParentsSpawnRequestFrame) {
  Scenario s;
  const IpcSpawnRequest sent = s.parent_request();
  EXPECT_EQ(first_request_of(encode_frame(sent)), sent);
}

TEST(RunnerHandshake, RefusesAnythingButAV2SpawnRequestFirst) {
  EXPECT_WS_ERROR(first_request_of(""), ErrorCode::ipc_truncated_frame, "before sending");
  EXPECT_WS_ERROR(first_request_of(encode_frame(IpcStdin{"x"})), ErrorCode::ipc_malformed_message,
                  "got stdin");
  std::string v1 = encode_frame(IpcTerminate{});
  const auto at = v1.find("\"version\":2");
  ASSERT_NE(at, std::string::npos);
  v1[at + 10] = '1';
  EXPECT_WS_ERROR(first_request_of(v1), ErrorCode::ipc_protocol_mismatch, "");
  EXPECT_WS_ERROR(first_request_of(std::string("\x05\x00\x00\x00garbage", 11)),
                  ErrorCode::ipc_malformed_message, "");
}

TEST(RunnerHandshake, ErrorFrameNamesTheCodeAndTheStage) {
  const IpcError error =
      runner_error(kRunnerStageHandshake, Error(ErrorCode::ipc_protocol_mismatch, "version 1"));
  EXPECT_EQ(error.code, "ipc_protocol_mismatch");
  EXPECT_EQ(error.message, "handshake: version 1");
  EXPECT_EQ(error.stage, "handshake");
  EXPECT_EQ(error.windows_error, std::nullopt);
  EXPECT_EQ(decode_frame(encode_frame(error)), IpcMessage(error));
}

TEST(RunnerHandshake, ErrorFrameCarriesTheWindowsErrorByteExactly) {
  const IpcError error = runner_error(
      kRunnerStageSpawn, Error(ErrorCode::command_start_failed, "CreateProcessAsUserW", 5u));
  const std::string json = ipc_message_to_json(error);
  EXPECT_EQ(json,
            R"({"version":2,"type":"error","payload":{"message":"spawn: CreateProcessAsUserW",)"
            R"("code":"command_start_failed","stage":"spawn","windows_error":5}})");
  EXPECT_EQ(ipc_message_from_json(json), IpcMessage(error));
  // The reference's two-field error still decodes, without stage or Windows error.
  EXPECT_EQ(ipc_message_from_json(
                R"({"version":2,"type":"error","payload":{"message":"m","code":"spawn_failed"}})"),
            IpcMessage(IpcError{"m", "spawn_failed"}));
  EXPECT_WS_ERROR(
      ipc_message_from_json(
          R"({"version":2,"type":"error","payload":{"message":"m","code":"c","windows_error":-1}})"),
      ErrorCode::ipc_malformed_message, "windows_error");
}

TEST(RunnerLaunch, ResolvesWithTheRequestsBindingAndAgreesWithTheParent) {
  Scenario s;
  const IpcSpawnRequest request = s.parent_request();
  const RunnerLaunch launch = s.runner_plan(request);
  EXPECT_EQ(launch.token_sids, request.cap_sids);
  EXPECT_EQ(launch.token_sids.size(), 2U);  // C:\repo and D:\scratch; never C:\repo\sub
  EXPECT_EQ(launch.program.program.str(), "C:\\tools\\git.EXE");
  EXPECT_EQ(launch.program.command_line, "git status");
  // The binding is W, not the command cwd.
  EXPECT_EQ(binding_of(request).workspace_roots, std::vector<WinPath>{p("C:\\repo")});
}

TEST(RunnerLaunch, SeveralWorkspaceRootsTravelAsTheBinding) {
  Scenario s;
  s.binding = ProfileBinding{{p("C:\\repo"), p("D:\\scratch")}};
  const IpcSpawnRequest request = s.parent_request();
  EXPECT_EQ(binding_of(request).workspace_roots, s.binding.workspace_roots);
  EXPECT_EQ(s.runner_plan(request).token_sids, request.cap_sids);
}

TEST(RunnerLaunch, RefusesTokenSidsItsOwnResolutionDoesNotGive) {
  Scenario s;
  IpcSpawnRequest tampered = s.parent_request();
  tampered.cap_sids.push_back("S-1-5-21-1-2-3-4");  // one SID too many
  EXPECT_WS_ERROR(s.runner_plan(tampered), ErrorCode::ipc_request_mismatch, "");

  // A parent that bound the profile to the command cwd would have asked for W\sub's SID.
  IpcSpawnRequest rebound = s.parent_request();
  rebound.permission_profile_cwd = "C:\\repo\\sub";
  EXPECT_WS_ERROR(s.runner_plan(rebound), ErrorCode::ipc_request_mismatch, "");
}

TEST(RunnerLaunch, AProgramNotOnThePlannedPathIsNotFound) {
  Scenario s;
  IpcSpawnRequest request = s.parent_request();
  request.command = {"not-there"};
  EXPECT_WS_ERROR(s.runner_plan(request), ErrorCode::command_not_found, "");
}

}  // namespace
}  // namespace winsandbox
