// Sessions end to end under Wine. Pipe mode: stdin written in pieces, end-of-file, output
// pulled or delivered by callback, terminate, exit codes. ConPTY mode: Wine's pseudo console
// carries what a program writes to CONOUT$ and reads from CONIN$, so the echo round trip, TTY
// input normalization, terminate and exit codes run under Wine with ws_console_echo; Wine does
// not make the pseudo console a child's standard streams and does not implement
// ResizePseudoConsole, so those two cases are windows-smoke.
#include "winsandbox/session.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plan/plan_test_support.hpp"
#include "test_support.hpp"
#include "win/sandboxed_capture.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/legacy_policy.hpp"

namespace winsandbox {
namespace {

using std::chrono::milliseconds;

class SessionTest : public ::testing::Test {
protected:
  // Pulls stdout until it contains `text` (the whole output so far is returned) or 30 s pass.
  static std::string read_until(Session& session, std::string& seen, std::string_view text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (seen.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      seen += session.take_stdout();
      if (seen.find(text) == std::string::npos) Sleep(20);
    }
    return seen;
  }
  SessionRequest tty_request(std::string_view helper, std::vector<std::string> args = {}) {
    SessionRequest r = request(helper, std::move(args));
    r.tty = true;
    return r;
  }
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

TEST_F(SessionTest, TtyEchoRoundTripWithNormalizedInputAndExitCode) {
  Session session = spawn_session_for_permission_profile(tty_request("console_echo"));
  EXPECT_TRUE(session.is_tty());
  std::string seen;
  ASSERT_NE(read_until(session, seen, "ready cols=80 rows=24").find("ready cols=80 rows=24"),
            std::string::npos)
      << seen;
  // LF alone does not end a console line; the session turns it into CR. The CRLF split across
  // two writes is one line end, not an extra empty line.
  session.write_stdin("hello tty\n");
  session.write_stdin("second\r");
  session.write_stdin("\nthird\n");
  read_until(session, seen, "got[third]");
  EXPECT_NE(seen.find("got[hello tty]"), std::string::npos) << seen;
  EXPECT_NE(seen.find("got[second]"), std::string::npos) << seen;
  EXPECT_NE(seen.find("got[third]"), std::string::npos) << seen;
  session.write_stdin("exit 7\n");
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(7));
  EXPECT_EQ(session.take_stderr(), "");  // merged into the console output
  EXPECT_WS_ERROR(session.resize({30, 100}), ErrorCode::invalid_argument, "exited");
}

TEST_F(SessionTest, TtyOutputReachesTheCallbackAndTerminateEndsTheCommand) {
  std::mutex mutex;
  std::string out;
  SessionRequest r = tty_request("console_echo");
  r.terminal_size = {40, 120};
  r.on_stdout = [&](std::string_view chunk) {
    const std::lock_guard lock(mutex);
    out.append(chunk);
  };
  Session session = spawn_session_for_permission_profile(r);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    {
      const std::lock_guard lock(mutex);
      if (out.find("ready") != std::string::npos || std::chrono::steady_clock::now() > deadline) {
        break;
      }
    }
    Sleep(20);
  }
  {
    const std::lock_guard lock(mutex);
    // The console was created with the requested size.
    EXPECT_NE(out.find("ready cols=120 rows=40"), std::string::npos) << out;
  }
  EXPECT_FALSE(session.wait(milliseconds(100)).has_value());
  session.terminate();
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(1));
  EXPECT_EQ(session.take_stdout(), "");
}

TEST_F(SessionTest, TtyResizeReachesTheConsole) {
  Session session = spawn_session_for_permission_profile(tty_request("console_echo"));
  std::string seen;
  read_until(session, seen, "ready");
  try {
    session.resize({30, 100});
  } catch (const Error& error) {
    if (win::test::running_under_wine() && error.win32_error() == 0x80004001u) {
      session.terminate();
      GTEST_SKIP() << "Wine does not implement ResizePseudoConsole (E_NOTIMPL): " << error.what()
                   << "; asserted on Windows (windows-smoke)";
    }
    throw;
  }
  session.write_stdin("size\n");
  EXPECT_NE(read_until(session, seen, "size cols=100 rows=30").find("size cols=100 rows=30"),
            std::string::npos)
      << seen;
  session.write_stdin("exit 0\n");
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(0));
}

// What a console program normally does: write to its standard output. Wine does not attach the
// pseudo console to the child's std handles (tests/win/README.md), so this is windows-smoke.
TEST_F(SessionTest, TtyStandardStreamsAreThePseudoConsole) {
  Session session =
      spawn_session_for_permission_profile(tty_request("print_argv", {"conpty-marker"}));
  const std::optional<std::int32_t> code = session.wait(milliseconds(30000));
  if (win::test::running_under_wine() && code == std::optional<std::int32_t>(90)) {
    GTEST_SKIP() << "Wine does not make the pseudo console the child's standard streams (its "
                    "stdout write failed); asserted on Windows (windows-smoke)";
  }
  EXPECT_EQ(code, std::optional<std::int32_t>(0));
  EXPECT_NE(session.take_stdout().find("conpty-marker"), std::string::npos);
}

TEST_F(SessionTest, PrivateDesktopOnRequest) {
  for (const bool private_desktop : {false, true}) {
    SCOPED_TRACE(private_desktop);
    SessionRequest r = request("desktop_name");
    r.use_private_desktop = private_desktop;
    Session session = spawn_session_for_permission_profile(r);
    EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(0));
    const std::string name = session.take_stdout();
    if (private_desktop) {
      EXPECT_EQ(name.rfind("winsandbox-desktop-", 0), 0u) << name;
    } else {
      EXPECT_EQ(name, "Default\n");
    }
  }
}

TEST_F(SessionTest, ResizeNeedsAPseudoConsoleAndASize) {
  SessionRequest zero = tty_request("console_echo");
  zero.terminal_size = {0, 80};
  EXPECT_WS_ERROR(spawn_session_for_permission_profile(zero), ErrorCode::invalid_argument,
                  "not 80x0");
  EXPECT_FALSE(std::filesystem::exists(home.path() / "cap_sids.json"));  // nothing applied

  Session pipes = spawn_session_for_permission_profile(request("sleep", {"60000"}));
  EXPECT_FALSE(pipes.is_tty());
  EXPECT_WS_ERROR(pipes.resize({24, 80}), ErrorCode::invalid_argument, "tty = false");
  pipes.terminate();
}

// As the capture test: the unelevated backend refuses what it cannot confine, before any state.
TEST_F(SessionTest, ReadRestrictionsNeedTheElevatedBackendAndWriteNothing) {
  for (const std::string& profile : win::test::read_restricting_profiles(workspace.path())) {
    SCOPED_TRACE(profile);
    SessionRequest r = request("exit_code", {"0"});
    r.profile = profile_from_json(profile);
    EXPECT_WS_ERROR(spawn_session_for_permission_profile(r), ErrorCode::elevated_backend_required,
                    "elevated backend");
    EXPECT_TRUE(std::filesystem::is_empty(home.path()));
  }
}

TEST_F(SessionTest, BlockedNetworkIsReportedAsAdvisory) {
  const auto advisory_count = [](const Session& session) {
    return std::count(session.warnings().begin(), session.warnings().end(),
                      std::string(win::kAdvisoryNetworkWarning));
  };
  Session blocked = spawn_session_for_permission_profile(request("exit_code", {"0"}));
  EXPECT_EQ(blocked.wait(milliseconds(30000)), std::optional<std::int32_t>(0));
  EXPECT_EQ(advisory_count(blocked), 1);

  SessionRequest r = request("exit_code", {"0"});
  r.profile = profile_from_json(win::test::kNetworkEnabledWorkspaceProfile);
  Session enabled = spawn_session_for_permission_profile(r);
  EXPECT_EQ(enabled.wait(milliseconds(30000)), std::optional<std::int32_t>(0));
  EXPECT_EQ(advisory_count(enabled), 0);
}

}  // namespace
}  // namespace winsandbox
