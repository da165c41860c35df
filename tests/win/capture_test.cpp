// The capture engine end to end: real child processes (tests/win/helpers), real pipes and jobs.
#include "win/capture.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "win/job.hpp"
#include "win/random.hpp"
#include "win/token.hpp"
#include "win_test_support.hpp"

namespace winsandbox::win {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using test::helper_request;

// How far beyond its nominal bound a timed wait may run on a loaded machine (Wine included)
// before a test calls it a failure.
constexpr milliseconds kSchedulingSlack{3000};
// Tests whose child would otherwise run for a minute check that the capture returned well before
// that: start-up of a few processes under a loaded Wine can take seconds, a minute it cannot.
constexpr milliseconds kFarBeforeTheChildsMinute{30000};

milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

std::string without_lines_starting_with(const std::string& text,
                                        const std::vector<std::string>& prefixes) {
  std::string kept;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size() - 1);
    const std::string line = text.substr(pos, end - pos + 1);
    const bool drop = std::any_of(prefixes.begin(), prefixes.end(),
                                  [&](const std::string& p) { return line.rfind(p, 0) == 0; });
    if (!drop) kept += line;
    pos = end + 1;
  }
  return kept;
}

TEST(Capture, KeepsStdoutAndStderrApart) {
  const CaptureResult result = run_capture(helper_request("write_bytes", {"1000", "700"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_bytes, test::expected_pattern('a', 1000));
  EXPECT_EQ(result.stderr_bytes, test::expected_pattern('A', 700));
  EXPECT_FALSE(result.stdout_truncated);
  EXPECT_FALSE(result.stderr_truncated);
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(result.cancelled);
}

TEST(Capture, ReportsExitCodesAsSigned32Bit) {
  const std::pair<const char*, std::int32_t> cases[] = {
      {"0", 0}, {"1", 1}, {"255", 255}, {"0xC0000005", -1073741819},  // STATUS_ACCESS_VIOLATION
  };
  for (const auto& [argument, expected] : cases) {
    SCOPED_TRACE(argument);
    const CaptureResult result = run_capture(helper_request("exit_code", {argument}));
    EXPECT_EQ(result.exit_code, expected);
    EXPECT_EQ(result.stdout_bytes, "out");
    EXPECT_EQ(result.stderr_bytes, "err");
    EXPECT_FALSE(result.timed_out);
  }
}

TEST(Capture, ChildSeesTheArgvWeQuoted) {
  const std::vector<std::string> args{
      "plain",      "two words",
      "",           "quote\"inside",
      "trailing\\", "back\\\\slash \\\"q\"",
      "tab\there",  "J\xC3\xBCrgen \xE6\x96\x87 \xF0\x9F\x98\x80",  // ü 文 😀
  };
  CaptureRequest request = helper_request("print_argv", args);
  const CaptureResult result = run_capture(request);
  ASSERT_EQ(result.exit_code, 0) << result.stderr_bytes;
  std::string expected = request.application.str() + "\n";
  for (const auto& arg : args) expected += arg + "\n";
  EXPECT_EQ(result.stdout_bytes, expected);
}

TEST(Capture, FeedsStdinBytesThenEndOfFile) {
  // More than a pipe buffer, with every byte value, CR/LF and NUL included.
  std::string input;
  for (int i = 0; i < 300 * 1024; ++i) input.push_back(static_cast<char>((i * 7 + i / 256) & 0xFF));
  input.append("\r\n\n\0end", 8);
  CaptureRequest request = helper_request("echo_stdin");
  request.stdin_bytes = input;
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_bytes.size(), input.size());
  EXPECT_TRUE(result.stdout_bytes == input) << "stdin bytes came back altered";
  EXPECT_EQ(result.stderr_bytes, std::to_string(input.size()));
}

TEST(Capture, WithoutStdinBytesTheChildReadsEndOfFile) {
  const CaptureResult result = run_capture(helper_request("echo_stdin"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_bytes, "");
  EXPECT_EQ(result.stderr_bytes, "0");
}

TEST(Capture, ChildThatNeverReadsStdinDoesNotBlockUs) {
  CaptureRequest request = helper_request("sleep", {"200"});
  request.stdin_bytes = std::string(8 * 1024 * 1024, 'x');  // far beyond any pipe buffer
  request.timeout = milliseconds(60000);
  const auto start = Clock::now();
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_FALSE(result.timed_out);
  EXPECT_LT(elapsed_since(start), kFarBeforeTheChildsMinute);
}

TEST(Capture, ChildGetsExactlyTheRequestedCwdAndEnvironment) {
  // A working directory with non-ASCII characters, created for this test.
  wchar_t temp[MAX_PATH];
  ASSERT_GT(GetTempPathW(MAX_PATH, temp), 0u);
  const WinPath cwd =
      WinPath::parse(to_utf8(temp)).join("winsandbox cwd \xC3\xA9\xE6\x96\x87 " + random_hex(4));
  ASSERT_TRUE(CreateDirectoryW(to_wide(cwd.str()).c_str(), nullptr)) << GetLastError();

  CaptureRequest request = helper_request("print_env");
  request.cwd = cwd;
  request.environment = test::base_environment({
      "zeta=last",
      "Alpha=1",
      "_under=score",
      "beta=\xC3\xBC \xE6\x96\x87 \xF0\x9F\x98\x80",
      "EMPTY=",
      "with=equals=sign",
  });
  const CaptureResult result = run_capture(request);
  RemoveDirectoryW(to_wide(cwd.str()).c_str());
  ASSERT_EQ(result.exit_code, 0) << result.stderr_bytes;

  // Block order is the sorted order we sent: case-insensitive by upper-case folding, so `_`
  // (0x5F) sorts after every letter.
  std::string expected = "cwd=" + cwd.str() + "\n";
  expected += "Alpha=1\n";
  expected += "beta=\xC3\xBC \xE6\x96\x87 \xF0\x9F\x98\x80\n";
  expected += "EMPTY=\n";
  if (auto root = request.environment.get("SystemRoot")) {
    expected += "SystemRoot=" + std::string(*root) + "\n";
  }
  expected += "with=equals=sign\n";
  expected += "zeta=last\n";
  expected += "_under=score\n";

  std::string actual = result.stdout_bytes;
  if (test::running_under_wine()) {
    // Wine's process start-up writes SystemRoot and SystemDrive itself (appended at the end of
    // the block) and may add WINE* variables. Windows adds nothing, so there the check is exact.
    actual = without_lines_starting_with(actual, {"SystemRoot=", "SystemDrive=", "WINE"});
    expected = without_lines_starting_with(expected, {"SystemRoot="});
  }
  EXPECT_EQ(actual, expected);
}

TEST(Capture, TwentyMegabytesPerStreamWithoutDeadlockCapHonoured) {
  constexpr std::size_t kTotal = 20 * 1024 * 1024;
  constexpr std::size_t kCap = 1024 * 1024;
  CaptureRequest request =
      helper_request("write_bytes", {std::to_string(kTotal), std::to_string(kTotal)});
  request.max_output_bytes = kCap;
  request.timeout = milliseconds(120000);
  const CaptureResult result = run_capture(request);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 0);  // the child wrote everything: we kept reading past the cap
  ASSERT_EQ(result.stdout_bytes.size(), kCap);
  ASSERT_EQ(result.stderr_bytes.size(), kCap);
  EXPECT_TRUE(result.stdout_bytes == test::expected_pattern('a', kCap));
  EXPECT_TRUE(result.stderr_bytes == test::expected_pattern('A', kCap));
  EXPECT_TRUE(result.stdout_truncated);
  EXPECT_TRUE(result.stderr_truncated);
}

TEST(Capture, OutputExactlyAtTheCapIsNotTruncated) {
  CaptureRequest request = helper_request("write_bytes", {"4096", "4097"});
  request.max_output_bytes = 4096;
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.stdout_bytes, test::expected_pattern('a', 4096));
  EXPECT_FALSE(result.stdout_truncated);
  EXPECT_EQ(result.stderr_bytes, test::expected_pattern('A', 4096));
  EXPECT_TRUE(result.stderr_truncated);
}

TEST(Capture, LargeOutputBelowTheCapIsKeptWhole) {
  constexpr std::size_t kTotal = 6 * 1024 * 1024;
  CaptureRequest request = helper_request("write_bytes", {std::to_string(kTotal), "10"});
  request.max_output_bytes = std::numeric_limits<std::size_t>::max();
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.stdout_bytes == test::expected_pattern('a', kTotal));
  EXPECT_EQ(result.stderr_bytes, test::expected_pattern('A', 10));
  EXPECT_FALSE(result.stdout_truncated);
}

TEST(Capture, TimeoutKillsTheWholeTreeAndReports192) {
  // The grandchild inherits the stdout pipe, so the capture can only finish once it is gone too.
  // The timeout leaves the helper ample time to start its grandchild even on a loaded machine.
  constexpr milliseconds kTimeout{4000};
  CaptureRequest request = helper_request("spawn_grandchild", {"60000", "60000"});
  request.timeout = kTimeout;
  const auto start = Clock::now();
  const CaptureResult result = run_capture(request);
  const milliseconds took = elapsed_since(start);

  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.cancelled);
  EXPECT_EQ(result.exit_code, kTimeoutExitCode);
  EXPECT_GE(took, kTimeout);
  EXPECT_LT(took, kTimeout + kPostKillDrain + kSchedulingSlack);
  const DWORD grandchild = test::grandchild_pid(result.stdout_bytes);
  EXPECT_TRUE(test::process_is_gone(grandchild, milliseconds(5000)))
      << "grandchild " << grandchild << " survived the timeout";
}

TEST(Capture, CancellationKillsTheTreeAndReportsExitCode1) {
  // Cancel once the grandchild exists (the helper creates `ready` after starting it) and the
  // callback has been polled ten times.
  wchar_t temp[MAX_PATH];
  ASSERT_GT(GetTempPathW(MAX_PATH, temp), 0u);
  const std::string ready = to_utf8(temp) + "winsandbox-ready-" + random_hex(8);
  CaptureRequest request = helper_request("spawn_grandchild", {"60000", "60000", ready});
  request.timeout = milliseconds(120000);
  std::vector<Clock::time_point> polls;
  request.cancel_requested = [&] {
    polls.push_back(Clock::now());
    const bool grandchild_started =
        GetFileAttributesW(to_wide(ready).c_str()) != INVALID_FILE_ATTRIBUTES;
    return grandchild_started && polls.size() >= 10;
  };
  const auto start = Clock::now();
  const CaptureResult result = run_capture(request);
  const milliseconds took = elapsed_since(start);
  DeleteFileW(to_wide(ready).c_str());

  EXPECT_TRUE(result.cancelled);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 1);
  ASSERT_GE(polls.size(), 10u);
  // Returned within the post-kill bound of the cancelling poll.
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(Clock::now() - polls.back()),
            kPostKillDrain + kSchedulingSlack);
  EXPECT_LT(took, milliseconds(120000));
  // Polled on a timer (~kCancelPollInterval apart), not in a busy loop: ten polls span at least
  // nine intervals, give or take timer granularity.
  EXPECT_GE(std::chrono::duration_cast<milliseconds>(polls.back() - polls.front()),
            9 * kCancelPollInterval - milliseconds(50));
  const DWORD grandchild = test::grandchild_pid(result.stdout_bytes);
  EXPECT_TRUE(test::process_is_gone(grandchild, milliseconds(5000)));
}

TEST(Capture, NormalExitOfTheRootEndsItsDescendantsByDefault) {
  CaptureRequest request = helper_request("spawn_grandchild", {"60000", "0"});
  request.timeout = milliseconds(60000);
  const auto start = Clock::now();
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_FALSE(result.timed_out);
  EXPECT_LT(elapsed_since(start), kFarBeforeTheChildsMinute) << "waited for the grandchild";
  const DWORD grandchild = test::grandchild_pid(result.stdout_bytes);
  EXPECT_TRUE(test::process_is_gone(grandchild, milliseconds(5000)));
}

TEST(Capture, DescendantsSurviveANormalExitWhenAsked) {
  CaptureRequest request = helper_request("spawn_grandchild", {"60000", "0"});
  request.timeout = milliseconds(60000);
  request.descendants_survive_root_exit = true;
  request.post_exit_drain = milliseconds(500);
  const auto start = Clock::now();
  const CaptureResult result = run_capture(request);
  // The grandchild still holds the stdout pipe: the capture ends after the drain period, not
  // when the grandchild does.
  const milliseconds took = elapsed_since(start);
  EXPECT_GE(took, request.post_exit_drain);
  EXPECT_LT(took, kFarBeforeTheChildsMinute) << "waited for the grandchild";
  EXPECT_EQ(result.exit_code, 0);
  const DWORD grandchild = test::grandchild_pid(result.stdout_bytes);
  EXPECT_FALSE(test::process_is_gone(grandchild)) << "the grandchild should still run";
  test::kill_process(grandchild);
}

TEST(Capture, AcceptsAnySixtyFourBitTimeout) {
  CaptureRequest request = helper_request("exit_code", {"7"});
  request.timeout = milliseconds(std::numeric_limits<milliseconds::rep>::max());
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_FALSE(result.timed_out);

  request.timeout = milliseconds(5'000'000'000LL);  // > 2^32 ms: no 32-bit truncation to ~705 ms
  const CaptureResult long_result = run_capture(request);
  EXPECT_EQ(long_result.exit_code, 7);
  EXPECT_FALSE(long_result.timed_out);
}

TEST(Capture, RejectsANegativeTimeout) {
  CaptureRequest request = helper_request("exit_code", {"0"});
  request.timeout = milliseconds(-1);
  EXPECT_WS_ERROR(run_capture(request), ErrorCode::invalid_argument, "timeout");
}

TEST(Capture, MissingProgramIsCommandNotFound) {
  CaptureRequest request = helper_request("exit_code", {"0"});
  request.application = test::test_binary_directory().join("no-such-program.exe");
  EXPECT_WS_ERROR(run_capture(request), ErrorCode::command_not_found, "no-such-program.exe");
}

TEST(Capture, RunsUnderTheRestrictedToken) {
  const UniqueHandle base = open_current_process_token();
  const SandboxToken token =
      create_restricted_token(base.get(), {.capability_sids = {"S-1-5-21-1111-2222-3333-4444"}});
  CaptureRequest request = helper_request("print_argv", {"restricted"});
  request.token = token;
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_bytes;
  EXPECT_EQ(result.stdout_bytes, request.application.str() + "\nrestricted\n");
}

TEST(Capture, RunsOnAPrivateDesktop) {
  CaptureRequest request = helper_request("print_argv", {"desktop"});
  request.use_private_desktop = true;
  const CaptureResult result = run_capture(request);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_bytes;
  EXPECT_EQ(result.stdout_bytes, request.application.str() + "\ndesktop\n");
}

}  // namespace
}  // namespace winsandbox::win
