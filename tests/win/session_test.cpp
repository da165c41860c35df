// Pipe-mode sessions end to end under Wine: stdin written in pieces, end-of-file, output pulled
// or delivered by callback, terminate, exit codes.
#include "winsandbox/session.hpp"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plan/plan_test_support.hpp"
#include "test_support.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/legacy_policy.hpp"

namespace winsandbox {
namespace {

using std::chrono::milliseconds;

class SessionTest : public ::testing::Test {
protected:
  WinPath workspace_path() const { return win::test::win_path_of(workspace.path()); }
  SessionRequest request(std::string_view helper, std::vector<std::string> args = {}) {
    SessionRequest r;
    win::test::fill_sandboxed_request(r, workspace_path(), home.path(), helper, std::move(args));
    return r;
  }
  testing::ScratchDir workspace;
  testing::ScratchDir home;
};

TEST_F(SessionTest, StdinInPiecesThenEofAndPulledOutput) {
  Session session = spawn_session_for_permission_profile(request("echo_stdin"));
  session.write_stdin("hello ");
  session.write_stdin("session");
  EXPECT_FALSE(session.exit_code().has_value());  // still reading its stdin
  session.close_stdin();
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(0));
  EXPECT_EQ(session.take_stdout(), "hello session");
  EXPECT_EQ(session.take_stderr(), "13");  // ws_echo_stdin reports the byte count
  EXPECT_THROW(session.write_stdin("late"), Error);
}

TEST_F(SessionTest, CallbacksReceiveOutputAndExitCodeIsExact) {
  std::mutex mutex;
  std::string out;
  std::string err;
  SessionRequest r = request("exit_code", {"0xC0000005"});
  r.on_stdout = [&](std::string_view chunk) {
    const std::lock_guard lock(mutex);
    out.append(chunk);
  };
  r.on_stderr = [&](std::string_view chunk) {
    const std::lock_guard lock(mutex);
    err.append(chunk);
  };
  Session session = spawn_session_for_permission_profile(r);
  EXPECT_EQ(session.wait(), std::optional<std::int32_t>(-1073741819));
  const std::lock_guard lock(mutex);
  EXPECT_EQ(out, "out");
  EXPECT_EQ(err, "err");
  EXPECT_EQ(session.take_stdout(), "");
}

TEST_F(SessionTest, TerminateEndsTheCommand) {
  Session session = spawn_session_for_permission_profile(request("sleep", {"60000"}));
  EXPECT_FALSE(session.wait(milliseconds(100)).has_value());
  session.terminate();
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(1));
}

TEST_F(SessionTest, LegacyAdapterAndBadInput) {
  Session session = spawn_session_for_policy("workspace-write", workspace_path().str(),
                                             request("exit_code", {"4"}));
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(4));
  SessionRequest missing = request("exit_code");
  missing.command = {"ws-no-such-program"};
  EXPECT_WS_ERROR(spawn_session_for_permission_profile(missing), ErrorCode::command_not_found,
                  "ws-no-such-program");
}

}  // namespace
}  // namespace winsandbox
