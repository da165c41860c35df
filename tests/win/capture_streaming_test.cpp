// Streaming output of the capture API (CaptureRequest::on_stdout / on_stderr): every byte
// reaches the callbacks in order while max_output_bytes bounds only the copy kept in the
// result, and a throwing callback ends the capture. Runs the helper programs sandboxed (under
// Wine nothing is enforced; only the output path is checked here).
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "plan/plan_test_support.hpp"  // testing::ScratchDir
#include "win_test_support.hpp"
#include "winsandbox/capture.hpp"

namespace winsandbox {
namespace {

using std::chrono::milliseconds;
using win::test::expected_pattern;
using win::test::win_path_of;

class CaptureStreamingTest : public ::testing::Test {
protected:
  CaptureRequest request(std::string_view name, std::vector<std::string> args = {}) {
    CaptureRequest r;
    win::test::fill_sandboxed_request(r, win_path_of(workspace.path()), home.path(), name,
                                      std::move(args));
    r.timeout = milliseconds(120000);
    return r;
  }

  testing::ScratchDir workspace;
  testing::ScratchDir home;
};

// More than the default cap on both streams, interleaved by the helper in 16 KiB pieces.
constexpr std::size_t kStdoutBytes = 3 * 1024 * 1024 + 123;
constexpr std::size_t kStderrBytes = 1024 * 1024 + 4567;

TEST_F(CaptureStreamingTest, CallbacksSeeEveryByteInOrderWhileTheResultKeepsOnlyTheCap) {
  CaptureRequest r =
      request("write_bytes", {std::to_string(kStdoutBytes), std::to_string(kStderrBytes)});
  r.max_output_bytes = 1000;
  std::string streamed_out;
  std::string streamed_err;
  std::size_t out_chunks = 0;
  bool saw_empty_chunk = false;
  r.on_stdout = [&](std::string_view chunk) {
    saw_empty_chunk |= chunk.empty();
    ++out_chunks;
    streamed_out.append(chunk);
  };
  r.on_stderr = [&](std::string_view chunk) {
    saw_empty_chunk |= chunk.empty();
    streamed_err.append(chunk);
  };

  const CaptureResult result = run_capture_for_permission_profile(r);

  ASSERT_EQ(result.exit_code, 0);
  EXPECT_FALSE(saw_empty_chunk);
  EXPECT_GT(out_chunks, 1u);  // delivered piecewise, not once at the end
  ASSERT_EQ(streamed_out.size(), kStdoutBytes);
  ASSERT_EQ(streamed_err.size(), kStderrBytes);
  EXPECT_TRUE(streamed_out == expected_pattern('a', kStdoutBytes));
  EXPECT_TRUE(streamed_err == expected_pattern('A', kStderrBytes));
  // The cap bounds the kept copy only.
  EXPECT_EQ(result.stdout_bytes, expected_pattern('a', 1000));
  EXPECT_EQ(result.stderr_bytes, expected_pattern('A', 1000));
  EXPECT_TRUE(result.stdout_truncated);
  EXPECT_TRUE(result.stderr_truncated);
}

TEST_F(CaptureStreamingTest, ZeroCapKeepsNothingAndStillStreamsEverything) {
  CaptureRequest r = request("write_bytes", {"70000", "5"});
  r.max_output_bytes = 0;
  std::string streamed_out;
  std::string streamed_err;
  r.on_stdout = [&](std::string_view chunk) { streamed_out.append(chunk); };
  r.on_stderr = [&](std::string_view chunk) { streamed_err.append(chunk); };

  const CaptureResult result = run_capture_for_permission_profile(r);

  ASSERT_EQ(result.exit_code, 0);
  EXPECT_TRUE(streamed_out == expected_pattern('a', 70000));
  EXPECT_EQ(streamed_err, "ABCDE");
  EXPECT_EQ(result.stdout_bytes, "");
  EXPECT_EQ(result.stderr_bytes, "");
  EXPECT_TRUE(result.stdout_truncated);
  EXPECT_TRUE(result.stderr_truncated);
}

TEST_F(CaptureStreamingTest, OnlyTheStreamWithACallbackIsStreamed) {
  CaptureRequest r = request("exit_code", {"7"});  // writes "out" and "err"
  std::string streamed_err;
  r.on_stderr = [&](std::string_view chunk) { streamed_err.append(chunk); };

  const CaptureResult result = run_capture_for_permission_profile(r);

  EXPECT_EQ(result.exit_code, 7);
  EXPECT_EQ(result.stdout_bytes, "out");
  EXPECT_EQ(streamed_err, "err");
  EXPECT_EQ(result.stderr_bytes, "err");  // under the default cap the copy is kept too
  EXPECT_FALSE(result.stderr_truncated);
}

TEST_F(CaptureStreamingTest, AThrowingCallbackEndsTheCaptureAndPropagates) {
  // Without the throw the helper and its grandchild would sleep for a minute.
  CaptureRequest r = request("spawn_grandchild", {"60000", "60000"});
  std::string streamed;
  r.on_stdout = [&](std::string_view chunk) {
    streamed.append(chunk);
    throw std::runtime_error("reader gone");
  };

  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(
      {
        try {
          (void)run_capture_for_permission_profile(r);
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "reader gone");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(30000));
  ASSERT_FALSE(streamed.empty());
  // The tree is gone with the capture: the grandchild whose pid was streamed first.
  const DWORD pid = win::test::grandchild_pid(streamed);
  EXPECT_TRUE(win::test::process_is_gone(pid, milliseconds(10000)));
}

}  // namespace
}  // namespace winsandbox
