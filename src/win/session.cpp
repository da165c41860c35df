// Pipe-mode sessions (include/winsandbox/session.hpp) on Windows: the prepared sandboxed launch
// (sandboxed_capture.hpp) in a job, with a reader thread draining stdout and stderr.
#include "winsandbox/session.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include <windows.h>

#include "win/job.hpp"
#include "win/overlapped_io.hpp"
#include "win/pipe.hpp"
#include "win/process_launcher.hpp"
#include "win/sandboxed_capture.hpp"
#include "win/win32_error.hpp"

namespace winsandbox {

struct Session::Impl {
  win::JobObject job = win::JobObject::create();
  win::UniqueHandle process;
  win::UniqueHandle stdin_pipe;
  win::UniqueHandle stop_event;
  win::UniqueHandle reader_done;  // set when read_loop returns
  std::thread reader;
  std::mutex mutex;  // guards the pulled output
  std::string stdout_bytes;
  std::string stderr_bytes;
  std::vector<std::string> warnings;
  bool reaped = false;

  ~Impl() {
    try {
      job.terminate();
    } catch (const Error&) {
      // kill-on-close ends the tree when `job` is released
    }
    stop_reader();
  }

  void stop_reader() noexcept {
    if (!reader.joinable()) return;
    SetEvent(stop_event.get());
    reader.join();
  }

  // Drains both pipes until end-of-file on both or the stop event.
  void read_loop(win::UniqueHandle out_pipe, win::UniqueHandle err_pipe,
                 std::function<void(std::string_view)> on_out,
                 std::function<void(std::string_view)> on_err) noexcept {
    try {
      auto sink = [this](std::function<void(std::string_view)>& callback, std::string& buffer) {
        return [this, &callback, &buffer](std::string_view chunk) {
          if (callback) {
            callback(chunk);
          } else {
            const std::lock_guard lock(mutex);
            buffer.append(chunk);
          }
        };
      };
      win::OverlappedReader out(std::move(out_pipe), sink(on_out, stdout_bytes));
      win::OverlappedReader err(std::move(err_pipe), sink(on_err, stderr_bytes));
      out.start();
      err.start();
      while (!out.done() || !err.done()) {
        std::vector<HANDLE> handles{stop_event.get()};
        if (out.pending()) handles.push_back(out.event());
        if (err.pending()) handles.push_back(err.event());
        const DWORD waited = WaitForMultipleObjects(static_cast<DWORD>(handles.size()),
                                                    handles.data(), FALSE, INFINITE);
        if (waited == WAIT_OBJECT_0 || waited == WAIT_FAILED) break;
        for (win::OverlappedReader* stream : {&out, &err}) {
          if (stream->pending() && WaitForSingleObject(stream->event(), 0) == WAIT_OBJECT_0) {
            stream->on_signaled();
          }
        }
      }
    } catch (...) {
      // A failing read ends delivery; the process itself is unaffected.
    }
    SetEvent(reader_done.get());
  }
};

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

void Session::write_stdin(std::string_view bytes) {
  if (!impl_->stdin_pipe) throw Error(ErrorCode::invalid_argument, "stdin is closed");
  const win::UniqueHandle event(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!event) win::throw_last_error("CreateEventW");
  while (!bytes.empty()) {
    OVERLAPPED overlapped{};
    overlapped.hEvent = event.get();
    const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(bytes.size(), 64 * 1024));
    DWORD written = 0;
    if (!WriteFile(impl_->stdin_pipe.get(), bytes.data(), chunk, nullptr, &overlapped) &&
        GetLastError() != ERROR_IO_PENDING) {
      win::throw_last_error("WriteFile(session stdin)");
    }
    if (!GetOverlappedResult(impl_->stdin_pipe.get(), &overlapped, &written, TRUE)) {
      win::throw_last_error("GetOverlappedResult(session stdin)");
    }
    bytes.remove_prefix(written);
  }
}

void Session::close_stdin() {
  impl_->stdin_pipe.reset();
}

void Session::terminate() {
  impl_->job.terminate();
}

std::optional<std::int32_t> Session::wait(std::optional<std::chrono::milliseconds> timeout) {
  const DWORD ms =
      timeout ? static_cast<DWORD>(std::clamp<long long>(timeout->count(), 0, INFINITE - 1))
              : INFINITE;
  const DWORD waited = WaitForSingleObject(impl_->process.get(), ms);
  if (waited == WAIT_TIMEOUT) return std::nullopt;
  if (waited != WAIT_OBJECT_0) win::throw_last_error("WaitForSingleObject(session process)");
  if (!impl_->reaped) {
    impl_->reaped = true;
    impl_->stdin_pipe.reset();
    try {
      impl_->job.terminate();  // descendants do not outlive the command (as capture)
    } catch (const Error&) {
      // kill-on-close still ends them when the session goes away
    }
    // The pipes reach end-of-file once every holder is gone; the stop event bounds the wait.
    if (WaitForSingleObject(impl_->reader_done.get(), 2000) != WAIT_OBJECT_0) {
      SetEvent(impl_->stop_event.get());
    }
    impl_->reader.join();
  }
  DWORD code = 0;
  if (!GetExitCodeProcess(impl_->process.get(), &code)) {
    win::throw_last_error("GetExitCodeProcess");
  }
  return static_cast<std::int32_t>(code);
}

std::optional<std::int32_t> Session::exit_code() {
  return wait(std::chrono::milliseconds(0));
}

std::string Session::take_stdout() {
  const std::lock_guard lock(impl_->mutex);
  return std::exchange(impl_->stdout_bytes, {});
}

std::string Session::take_stderr() {
  const std::lock_guard lock(impl_->mutex);
  return std::exchange(impl_->stderr_bytes, {});
}

const std::vector<std::string>& Session::warnings() const {
  return impl_->warnings;
}

Session spawn_session_for_permission_profile(const SessionRequest& request) {
  win::PreparedLaunch launch =
      win::prepare_sandboxed_launch({request.profile, request.binding, request.command, request.cwd,
                                     request.env, request.sandbox_home});
  auto impl = std::make_unique<Session::Impl>();
  impl->warnings = std::move(launch.warnings);
  for (win::UniqueHandle* event : {&impl->stop_event, &impl->reader_done}) {
    event->reset(CreateEventW(nullptr, TRUE, FALSE, nullptr));
    if (!*event) win::throw_last_error("CreateEventW");
  }

  win::Pipe in = win::create_pipe(win::PipeDirection::child_reads);
  win::Pipe out = win::create_pipe(win::PipeDirection::child_writes);
  win::Pipe err = win::create_pipe(win::PipeDirection::child_writes);
  win::LaunchedProcess child = win::launch_process(
      win::LaunchRequest{
          .application = launch.application,
          .command_line = launch.command_line,
          .cwd = launch.cwd,
          .environment = launch.environment,
          .token = launch.token.get(),
          .stdio = win::StdioHandles{in.child_end.get(), out.child_end.get(), err.child_end.get()},
      },
      impl->job);
  in.child_end.reset();
  out.child_end.reset();
  err.child_end.reset();
  impl->process = std::move(child.process);
  impl->stdin_pipe = std::move(in.parent_end);
  Session::Impl* raw = impl.get();
  impl->reader = std::thread([raw, o = std::move(out.parent_end), e = std::move(err.parent_end),
                              on_out = request.on_stdout, on_err = request.on_stderr]() mutable {
    raw->read_loop(std::move(o), std::move(e), std::move(on_out), std::move(on_err));
  });
  return Session(std::move(impl));
}

}  // namespace winsandbox
