#include "win/elevated/pipe_stream.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "win/overlapped_io.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {
PipeByteReader::PipeByteReader(HANDLE pipe, std::string what, std::size_t buffer_bytes)
    : pipe_(pipe),
      what_(std::move(what)),
      event_(make_manual_reset_event()),
      buffer_(buffer_bytes, '\0') {}

void PipeByteReader::set_idle(std::chrono::milliseconds every, std::function<void()> idle) {
  every_ = every;
  idle_ = std::move(idle);
}

std::size_t PipeByteReader::read_some(std::span<char> buffer) {
  if (buffer.empty()) return 0;
  if (begin_ == end_ && (buffer_.empty() || buffer.size() >= buffer_.size())) {
    return read_pipe(buffer);  // unbuffered, or a read as large as the buffer: no extra copy
  }
  if (begin_ == end_) {
    begin_ = 0;
    end_ = read_pipe(std::span<char>(buffer_.data(), buffer_.size()));
    if (end_ == 0) return 0;
  }
  const std::size_t n = std::min(buffer.size(), end_ - begin_);
  std::memcpy(buffer.data(), buffer_.data() + begin_, n);
  begin_ += n;
  return n;
}

std::size_t PipeByteReader::read_pipe(std::span<char> buffer) {
  OVERLAPPED overlapped{};
  overlapped.hEvent = event_.get();
  ResetEvent(event_.get());
  const DWORD size = static_cast<DWORD>(std::min<std::size_t>(buffer.size(), 1u << 30));
  if (!ReadFile(pipe_, buffer.data(), size, nullptr, &overlapped)) {
    const DWORD error = GetLastError();
    if (is_pipe_peer_gone(error)) return 0;
    if (error != ERROR_IO_PENDING) throw win32_error("ReadFile(" + what_ + ")", error);
  }
  const DWORD slice =
      idle_ ? static_cast<DWORD>(std::clamp<long long>(every_.count(), 1, INFINITE - 1)) : INFINITE;
  for (;;) {
    const DWORD waited = WaitForSingleObject(event_.get(), slice);
    if (waited == WAIT_OBJECT_0) break;
    if (waited != WAIT_TIMEOUT) {
      const DWORD error = GetLastError();
      cancel_io_and_wait(pipe_, overlapped);  // the OVERLAPPED lives on this stack
      throw win32_error("WaitForSingleObject(" + what_ + ")", error);
    }
    try {
      idle_();
    } catch (...) {
      cancel_io_and_wait(pipe_, overlapped);
      throw;
    }
  }
  DWORD read = 0;
  if (!GetOverlappedResult(pipe_, &overlapped, &read, FALSE)) {
    const DWORD error = GetLastError();
    if (is_pipe_peer_gone(error)) return 0;
    throw win32_error("ReadFile(" + what_ + ")", error);
  }
  return read;  // a zero-byte message cannot occur on a byte-mode pipe
}

PipeByteWriter::PipeByteWriter(HANDLE pipe, std::string what, HANDLE peer_process,
                               std::optional<std::chrono::milliseconds> limit)
    : pipe_(pipe),
      what_(std::move(what)),
      peer_process_(peer_process),
      event_(make_manual_reset_event()) {
  if (limit) deadline_ = std::chrono::steady_clock::now() + *limit;
}

void PipeByteWriter::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    OVERLAPPED overlapped{};
    overlapped.hEvent = event_.get();
    ResetEvent(event_.get());
    const DWORD size = static_cast<DWORD>(std::min<std::size_t>(bytes.size(), 1u << 20));
    if (!WriteFile(pipe_, bytes.data(), size, nullptr, &overlapped)) {
      const DWORD error = GetLastError();
      if (is_pipe_peer_gone(error)) {
        throw Error(ErrorCode::runner_failed, "the reader of the " + what_ + " went away", error);
      }
      if (error != ERROR_IO_PENDING) throw win32_error("WriteFile(" + what_ + ")", error);
    }
    if (peer_process_ != nullptr || deadline_) {
      const HANDLE handles[] = {event_.get(), peer_process_};
      DWORD wait_ms = INFINITE;
      if (deadline_) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            *deadline_ - std::chrono::steady_clock::now());
        wait_ms = static_cast<DWORD>(std::clamp<long long>(left.count(), 0, INFINITE - 1));
      }
      const DWORD waited =
          WaitForMultipleObjects(peer_process_ != nullptr ? 2 : 1, handles, FALSE, wait_ms);
      if (waited == WAIT_TIMEOUT) {
        cancel_io_and_wait(pipe_, overlapped);
        throw Error(ErrorCode::runner_failed,
                    "the process reading the " + what_ + " did not take the data in time");
      }
      if (waited == WAIT_OBJECT_0 + 1) {
        cancel_io_and_wait(pipe_, overlapped);
        throw Error(ErrorCode::runner_failed,
                    "the process reading the " + what_ + " exited before it read everything");
      }
      if (waited != WAIT_OBJECT_0) {
        const DWORD error = GetLastError();
        cancel_io_and_wait(pipe_, overlapped);  // the OVERLAPPED lives on this stack
        throw win32_error("WaitForMultipleObjects(" + what_ + ")", error);
      }
    }
    DWORD written = 0;
    if (!GetOverlappedResult(pipe_, &overlapped, &written, TRUE)) {
      const DWORD error = GetLastError();
      if (is_pipe_peer_gone(error)) {
        throw Error(ErrorCode::runner_failed, "the reader of the " + what_ + " went away", error);
      }
      throw win32_error("WriteFile(" + what_ + ")", error);
    }
    bytes.remove_prefix(written);
  }
}

}  // namespace winsandbox::win
