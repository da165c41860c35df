#include "win/overlapped_io.hpp"

#include <algorithm>

#include "win/win32_error.hpp"

namespace winsandbox::win {

UniqueHandle make_manual_reset_event() {
  UniqueHandle event(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!event) throw_last_error("CreateEventW");
  return event;
}

void cancel_io_and_wait(HANDLE handle, OVERLAPPED& overlapped) noexcept {
  CancelIoEx(handle, &overlapped);
  DWORD transferred = 0;
  GetOverlappedResult(handle, &overlapped, &transferred, TRUE);
}

bool is_pipe_peer_gone(DWORD error) noexcept {
  return error == ERROR_BROKEN_PIPE || error == ERROR_PIPE_NOT_CONNECTED ||
         error == ERROR_NO_DATA || error == ERROR_HANDLE_EOF;
}

namespace detail {

OverlappedOperation::OverlappedOperation(UniqueHandle pipe, const char* what)
    : pipe_(std::move(pipe)), event_(make_manual_reset_event()), what_(what) {}

OverlappedOperation::~OverlappedOperation() {
  cancel();
}

OVERLAPPED* OverlappedOperation::prepare() noexcept {
  overlapped_ = OVERLAPPED{};
  overlapped_.hEvent = event_.get();
  return &overlapped_;
}

void OverlappedOperation::read(void* buffer, DWORD size) {
  if (done_) return;
  started(ReadFile(pipe_.get(), buffer, size, nullptr, prepare()));
}

void OverlappedOperation::write(const void* data, DWORD size) {
  if (done_) return;
  started(WriteFile(pipe_.get(), data, size, nullptr, prepare()));
}

void OverlappedOperation::started(BOOL ok) {
  if (ok) {
    // Completed at once. Its event is set as for any completion; collect it from the wait loop
    // like the others so one busy stream cannot starve the rest.
    pending_ = true;
    SetEvent(event_.get());
    return;
  }
  const DWORD error = GetLastError();
  if (error == ERROR_IO_PENDING) {
    pending_ = true;
  } else if (is_pipe_peer_gone(error)) {
    finish();
  } else {
    throw win32_error(what_, error);
  }
}

std::optional<DWORD> OverlappedOperation::complete() {
  if (!pending_) return std::nullopt;
  DWORD transferred = 0;
  const BOOL ok = GetOverlappedResult(pipe_.get(), &overlapped_, &transferred, FALSE);
  const DWORD error = ok ? ERROR_SUCCESS : GetLastError();
  if (!ok && error == ERROR_IO_INCOMPLETE) return std::nullopt;  // spurious wake-up
  pending_ = false;
  ResetEvent(event_.get());
  if (!ok) {
    if (is_pipe_peer_gone(error) || error == ERROR_OPERATION_ABORTED) {
      finish();
      return std::nullopt;
    }
    throw win32_error(what_, error);
  }
  return transferred;
}

void OverlappedOperation::finish() noexcept {
  done_ = true;
  pending_ = false;
  pipe_.reset();
}

void OverlappedOperation::cancel() noexcept {
  if (pending_) cancel_io_and_wait(pipe_.get(), overlapped_);
  finish();
}

}  // namespace detail

OverlappedReader::OverlappedReader(UniqueHandle pipe, ChunkHandler on_chunk)
    : OverlappedPipeIo(std::move(pipe), "ReadFile(child output)"), on_chunk_(std::move(on_chunk)) {}

OverlappedReader::~OverlappedReader() {
  stop();
}

void OverlappedReader::start() {
  issue_read();
}

void OverlappedReader::issue_read() {
  operation_.read(buffer_.data(), static_cast<DWORD>(buffer_.size()));
}

void OverlappedReader::on_signaled() {
  const std::optional<DWORD> transferred = operation_.complete();
  if (!transferred) return;
  // A zero-byte completion is a zero-byte write by the peer, not end-of-file.
  if (*transferred > 0) on_chunk_(std::string_view(buffer_.data(), *transferred));
  issue_read();
}

OverlappedWriter::OverlappedWriter(UniqueHandle pipe, std::string_view data)
    : OverlappedPipeIo(std::move(pipe), "WriteFile(child input)"), remaining_(data) {}

OverlappedWriter::~OverlappedWriter() {
  stop();
}

void OverlappedWriter::start() {
  issue_write();
}

void OverlappedWriter::issue_write() {
  if (operation_.done()) return;
  if (remaining_.empty()) {
    operation_.finish();  // closing our end is the child's end-of-file
    return;
  }
  const DWORD chunk = static_cast<DWORD>(std::min(remaining_.size(), kChunkBytes));
  operation_.write(remaining_.data(), chunk);
}

void OverlappedWriter::on_signaled() {
  const std::optional<DWORD> transferred = operation_.complete();
  if (!transferred) return;
  remaining_.remove_prefix(std::min<std::size_t>(*transferred, remaining_.size()));
  issue_write();
}

}  // namespace winsandbox::win
