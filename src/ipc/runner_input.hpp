// The runner's input loop: what winsandbox-runner.exe does with the parent's frames after the
// spawn_request (docs/elevated.md#runner-frame-loop). Portable, so it is unit-tested natively
// and fuzzed; the runner binary supplies the child behind RunnerChildControl.
//
// | frame from the parent | what the runner does                                           |
// |-----------------------|----------------------------------------------------------------|
// | stdin                 | writes the bytes to the child's stdin (dropped once closed)     |
// | close_stdin           | closes the child's stdin                                        |
// | resize                | resizes the pseudo console (refused for a pipe child: ignored)  |
// | terminate             | ends the child's whole process tree (exit code 1)               |
// | end of stream         | the parent is gone or gave up: ends the child's tree, returns   |
// | anything else, or a   | a confused or hostile parent: ends the child's tree, returns    |
// | frame that fails to   | the error (the runner reports it and exits non-zero)            |
// | decode                |                                                                 |
//
// The parent keeps its end of the input pipe open until it has read `exit`; closing it early is
// how a parent that goes away (or is killed) takes its command with it — a runner never keeps a
// child running for nobody.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "winsandbox/error.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox {

// The runner's handle on its child, as the input loop drives it. Implementations must be safe
// to call from the input thread while the runner's main thread waits on the child.
class RunnerChildControl {
public:
  virtual ~RunnerChildControl() = default;
  // Writes all of `bytes` to the child's stdin; a child that stopped reading closes it.
  virtual void write_stdin(std::string_view bytes) = 0;
  virtual void close_stdin() = 0;
  virtual void resize(std::uint16_t rows, std::uint16_t cols) = 0;
  // Ends the child's whole process tree (exit code 1).
  virtual void terminate() = 0;
};

// Why pump_runner_input returned. The child's tree has been terminated in both cases.
struct RunnerInputEnd {
  // nullopt: the parent closed the pipe; otherwise the protocol error that ended the loop.
  std::optional<Error> error;
};

// Reads frames from `in` until the stream ends or a frame is refused (table above). Errors the
// child control throws (e.g. writing to a child that exited) are not protocol errors: they are
// swallowed, and stdin is closed after a failed write.
RunnerInputEnd pump_runner_input(FrameReader& in, RunnerChildControl& child);

}  // namespace winsandbox
