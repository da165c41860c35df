// The runner's input loop (src/ipc/runner_input.hpp): every frame the parent may send after the
// spawn_request, the end of the stream, and the frames it must refuse.
#include "ipc/runner_input.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ipc/string_reader.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::StringReader;

// Records what the loop asked of the child; can be told to fail its stdin writes.
class RecordingChild final : public RunnerChildControl {
public:
  void write_stdin(std::string_view bytes) override {
    calls.push_back("stdin:" + std::string(bytes));
    if (fail_writes) throw Error(ErrorCode::win32_call_failed, "the child stopped reading");
  }
  void close_stdin() override { calls.push_back("close_stdin"); }
  void resize(std::uint16_t rows, std::uint16_t cols) override {
    calls.push_back("resize:" + std::to_string(rows) + "x" + std::to_string(cols));
    if (fail_resize) throw Error(ErrorCode::invalid_argument, "no pseudo console");
  }
  void terminate() override { calls.push_back("terminate"); }

  std::vector<std::string> calls;
  bool fail_writes = false;
  bool fail_resize = false;
};

std::string frames(const std::vector<IpcMessage>& messages) {
  std::string bytes;
  for (const auto& message : messages) bytes += encode_frame(message);
  return bytes;
}

RunnerInputEnd pump(const std::string& bytes, RecordingChild& child) {
  StringReader reader(bytes);
  FrameReader in(reader);
  return pump_runner_input(in, child);
}

TEST(RunnerInput, DeliversStdinCloseResizeTerminateThenEndsTheTreeAtEndOfStream) {
  RecordingChild child;
  const RunnerInputEnd end =
      pump(frames({IpcStdin{"ab"}, IpcStdin{std::string("\0\xff", 2)}, IpcResize{30, 100},
                   IpcCloseStdin{}, IpcStdin{"late"}, IpcTerminate{}}),
           child);
  EXPECT_FALSE(end.error.has_value());
  EXPECT_EQ(child.calls,
            (std::vector<std::string>{"stdin:ab", "stdin:" + std::string("\0\xff", 2),
                                      "resize:30x100", "close_stdin", "terminate", "terminate"}));
}

TEST(RunnerInput, AParentThatGoesAwayTakesTheChildWithIt) {
  RecordingChild child;
  EXPECT_FALSE(pump("", child).error.has_value());
  EXPECT_EQ(child.calls, std::vector<std::string>{"terminate"});
}

TEST(RunnerInput, AFailedStdinWriteClosesStdinAndTheLoopGoesOn) {
  RecordingChild child;
  child.fail_writes = true;
  child.fail_resize = true;
  const RunnerInputEnd end =
      pump(frames({IpcStdin{"x"}, IpcStdin{"y"}, IpcResize{1, 1}, IpcTerminate{}}), child);
  EXPECT_FALSE(end.error.has_value());
  EXPECT_EQ(child.calls, (std::vector<std::string>{"stdin:x", "close_stdin", "resize:1x1",
                                                   "terminate", "terminate"}));
}

TEST(RunnerInput, RefusesFramesThatHaveNoPlaceAfterTheSpawnRequest) {
  IpcSpawnRequest second;
  second.command = {"x"};
  second.cwd = second.permission_profile_cwd = "C:\\w";
  second.sandbox_home = second.real_sandbox_home = "C:\\h";
  second.cap_sids = {"S-1-5-21-1-2-3-4"};
  for (const IpcMessage& stray : std::vector<IpcMessage>{
           IpcSpawnReady{1}, IpcOutput{}, IpcExit{0, false}, IpcError{"m", "c"}, second}) {
    RecordingChild child;
    const RunnerInputEnd end = pump(frames({IpcStdin{"a"}, stray, IpcStdin{"never"}}), child);
    ASSERT_TRUE(end.error.has_value()) << ipc_message_type(stray);
    EXPECT_EQ(end.error->code(), ErrorCode::ipc_malformed_message);
    EXPECT_NE(std::string(end.error->what()).find(ipc_message_type(stray)), std::string::npos);
    EXPECT_EQ(child.calls, (std::vector<std::string>{"stdin:a", "terminate"}));
  }
}

TEST(RunnerInput, GarbageAndWrongVersionsEndTheLoopWithTheDecodeError) {
  RecordingChild garbage;
  const RunnerInputEnd bad = pump(std::string("\x03\x00\x00\x00{}x", 7), garbage);
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_EQ(bad.error->code(), ErrorCode::ipc_malformed_message);
  EXPECT_EQ(garbage.calls, std::vector<std::string>{"terminate"});

  std::string v1 = encode_frame(IpcCloseStdin{});
  v1[4 + std::string_view(v1).substr(4).find("\"version\":2") + 10] = '1';
  RecordingChild old;
  const RunnerInputEnd mismatch = pump(v1, old);
  ASSERT_TRUE(mismatch.error.has_value());
  EXPECT_EQ(mismatch.error->code(), ErrorCode::ipc_protocol_mismatch);

  RecordingChild cut;
  const RunnerInputEnd truncated = pump(encode_frame(IpcStdin{"abc"}).substr(0, 9), cut);
  ASSERT_TRUE(truncated.error.has_value());
  EXPECT_EQ(truncated.error->code(), ErrorCode::ipc_truncated_frame);
  EXPECT_EQ(cut.calls, std::vector<std::string>{"terminate"});
}

}  // namespace
}  // namespace winsandbox
