// Overlapped reading and writing of pipe ends, driven by a caller's wait loop: each object
// exposes an event to wait on and a `on_signaled()` to call when it fires. Nothing here blocks
// except the destructors, which cancel pending I/O and wait for the cancellation (the OVERLAPPED
// and the buffer must outlive the I/O the system still owns).
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include <windows.h>

#include "win/handles.hpp"

namespace winsandbox::win {

// A manual-reset event for an OVERLAPPED, initially not signalled; throws on failure.
UniqueHandle make_manual_reset_event();

// The peer closed its end of a pipe (or never had one): end-of-file for a reader, "stop
// writing" for a writer.
bool is_pipe_peer_gone(DWORD error) noexcept;

// Cancels the operation `overlapped` describes on `handle` and waits until the system has let
// go of it (its OVERLAPPED and buffer may then be freed).
void cancel_io_and_wait(HANDLE handle, OVERLAPPED& overlapped) noexcept;

namespace detail {

// The state machine OverlappedReader and OverlappedWriter share: at most one overlapped
// operation in flight on a pipe end opened with FILE_FLAG_OVERLAPPED, signalled through a
// manual-reset event. The peer going away (broken pipe, end-of-file) finishes it quietly: the
// pipe is closed and done() turns true. Any other failure throws a win32_error naming `what`.
class OverlappedOperation {
public:
  // `what` names the operation in errors, e.g. "ReadFile(child output)"; a string literal.
  OverlappedOperation(UniqueHandle pipe, const char* what);
  // Cancels the operation in flight, if any.
  ~OverlappedOperation();
  OverlappedOperation(const OverlappedOperation&) = delete;
  OverlappedOperation& operator=(const OverlappedOperation&) = delete;

  // Issue one operation unless done(). `buffer` / `data` must stay valid until it completes or
  // is cancelled.
  void read(void* buffer, DWORD size);
  void write(const void* data, DWORD size);
  // Collects the operation in flight (its event fired): the bytes it moved, or nullopt when
  // nothing completed (a spurious wake-up, or the peer went away: see done()).
  std::optional<DWORD> complete();
  // Closes the pipe without cancelling anything (nothing may be in flight).
  void finish() noexcept;
  // Cancels the operation in flight, waits until the system has let go of it, then finishes.
  void cancel() noexcept;

  bool done() const noexcept { return done_; }
  bool pending() const noexcept { return pending_; }
  HANDLE event() const noexcept { return event_.get(); }

private:
  OVERLAPPED* prepare() noexcept;
  // Handles the immediate result of ReadFile / WriteFile.
  void started(BOOL ok);

  UniqueHandle pipe_;
  UniqueHandle event_;
  const char* what_;
  OVERLAPPED overlapped_{};
  bool pending_ = false;
  bool done_ = false;
};

}  // namespace detail

// What OverlappedReader and OverlappedWriter show the caller's wait loop.
class OverlappedPipeIo {
public:
  OverlappedPipeIo(const OverlappedPipeIo&) = delete;
  OverlappedPipeIo& operator=(const OverlappedPipeIo&) = delete;

  // True once the peer went away (end-of-file, broken pipe) or stop() was called.
  bool done() const noexcept { return operation_.done(); }
  // The event to wait on while an operation is in flight (manual reset).
  HANDLE event() const noexcept { return operation_.event(); }
  bool pending() const noexcept { return operation_.pending(); }
  // Cancels any operation in flight and closes the pipe.
  void stop() noexcept { operation_.cancel(); }

protected:
  OverlappedPipeIo(UniqueHandle pipe, const char* what) : operation_(std::move(pipe), what) {}
  // Derived classes call stop() in their own destructor: the operation in flight must be
  // cancelled before their buffers go, and base members are destroyed after theirs.
  ~OverlappedPipeIo() = default;

  detail::OverlappedOperation operation_;
};

// Reads a pipe end opened with FILE_FLAG_OVERLAPPED until end-of-file, handing each non-empty
// chunk to `on_chunk`.
class OverlappedReader : public OverlappedPipeIo {
public:
  using ChunkHandler = std::function<void(std::string_view)>;
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  OverlappedReader(UniqueHandle pipe, ChunkHandler on_chunk);
  ~OverlappedReader();

  // Issues the first read. Separate from the constructor so a failure surfaces as an exception
  // from a fully built object.
  void start();
  // Completes the read in flight (its event fired) and issues the next one.
  void on_signaled();

private:
  void issue_read();

  ChunkHandler on_chunk_;
  std::array<char, kChunkBytes> buffer_{};
};

// Writes `data` (which must stay valid until done() or destruction) to a pipe end opened with
// FILE_FLAG_OVERLAPPED, then closes the pipe so the reader sees end-of-file. A reader that goes
// away early (broken pipe) ends the writing quietly: the rest of the data is dropped.
class OverlappedWriter : public OverlappedPipeIo {
public:
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  OverlappedWriter(UniqueHandle pipe, std::string_view data);
  ~OverlappedWriter();

  void start();
  void on_signaled();

private:
  void issue_write();

  std::string_view remaining_;
};

}  // namespace winsandbox::win
