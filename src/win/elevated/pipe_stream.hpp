// Frame transport over one overlapped named-pipe handle, for both ends of the runner IPC: the
// parent's server ends and the runner's client ends. Reads and writes never block beyond what
// the caller allows: a read waits in slices and asks the caller between them (a deadline, a
// cancellation, the peer process exiting); a write gives up when the peer process exits.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <windows.h>

#include "win/handles.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox::win {

// ByteReader over a pipe handle opened with FILE_FLAG_OVERLAPPED (which it does not own).
class PipeByteReader final : public ByteReader {
public:
  // `what` names the pipe in errors ("runner output pipe"). With `buffer_bytes` > 0 each read
  // from the pipe asks for up to that much and serves later reads from what came in (one
  // ReadFile for many small frames); the reader must then be the pipe's only reader for as long
  // as the stream is read. 0: every read_some is one ReadFile of exactly what was asked.
  PipeByteReader(HANDLE pipe, std::string what, std::size_t buffer_bytes = 0);
  PipeByteReader(const PipeByteReader&) = delete;
  PipeByteReader& operator=(const PipeByteReader&) = delete;

  // While a read waits, `idle` runs every `every`; it may throw to abandon the read (the read is
  // cancelled first, so nothing is left in flight), and the exception propagates out of
  // read_some.
  void set_idle(std::chrono::milliseconds every, std::function<void()> idle);

  // At least one byte, or 0 when the writer closed its end (end of file, broken pipe). Throws
  // Error(win32_call_failed) for any other failure.
  std::size_t read_some(std::span<char> buffer) override;

private:
  // One ReadFile into `buffer`, waiting as set_idle says.
  std::size_t read_pipe(std::span<char> buffer);

  HANDLE pipe_;
  std::string what_;
  UniqueHandle event_;
  std::chrono::milliseconds every_{INFINITE};
  std::function<void()> idle_;
  std::string buffer_;  // buffer_bytes long; [begin_, end_) not yet handed out
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// ByteWriter over a pipe handle opened with FILE_FLAG_OVERLAPPED (which it does not own).
class PipeByteWriter final : public ByteWriter {
public:
  // `peer_process` (may be null): the process reading the other end; a write waiting on it ends
  // with Error(runner_failed) once it has exited. `limit`: all writes through this writer must
  // be taken within it, counted from construction, or the one in flight is cancelled and
  // write_all throws Error(runner_failed) (the stream may then end mid-frame).
  PipeByteWriter(HANDLE pipe, std::string what, HANDLE peer_process = nullptr,
                 std::optional<std::chrono::milliseconds> limit = std::nullopt);
  PipeByteWriter(const PipeByteWriter&) = delete;
  PipeByteWriter& operator=(const PipeByteWriter&) = delete;

  // All of `bytes`, or throws: Error(runner_failed) when the reader went away (broken pipe, the
  // peer exited), Error(win32_call_failed) otherwise.
  void write_all(std::string_view bytes) override;

private:
  HANDLE pipe_;
  std::string what_;
  HANDLE peer_process_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  UniqueHandle event_;
};

}  // namespace winsandbox::win
