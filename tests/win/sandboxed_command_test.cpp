// What a sandboxed command sees of the launch rules around it, end to end through the capture
// API: the network stub directory (denybin) of the unelevated backend, and the argument rule
// for batch scripts. Under Wine these run the real stubs and scripts through Wine's cmd.exe;
// nothing here depends on enforcement.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "plan/plan_test_support.hpp"
#include "test_support.hpp"
#include "win_test_support.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/child_env.hpp"

namespace winsandbox {
namespace {

using std::chrono::milliseconds;
using win::test::win_path_of;

constexpr char kChildPath[] = "C:\\windows\\system32;C:\\windows";

// The value of `key` in ws_print_env's output, or nullopt.
std::optional<std::string> printed_variable(const std::string& output, const std::string& key) {
  const std::string marker = "\n" + key + "=";
  const auto start = output.find(marker);
  if (start == std::string::npos) return std::nullopt;
  const auto value = start + marker.size();
  return output.substr(value, output.find('\n', value) - value);
}

class SandboxedCommandTest : public ::testing::Test {
protected:
  // A workspace-write capture (network restricted, as the preset is) of `argv` in the workspace.
  CaptureRequest request(std::vector<std::string> argv) {
    CaptureRequest r;
    win::test::fill_sandboxed_request(r, win_path_of(workspace.path()), home.path(), "exit_code");
    r.command = std::move(argv);
    r.timeout = milliseconds(60000);
    return r;
  }
  CaptureRequest print_env_request(NetworkAccess network) {
    CaptureRequest r = request({win::test::helper_path("print_env").str()});
    std::get<ManagedProfile>(r.profile.value()).network = network;
    r.env.set("PATH", kChildPath);
    return r;
  }
  std::filesystem::path denybin() const { return home.path() / ".sbx-denybin"; }
  bool nothing_applied() const {
    return !std::filesystem::exists(home.path() / ".sandbox" / "acl_state.json") &&
           !std::filesystem::exists(home.path() / "cap_sids.json");
  }

  testing::ScratchDir workspace;
  testing::ScratchDir home;
};

TEST_F(SandboxedCommandTest, NetworkBlockedShellFindsTheFailingSshStub) {
  const CaptureResult result = run_capture_for_permission_profile(request({"cmd", "/c", "ssh"}));
  // The stub exits 1 without output; a shell that found no ssh at all says so and exits 9009.
  EXPECT_EQ(result.exit_code, 1) << result.stdout_bytes << result.stderr_bytes;
  EXPECT_EQ(result.stdout_bytes, "");
  EXPECT_EQ(result.stderr_bytes, "");
  for (const auto& stub : denybin_stubs()) {
    EXPECT_EQ(read_file_if_exists(denybin() / stub.file_name), stub.content) << stub.file_name;
  }
}

TEST_F(SandboxedCommandTest, NetworkBlockedChildPathStartsWithTheStubDirectory) {
  const CaptureResult result =
      run_capture_for_permission_profile(print_env_request(NetworkAccess::restricted));
  ASSERT_EQ(result.exit_code, 0) << result.stderr_bytes;
  const std::string expected = win_path_of(denybin()).str() + ";" + kChildPath;
  EXPECT_EQ(printed_variable(result.stdout_bytes, "PATH"), expected) << result.stdout_bytes;
  // The host's PATHEXT (Wine spells it in lower case) with the batch extensions first.
  const std::string pathext = printed_variable(result.stdout_bytes, "PATHEXT").value_or("");
  EXPECT_TRUE(iequals_ascii(pathext.substr(0, 10), ".BAT;.CMD;")) << pathext;
}

TEST_F(SandboxedCommandTest, NetworkEnabledLeavesPathAloneAndWritesNoStubs) {
  const CaptureResult result =
      run_capture_for_permission_profile(print_env_request(NetworkAccess::enabled));
  ASSERT_EQ(result.exit_code, 0) << result.stderr_bytes;
  EXPECT_EQ(printed_variable(result.stdout_bytes, "PATH"), kChildPath) << result.stdout_bytes;
  EXPECT_EQ(printed_variable(result.stdout_bytes, "SBX_NONET_ACTIVE"), std::nullopt);
  EXPECT_FALSE(std::filesystem::exists(denybin()));

  // The control for the stub test: without the stubs a shell's `ssh` is something else (not
  // found: 9009; a real client without arguments: 255), never the stub's silent 1.
  CaptureRequest ssh = request({"cmd", "/c", "ssh"});
  std::get<ManagedProfile>(ssh.profile.value()).network = NetworkAccess::enabled;
  EXPECT_NE(run_capture_for_permission_profile(ssh).exit_code, 1);
}

// A stub directory that cannot be written is an error before anything is applied, never a
// network-blocked run without its stubs.
TEST_F(SandboxedCommandTest, UnwritableStubDirectoryFailsBeforeAnythingIsApplied) {
  std::filesystem::create_directories(home.path());
  write_file_atomically(denybin(), "a file where the directory belongs");
  EXPECT_WS_ERROR(run_capture_for_permission_profile(request({"cmd", "/c", "ssh"})),
                  ErrorCode::io_error, ".sbx-denybin");
  EXPECT_TRUE(nothing_applied());
}

// A batch script runs through cmd.exe, which parses its command line again: an argument cmd.exe
// would interpret is refused before anything is applied, whether the script is named by its
// path or found through PATHEXT; safe arguments reach the script whole (`%~n` is the argument).
TEST_F(SandboxedCommandTest, BatchScriptRefusesArgumentsCmdWouldInterpretAndPassesSafeOnes) {
  const std::filesystem::path script = workspace.path() / "args.cmd";
  write_file_atomically(script,
                        "@echo off\r\necho [%~1]\r\necho [%~2]\r\necho [%~3]\r\necho [%~4]\r\n");
  const std::string script_path = win_path_of(script).str();

  EXPECT_WS_ERROR(run_capture_for_permission_profile(request({script_path, "ok", "x&echo pwned"})),
                  ErrorCode::invalid_argument, "argument 2 `x&echo pwned` of the batch script");
  EXPECT_WS_ERROR(run_capture_for_permission_profile(request({"args", "100%"})),
                  ErrorCode::invalid_argument, "contains '%'");
  EXPECT_TRUE(nothing_applied());

  for (const std::string& program : {script_path, std::string("args")}) {
    SCOPED_TRACE(program);
    const CaptureResult result = run_capture_for_permission_profile(
        request({program, "plain", "two words", "a,b=c;d", "C:\\dir with space\\"}));
    EXPECT_EQ(result.exit_code, 0) << result.stderr_bytes;
    EXPECT_EQ(result.stdout_bytes,
              "[plain]\r\n[two words]\r\n[a,b=c;d]\r\n[C:\\dir with space\\]\r\n");
  }
}

}  // namespace
}  // namespace winsandbox
