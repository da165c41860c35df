// The capture engine: run one command to completion (or timeout / cancellation) and return its
// exit code and its stdout and stderr, each bounded. Behaviour: docs/execution.md#capture-engine
// with the fixes of docs/architecture.md#deliberate-differences (64-bit timeouts, bounded output).
//
// How it runs: one job per capture, three pipes (our ends overlapped), and one loop on the
// calling thread that waits on the process, every pending read and the pending stdin write at
// once. No stream can block another: output is always read (past the cap it is read and
// dropped, so the child never stalls on a full pipe), and stdin is written in chunks only as
// the child consumes it, so a child that never reads its stdin cannot hold us up either.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <windows.h>

#include "win/token.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox::win {

// Exit code reported for a timed-out capture (128 + 64, as the reference).
inline constexpr std::int32_t kTimeoutExitCode = 192;
// Default per-stream output cap (the reference's shell-tool cap).
inline constexpr std::size_t kDefaultMaxOutputBytes = 1024 * 1024;
// Period at which CaptureRequest::cancel_requested is polled while the command runs.
inline constexpr std::chrono::milliseconds kCancelPollInterval{50};
// After a timeout or cancellation kills the job: how long we still wait for the process to
// die and for output already in the pipes before returning regardless.
inline constexpr std::chrono::milliseconds kPostKillDrain{2000};

struct CaptureRequest {
  // The executable, absolute (no search).
  WinPath application;
  // The complete command line, UTF-8, already quoted (quote_command_line), argv[0] included.
  std::string command_line{};
  WinPath cwd;
  // The child's complete environment.
  Environment environment{};
  // Primary token to run the child with (create_restricted_token). Required, never null.
  SandboxTokenRef token;

  // nullopt: no time limit. Any non-negative 64-bit value is accepted; values beyond a century
  // mean "no limit".
  std::optional<std::chrono::milliseconds> timeout{};
  // Bytes for the child's stdin, after which it sees end-of-file. nullopt: stdin is at EOF
  // from the start.
  std::optional<std::string> stdin_bytes{};
  // Per-stream cap on what is kept; the rest is read and discarded and the stream flagged
  // truncated.
  std::size_t max_output_bytes = kDefaultMaxOutputBytes;
  // Optional: each chunk read from the child's stdout / stderr, all of it and in order, before
  // it is kept (capped) in the result; called on the calling thread. A throw ends the capture
  // (the job is killed when run_capture unwinds) and propagates.
  std::function<void(std::string_view)> on_stdout{};
  std::function<void(std::string_view)> on_stderr{};
  // Polled every kCancelPollInterval (on the calling thread) while the command runs; returning
  // true ends the whole process tree. May be empty.
  std::function<bool()> cancel_requested{};

  // What happens to processes the command started when the command itself exits normally:
  // false (default) ends them; true leaves them running (the job drops kill-on-close).
  bool descendants_survive_root_exit = false;
  // After the command exits normally, how long to keep reading output that processes still
  // holding the pipes write (only surviving descendants can; see above).
  std::chrono::milliseconds post_exit_drain{1000};
  // Run the child on a fresh private desktop instead of Winsta0\Default.
  bool use_private_desktop = false;
};

struct CaptureResult {
  // The child's exit code as a signed 32-bit value: an NTSTATUS such as 0xC0000005 reads as
  // -1073741819. kTimeoutExitCode when timed out; kJobKilledExitCode (1) when cancelled.
  std::int32_t exit_code = 0;
  std::string stdout_bytes;
  std::string stderr_bytes;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  bool timed_out = false;
  bool cancelled = false;
};

// Keeps the first `limit` bytes of a stream; flags the stream truncated when more arrive.
class BoundedSink {
public:
  BoundedSink(std::string& bytes, bool& truncated, std::size_t limit)
      : bytes_(bytes), truncated_(truncated), limit_(limit) {}

  void append(std::string_view chunk) {
    const std::size_t room = limit_ - std::min(limit_, bytes_.size());
    if (chunk.size() > room) truncated_ = true;
    bytes_.append(chunk.substr(0, room));
  }

private:
  std::string& bytes_;
  bool& truncated_;
  std::size_t limit_;
};

// Runs the request. Failures to start or run the command throw (Error codes as
// launch_process); the command's own failure is its exit code.
CaptureResult run_capture(const CaptureRequest& request);

}  // namespace winsandbox::win
