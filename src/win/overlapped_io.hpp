// Overlapped reading and writing of pipe ends, driven by a caller's wait loop: each object
// exposes an event to wait on and a `on_signaled()` to call when it fires. Nothing here blocks
// except the destructors, which cancel pending I/O and wait for the cancellation (the OVERLAPPED
// and the buffer must outlive the I/O the system still owns).
#pragma once

#include <array>
#include <functional>
#include <string_view>

#include <windows.h>

#include "win/handles.hpp"

namespace winsandbox::win {

// Reads a pipe end opened with FILE_FLAG_OVERLAPPED until end-of-file, handing each non-empty
// chunk to `on_chunk`.
class OverlappedReader {
public:
  using ChunkHandler = std::function<void(std::string_view)>;
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  OverlappedReader(UniqueHandle pipe, ChunkHandler on_chunk);
  ~OverlappedReader();
  OverlappedReader(const OverlappedReader&) = delete;
  OverlappedReader& operator=(const OverlappedReader&) = delete;

  // Issues the first read. Separate from the constructor so a failure surfaces as an exception
  // from a fully built object.
  void start();
  // True once end-of-file was seen or stop() was called.
  bool done() const noexcept { return done_; }
  // The event to wait on while a read is in flight (manual reset).
  HANDLE event() const noexcept { return event_.get(); }
  bool pending() const noexcept { return pending_; }
  // Completes the read in flight (its event fired) and issues the next one.
  void on_signaled();
  // Cancels any read in flight and closes the pipe.
  void stop() noexcept;

private:
  void issue_read();
  void finish() noexcept;

  UniqueHandle pipe_;
  UniqueHandle event_;
  ChunkHandler on_chunk_;
  OVERLAPPED overlapped_{};
  std::array<char, kChunkBytes> buffer_{};
  bool pending_ = false;
  bool done_ = false;
};

// Writes `data` (which must stay valid until done() or destruction) to a pipe end opened with
// FILE_FLAG_OVERLAPPED, then closes the pipe so the reader sees end-of-file. A reader that goes
// away early (broken pipe) ends the writing quietly: the rest of the data is dropped.
class OverlappedWriter {
public:
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  OverlappedWriter(UniqueHandle pipe, std::string_view data);
  ~OverlappedWriter();
  OverlappedWriter(const OverlappedWriter&) = delete;
  OverlappedWriter& operator=(const OverlappedWriter&) = delete;

  void start();
  bool done() const noexcept { return done_; }
  HANDLE event() const noexcept { return event_.get(); }
  bool pending() const noexcept { return pending_; }
  void on_signaled();
  void stop() noexcept;

private:
  void issue_write();
  void finish() noexcept;

  UniqueHandle pipe_;
  UniqueHandle event_;
  std::string_view remaining_;
  OVERLAPPED overlapped_{};
  bool pending_ = false;
  bool done_ = false;
};

}  // namespace winsandbox::win
