// The library's log records (include/winsandbox/logging.hpp) from real captures and sessions
// under Wine: a logger the host installs receives each step with its duration, the exit record
// and every refusal with its code.
#include <algorithm>
#include <chrono>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "plan/plan_test_support.hpp"
#include "test_support.hpp"
#include "win_test_support.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/logging.hpp"
#include "winsandbox/session.hpp"

namespace winsandbox {
namespace {

using std::chrono::milliseconds;
using win::test::win_path_of;

// `pattern` occurs in `log` (ECMAScript: `^`/`$` are the ends of the whole log).
::testing::AssertionResult has_record(const std::string& log, const std::string& pattern) {
  if (std::regex_search(log, std::regex(pattern))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no record matches `" << pattern << "` in:\n" << log;
}

// The step records of one sandboxed launch with the network blocked, in order, each with its
// duration; `acl_detail` is the ACL sync's detail.
std::string launch_steps_pattern(const std::string& acl_detail) {
  const std::string took = R"( done in \d+\.\d ms)";
  return "debug: resolve" + took + R"(: \d+ writable root\(s\), network blocked\n[\s\S]*)" +
         "debug: network stubs" + took + R"(\n[\s\S]*)" +                                //
         "debug: program resolution" + took + R"(: [^\n]*ws_exit_code\.exe\n[\s\S]*)" +  //
         "debug: capability SIDs" + took + R"(: \d+ on the token\n[\s\S]*)" +            //
         "debug: ACL sync" + took + ": " + acl_detail + R"(\n[\s\S]*)" +                 //
         "debug: token" + took + R"(\n[\s\S]*)" +                                        //
         "debug: spawn" + took + R"(: pid \d+\n)";
}

class LoggingTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto host = std::make_shared<spdlog::logger>(
        "host", std::make_shared<spdlog::sinks::ostream_sink_mt>(records));
    host->set_pattern("%l: %v");
    host->set_level(spdlog::level::debug);
    set_logger(std::move(host));
  }
  void TearDown() override { set_logger(nullptr); }

  // What was logged since the last call, with spdlog's Windows line ends ("\r\n") as "\n".
  std::string take_records() {
    std::string text = records.str();
    records.str({});
    std::erase(text, '\r');
    return text;
  }
  template <typename Request>
  Request request(std::vector<std::string> args) {
    Request r;
    win::test::fill_sandboxed_request(r, win_path_of(workspace.path()), home.path(), "exit_code",
                                      std::move(args));
    return r;
  }

  std::ostringstream records;
  testing::ScratchDir workspace;
  testing::ScratchDir home;
};

TEST_F(LoggingTest, CaptureLogsEachStepWithItsDurationAndTheExit) {
  ASSERT_EQ(run_capture_for_permission_profile(request<CaptureRequest>({"3"})).exit_code, 3);
  std::string log = take_records();
  // A fresh sandbox home: the workspace grant (at least) is written.
  EXPECT_TRUE(has_record(log, launch_steps_pattern(R"([1-9]\d* ACE\(s\) written, 0 unchanged)")));
  EXPECT_TRUE(has_record(log, R"(\ndebug: exit code 3 \(timed out: false, cancelled: false\) )"
                              R"(after \d+\.\d ms; stdout 3 bytes, stderr 3 bytes\n$)"));

  // The same workspace again: every ACE is in place already.
  ASSERT_EQ(run_capture_for_permission_profile(request<CaptureRequest>({"0"})).exit_code, 0);
  log = take_records();
  EXPECT_TRUE(has_record(log, launch_steps_pattern(R"(0 ACE\(s\) written, [1-9]\d* unchanged)")));
  EXPECT_TRUE(has_record(log, R"(\ndebug: exit code 0 \(timed out: false)"));
}

TEST_F(LoggingTest, CaptureExitRecordCountsEveryByteAlsoPastTheCap) {
  CaptureRequest r = request<CaptureRequest>({});
  r.command = {win::test::helper_path("write_bytes").str(), "300000", "20"};
  r.max_output_bytes = 1000;
  const CaptureResult result = run_capture_for_permission_profile(r);
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.stdout_truncated);
  EXPECT_TRUE(has_record(take_records(), R"(; stdout 300000 bytes, stderr 20 bytes\n$)"));
}

TEST_F(LoggingTest, PipeSessionLogsEachStepWithItsDurationAndTheExit) {
  Session session = spawn_session_for_permission_profile(request<SessionRequest>({"5"}));
  ASSERT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(5));
  const std::string log = take_records();
  EXPECT_TRUE(has_record(log, launch_steps_pattern(R"(\d+ ACE\(s\) written, \d+ unchanged)")));
  EXPECT_TRUE(has_record(
      log, R"(\ndebug: exit code 5 after \d+\.\d ms; stdout 3 bytes, stderr 3 bytes\n$)"));
  // Once: a second wait does not log the exit again.
  ASSERT_EQ(session.wait(milliseconds(0)), std::optional<std::int32_t>(5));
  EXPECT_EQ(take_records(), "");
}

TEST_F(LoggingTest, RefusalsAreLoggedAtInfoWithTheirCode) {
  CaptureRequest capture = request<CaptureRequest>({"0"});
  capture.profile = profile_from_json(win::test::read_restricting_profiles(workspace.path())[0]);
  EXPECT_THROW(run_capture_for_permission_profile(capture), Error);
  std::string log = take_records();
  EXPECT_TRUE(has_record(log, R"(\ninfo: admission failed after \d+\.\d ms\n)"));
  EXPECT_TRUE(has_record(log, R"(\ninfo: capture refused: elevated_backend_required: )"));

  SessionRequest session = request<SessionRequest>({"0"});
  session.profile = capture.profile;
  EXPECT_THROW(spawn_session_for_permission_profile(session), Error);
  EXPECT_TRUE(
      has_record(take_records(), R"(\ninfo: session refused: elevated_backend_required: )"));

  // The legacy adapters: a policy they cannot convert, logged once.
  const std::string cwd = win_path_of(workspace.path()).str();
  EXPECT_THROW(run_capture_for_policy("danger-full-access", cwd, request<CaptureRequest>({"0"})),
               Error);
  EXPECT_TRUE(has_record(take_records(), R"(^info: capture refused: invalid_policy: [^\n]*\n$)"));
  EXPECT_THROW(spawn_session_for_policy("danger-full-access", cwd, request<SessionRequest>({"0"})),
               Error);
  EXPECT_TRUE(has_record(take_records(), R"(^info: session refused: invalid_policy: [^\n]*\n$)"));
  // A command the legacy adapter converts but cannot find: the inner entry point's one record.
  CaptureRequest missing = request<CaptureRequest>({});
  missing.command = {"ws-no-such-program"};
  EXPECT_THROW(run_capture_for_policy("workspace-write", cwd, missing), Error);
  log = take_records();
  EXPECT_TRUE(has_record(log, R"(\ninfo: capture refused: command_not_found: [^\n]*\n$)"));
  EXPECT_FALSE(has_record(log, R"(refused[\s\S]*refused)"));
}

}  // namespace
}  // namespace winsandbox
