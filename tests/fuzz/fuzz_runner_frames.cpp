// Fuzz target: the runner's frame loop — the first-frame handshake (read_spawn_request) and the
// input loop after it (pump_runner_input, src/ipc/runner_input.hpp), as winsandbox-runner.exe
// runs them on the bytes a parent (or anything that reached the pipe) sends.
//
// Input: raw bytes of the runner's input pipe. Properties:
// * the handshake either yields a spawn_request or fails with a documented ipc_* code (whose
//   error frame arrives with its code, stage and Windows error intact); a
//   first frame of any other type is refused;
// * the input loop never throws; it ends with no error exactly when the stream ends cleanly
//   between frames, otherwise with a documented ipc_* code;
// * what it asks of the child is exactly what an independent reading of the same frames says:
//   stdin bytes in order and never after close_stdin, resize and terminate as sent, and a final
//   terminate in every case (a runner never leaves a child running for nobody);
// * it stops at the first frame that has no place after the spawn_request.
#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "ipc/runner_input.hpp"
#include "ipc/runner_launch.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox::fuzz {
namespace {

class ViewReader final : public ByteReader {
public:
  explicit ViewReader(std::string_view bytes) : bytes_(bytes) {}
  std::size_t read_some(std::span<char> buffer) override {
    WS_FUZZ_CHECK(!buffer.empty(), "read_some called with an empty buffer");
    const std::size_t n = std::min(buffer.size(), bytes_.size() - offset_);
    std::memcpy(buffer.data(), bytes_.data() + offset_, n);
    offset_ += n;
    return n;
  }

private:
  std::string_view bytes_;
  std::size_t offset_ = 0;
};

// A child that records every call; its stdin "breaks" after a number of writes taken from the
// input, so the failure path is fuzzed too.
class RecordingChild final : public RunnerChildControl {
public:
  explicit RecordingChild(std::size_t writes_before_failure)
      : writes_left_(writes_before_failure) {}
  void write_stdin(std::string_view bytes) override {
    calls.push_back("stdin:" + std::string(bytes));
    if (writes_left_ == 0) throw Error(ErrorCode::win32_call_failed, "broken stdin");
    --writes_left_;
  }
  void close_stdin() override { calls.push_back("close_stdin"); }
  void resize(std::uint16_t rows, std::uint16_t cols) override {
    calls.push_back("resize:" + std::to_string(rows) + "x" + std::to_string(cols));
  }
  void terminate() override { calls.push_back("terminate"); }

  std::vector<std::string> calls;

private:
  std::size_t writes_left_;
};

// The calls the loop must make for `input`, read independently with FrameReader.
std::vector<std::string> expected_calls(std::string_view input, std::size_t writes_before_failure,
                                        bool& clean_end) {
  std::vector<std::string> calls;
  ViewReader reader(input);
  FrameReader frames(reader);
  bool stdin_open = true;
  clean_end = false;
  try {
    for (;;) {
      std::optional<IpcMessage> message = frames.read();
      if (!message) {
        clean_end = true;
        break;
      }
      if (const auto* in = std::get_if<IpcStdin>(&*message)) {
        if (!stdin_open) continue;
        calls.push_back("stdin:" + in->data);
        if (writes_before_failure == 0) {
          calls.push_back("close_stdin");
          stdin_open = false;
        } else {
          --writes_before_failure;
        }
      } else if (std::holds_alternative<IpcCloseStdin>(*message)) {
        if (stdin_open) calls.push_back("close_stdin");
        stdin_open = false;
      } else if (const auto* resize = std::get_if<IpcResize>(&*message)) {
        calls.push_back("resize:" + std::to_string(resize->rows) + "x" +
                        std::to_string(resize->cols));
      } else if (std::holds_alternative<IpcTerminate>(*message)) {
        calls.push_back("terminate");
      } else {
        break;
      }
    }
  } catch (const Error&) {
    // the loop reports it; the calls so far stand
  }
  calls.push_back("terminate");
  return calls;
}

}  // namespace

void check_runner_frames(std::string_view input) {
  // 1. The whole input as the runner's first read.
  {
    ViewReader reader(input);
    FrameReader frames(reader);
    try {
      const IpcSpawnRequest request = read_spawn_request(frames);
      WS_FUZZ_CHECK(decode_frame(encode_frame(request)) == IpcMessage(request),
                    escape_bytes(input));
    } catch (const Error& e) {
      require_documented(e, kIpcDecodeErrors, "read_spawn_request");
      // The error frame the runner sends reaches the parent with its code, stage and Windows
      // error intact. The message may quote the hostile input; bytes that are not UTF-8 are
      // replaced on the wire (dump_json), so only an ASCII message must arrive byte for byte.
      const IpcError error = runner_error(kRunnerStageHandshake, e);
      const IpcMessage sent = decode_frame(encode_frame(error));
      const auto* received = std::get_if<IpcError>(&sent);
      WS_FUZZ_CHECK(received != nullptr && received->code == error.code &&
                        received->stage == error.stage &&
                        received->windows_error == error.windows_error,
                    escape_bytes(input));
      const bool ascii = std::all_of(error.message.begin(), error.message.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      WS_FUZZ_CHECK(!ascii || received->message == error.message, escape_bytes(input));
    }
  }

  // 2. The input as what follows the spawn_request. The first byte picks when the child's
  //    stdin breaks (255: never).
  const std::size_t writes_before_failure = input.empty()
                                                ? SIZE_MAX
                                                : (static_cast<unsigned char>(input[0]) == 255
                                                       ? SIZE_MAX
                                                       : static_cast<unsigned char>(input[0]) % 4);
  const std::string_view stream = input.empty() ? input : input.substr(1);
  bool clean_end = false;
  const std::vector<std::string> expected =
      expected_calls(stream, writes_before_failure, clean_end);

  RecordingChild child(writes_before_failure);
  ViewReader reader(stream);
  FrameReader frames(reader);
  const RunnerInputEnd end = pump_runner_input(frames, child);
  WS_FUZZ_CHECK(end.error.has_value() != clean_end, escape_bytes(input));
  if (end.error) require_documented(*end.error, kIpcDecodeErrors, "pump_runner_input");
  WS_FUZZ_CHECK(child.calls == expected, escape_bytes(input));
  WS_FUZZ_CHECK(!child.calls.empty() && child.calls.back() == "terminate", escape_bytes(input));
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_runner_frames)
