#include "win/overlapped_io.hpp"

#include <algorithm>

#include "win/win32_error.hpp"

namespace winsandbox::win {
namespace {

UniqueHandle make_manual_reset_event() {
  UniqueHandle event(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!event) throw_last_error("CreateEventW");
  return event;
}

// The peer closed its end (or never had one): end-of-file for a reader, "stop writing" for a
// writer.
bool is_peer_gone(DWORD error) {
  return error == ERROR_BROKEN_PIPE || error == ERROR_PIPE_NOT_CONNECTED ||
         error == ERROR_NO_DATA || error == ERROR_HANDLE_EOF;
}

// Cancels the I/O in flight on `pipe` and waits until the system has let go of `overlapped`.
void cancel_and_wait(HANDLE pipe, OVERLAPPED* overlapped) noexcept {
  CancelIoEx(pipe, overlapped);
  DWORD transferred = 0;
  GetOverlappedResult(pipe, overlapped, &transferred, TRUE);
}

}  // namespace

OverlappedReader::OverlappedReader(UniqueHandle pipe, ChunkHandler on_chunk)
    : pipe_(std::move(pipe)), event_(make_manual_reset_event()), on_chunk_(std::move(on_chunk)) {}

OverlappedReader::~OverlappedReader() {
  stop();
}

void OverlappedReader::start() {
  issue_read();
}

void OverlappedReader::issue_read() {
  if (done_) return;
  overlapped_ = OVERLAPPED{};
  overlapped_.hEvent = event_.get();
  if (ReadFile(pipe_.get(), buffer_.data(), static_cast<DWORD>(buffer_.size()), nullptr,
               &overlapped_)) {
    // Completed at once. Its event is set as for any completion; collect it from the wait loop
    // like the others so one busy stream cannot starve the rest.
    pending_ = true;
    SetEvent(event_.get());
    return;
  }
  const DWORD error = GetLastError();
  if (error == ERROR_IO_PENDING) {
    pending_ = true;
  } else if (is_peer_gone(error)) {
    finish();
  } else {
    throw win32_error("ReadFile(child output)", error);
  }
}

void OverlappedReader::on_signaled() {
  if (!pending_) return;
  DWORD transferred = 0;
  const BOOL ok = GetOverlappedResult(pipe_.get(), &overlapped_, &transferred, FALSE);
  const DWORD error = ok ? ERROR_SUCCESS : GetLastError();
  if (!ok && error == ERROR_IO_INCOMPLETE) return;  // spurious wake-up: still in flight
  pending_ = false;
  ResetEvent(event_.get());
  if (!ok) {
    if (is_peer_gone(error) || error == ERROR_OPERATION_ABORTED) {
      finish();
      return;
    }
    throw win32_error("ReadFile(child output)", error);
  }
  // A zero-byte completion is a zero-byte write by the peer, not end-of-file.
  if (transferred > 0) on_chunk_(std::string_view(buffer_.data(), transferred));
  issue_read();
}

void OverlappedReader::finish() noexcept {
  done_ = true;
  pending_ = false;
  pipe_.reset();
}

void OverlappedReader::stop() noexcept {
  if (pending_) cancel_and_wait(pipe_.get(), &overlapped_);
  finish();
}

OverlappedWriter::OverlappedWriter(UniqueHandle pipe, std::string_view data)
    : pipe_(std::move(pipe)), event_(make_manual_reset_event()), remaining_(data) {}

OverlappedWriter::~OverlappedWriter() {
  stop();
}

void OverlappedWriter::start() {
  issue_write();
}

void OverlappedWriter::issue_write() {
  if (done_) return;
  if (remaining_.empty()) {
    finish();  // closing our end is the child's end-of-file
    return;
  }
  overlapped_ = OVERLAPPED{};
  overlapped_.hEvent = event_.get();
  const DWORD chunk = static_cast<DWORD>(std::min(remaining_.size(), kChunkBytes));
  if (WriteFile(pipe_.get(), remaining_.data(), chunk, nullptr, &overlapped_)) {
    pending_ = true;
    SetEvent(event_.get());
    return;
  }
  const DWORD error = GetLastError();
  if (error == ERROR_IO_PENDING) {
    pending_ = true;
  } else if (is_peer_gone(error)) {
    finish();
  } else {
    throw win32_error("WriteFile(child input)", error);
  }
}

void OverlappedWriter::on_signaled() {
  if (!pending_) return;
  DWORD transferred = 0;
  const BOOL ok = GetOverlappedResult(pipe_.get(), &overlapped_, &transferred, FALSE);
  const DWORD error = ok ? ERROR_SUCCESS : GetLastError();
  if (!ok && error == ERROR_IO_INCOMPLETE) return;
  pending_ = false;
  ResetEvent(event_.get());
  if (!ok) {
    if (is_peer_gone(error) || error == ERROR_OPERATION_ABORTED) {
      finish();
      return;
    }
    throw win32_error("WriteFile(child input)", error);
  }
  remaining_.remove_prefix(std::min<std::size_t>(transferred, remaining_.size()));
  issue_write();
}

void OverlappedWriter::finish() noexcept {
  done_ = true;
  pending_ = false;
  pipe_.reset();
}

void OverlappedWriter::stop() noexcept {
  if (pending_) cancel_and_wait(pipe_.get(), &overlapped_);
  finish();
}

}  // namespace winsandbox::win
