#include "ipc/runner_input.hpp"

#include <string>
#include <variant>

#include "common/overloaded.hpp"

namespace winsandbox {
namespace {

// A failure of the child (it exited, its stdin is gone) must not end the loop: terminate and
// the end of the stream still have to reach it.
template <typename Action>
bool child_accepts(Action&& action) noexcept {
  try {
    action();
    return true;
  } catch (...) {
    return false;
  }
}

// Applies one frame; returns the protocol error when the frame has no place in the input.
std::optional<Error> apply(const IpcMessage& message, RunnerChildControl& child, bool& stdin_open) {
  return std::visit(
      Overloaded{
          [&](const IpcStdin& frame) -> std::optional<Error> {
            if (stdin_open && !child_accepts([&] { child.write_stdin(frame.data); })) {
              stdin_open = false;
              child_accepts([&] { child.close_stdin(); });
            }
            return std::nullopt;
          },
          [&](const IpcCloseStdin&) -> std::optional<Error> {
            if (stdin_open) child_accepts([&] { child.close_stdin(); });
            stdin_open = false;
            return std::nullopt;
          },
          [&](const IpcResize& frame) -> std::optional<Error> {
            child_accepts([&] { child.resize(frame.rows, frame.cols); });
            return std::nullopt;
          },
          [&](const IpcTerminate&) -> std::optional<Error> {
            child_accepts([&] { child.terminate(); });
            return std::nullopt;
          },
          [&](const auto&) -> std::optional<Error> {
            return Error(ErrorCode::ipc_malformed_message,
                         "the parent sent a `" + std::string(ipc_message_type(message)) +
                             "` frame after the spawn_request; only stdin, close_stdin, resize "
                             "and terminate may follow it");
          },
      },
      message);
}

}  // namespace

RunnerInputEnd pump_runner_input(FrameReader& in, RunnerChildControl& child) {
  RunnerInputEnd end;
  bool stdin_open = true;
  try {
    while (std::optional<IpcMessage> message = in.read()) {
      end.error = apply(*message, child, stdin_open);
      if (end.error) break;
    }
  } catch (const Error& error) {
    end.error = error;
  }
  child_accepts([&] { child.terminate(); });
  return end;
}

}  // namespace winsandbox
