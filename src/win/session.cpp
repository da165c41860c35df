// Sessions (include/winsandbox/session.hpp) on Windows: a planned launch (session_launch.hpp)
// in a job, attached to pipes or to a pseudo console, with a reader thread draining the output
// streams; and the unelevated backend's entry point on top.
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include <windows.h>

#include "common/log.hpp"
#include "plan/tty_input.hpp"
#include "win/desktop.hpp"
#include "win/job.hpp"
#include "win/launch_preparation.hpp"
#include "win/overlapped_io.hpp"
#include "win/pipe.hpp"
#include "win/process_launcher.hpp"
#include "win/pseudo_console.hpp"
#include "win/session_impl.hpp"
#include "win/session_launch.hpp"
#include "win/win32_error.hpp"

namespace winsandbox {
namespace {

using ChunkCallback = std::function<void(std::string_view)>;

// One output stream of the command: our read end of it, and where its bytes go.
struct OutputStream {
  win::UniqueHandle pipe;
  ChunkCallback deliver;
};

// How long wait() lets the reader drain what the command wrote before it exited. The pipes
// reach end-of-file once every writer is gone; a writer that escaped the job cannot hold the
// session forever.
constexpr DWORD kOutputDrainMilliseconds = 2000;

class LocalSession final : public Session::Impl {
public:
  win::JobObject job = win::JobObject::create();
  std::optional<win::PrivateDesktop> desktop;  // the command's, when it asked for one
  win::UniqueHandle process;
  const bool tty;

  std::mutex stdin_mutex;  // guards stdin_pipe and normalizer (the writer's thread)
  win::UniqueHandle stdin_pipe;
  TtyInputNormalizer normalizer;

  std::mutex console_mutex;  // guards console (resize vs. the reaping wait)
  std::optional<win::PseudoConsole> console;

  win::UniqueHandle stop_event;
  win::UniqueHandle reader_done;  // set when read_loop returns
  std::thread reader;
  std::mutex output_mutex;  // guards the pulled output
  std::string stdout_bytes;
  std::string stderr_bytes;
  // Every byte each stream delivered (the reader's; read after it is joined), for the exit
  // record.
  std::size_t stdout_total = 0;
  std::size_t stderr_total = 0;
  std::chrono::steady_clock::time_point started;
  bool reaped = false;

  DWORD process_id_ = 0;

  explicit LocalSession(bool tty_mode)
      : tty(tty_mode),
        stop_event(win::make_manual_reset_event()),
        reader_done(win::make_manual_reset_event()) {}

  ~LocalSession() override {
    try {
      job.terminate();
    } catch (const Error&) {
      // kill-on-close ends the tree when `job` is released
    }
    close_console();  // while the reader still drains: closing may wait for the flush
    stop_reader();
  }

  void close_console() noexcept {
    const std::lock_guard lock(console_mutex);
    if (console) console->close();
    console.reset();
  }

  void stop_reader() noexcept {
    if (!reader.joinable()) return;
    SetEvent(stop_event.get());
    reader.join();
  }

  // Where a stream's chunks go: the caller's callback, or the buffer take_*() empties.
  ChunkCallback sink(ChunkCallback callback, std::string& buffer, std::size_t& total) {
    return [this, callback = std::move(callback), &buffer, &total](std::string_view chunk) {
      total += chunk.size();
      if (callback) {
        callback(chunk);
        return;
      }
      const std::lock_guard lock(output_mutex);
      buffer.append(chunk);
    };
  }

  void start_reader(std::vector<OutputStream> streams) {
    reader = std::thread(
        [this, streams = std::move(streams)]() mutable { read_loop(std::move(streams)); });
  }

  // Drains every stream until end-of-file on all of them or the stop event.
  void read_loop(std::vector<OutputStream> streams) noexcept {
    try {
      std::vector<std::unique_ptr<win::OverlappedReader>> readers;
      for (OutputStream& stream : streams) {
        readers.push_back(std::make_unique<win::OverlappedReader>(std::move(stream.pipe),
                                                                  std::move(stream.deliver)));
        readers.back()->start();
      }
      const auto all_done = [&readers] {
        return std::all_of(readers.begin(), readers.end(),
                           [](const auto& reader) { return reader->done(); });
      };
      while (!all_done()) {
        std::vector<HANDLE> handles{stop_event.get()};
        for (const auto& reader : readers) {
          if (reader->pending()) handles.push_back(reader->event());
        }
        const DWORD waited = WaitForMultipleObjects(static_cast<DWORD>(handles.size()),
                                                    handles.data(), FALSE, INFINITE);
        if (waited == WAIT_OBJECT_0 || waited == WAIT_FAILED) break;
        for (const auto& reader : readers) {
          if (reader->pending() && WaitForSingleObject(reader->event(), 0) == WAIT_OBJECT_0) {
            reader->on_signaled();
          }
        }
      }
    } catch (...) {
      // A failing read ends delivery; the process itself is unaffected.
    }
    SetEvent(reader_done.get());
  }

  // After the command exited: end what it left running, close its console (the console host
  // then flushes and closes the output pipe), and let the reader deliver the rest.
  void reap() {
    reaped = true;
    try {
      job.terminate();  // descendants do not outlive the command (as capture)
    } catch (const Error&) {
      // kill-on-close still ends them when the session goes away
    }
    close_console();
    if (WaitForSingleObject(reader_done.get(), kOutputDrainMilliseconds) != WAIT_OBJECT_0) {
      SetEvent(stop_event.get());
    }
    reader.join();
  }

  void write_stdin(std::string_view bytes) override;
  void close_stdin() override;
  void resize(TerminalSize size) override;
  void terminate() override { job.terminate(); }
  std::optional<std::int32_t> wait(std::optional<std::chrono::milliseconds> timeout) override;
  std::string take_stdout() override {
    const std::lock_guard lock(output_mutex);
    return std::exchange(stdout_bytes, {});
  }
  std::string take_stderr() override {
    const std::lock_guard lock(output_mutex);
    return std::exchange(stderr_bytes, {});
  }
  bool is_tty() const override { return tty; }
  std::uint32_t process_id() const override { return process_id_; }
  const std::vector<std::string>& warnings() const override { return warnings_; }

  std::vector<std::string> warnings_;
};

void LocalSession::write_stdin(std::string_view bytes) {
  const std::lock_guard lock(stdin_mutex);
  if (!stdin_pipe) throw Error(ErrorCode::invalid_argument, "stdin is closed");
  std::string normalized;
  if (tty) {
    normalized = normalizer.normalize(bytes);
    bytes = normalized;
  }
  const win::UniqueHandle event = win::make_manual_reset_event();
  while (!bytes.empty()) {
    OVERLAPPED overlapped{};
    overlapped.hEvent = event.get();
    const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(bytes.size(), 64 * 1024));
    DWORD written = 0;
    if (!WriteFile(stdin_pipe.get(), bytes.data(), chunk, nullptr, &overlapped) &&
        GetLastError() != ERROR_IO_PENDING) {
      win::throw_last_error("WriteFile(session stdin)");
    }
    if (!GetOverlappedResult(stdin_pipe.get(), &overlapped, &written, TRUE)) {
      win::throw_last_error("GetOverlappedResult(session stdin)");
    }
    bytes.remove_prefix(written);
  }
}

void LocalSession::close_stdin() {
  const std::lock_guard lock(stdin_mutex);
  stdin_pipe.reset();
}

void LocalSession::resize(TerminalSize size) {
  if (!tty) {
    throw Error(ErrorCode::invalid_argument, "the session has no pseudo console (tty = false)");
  }
  const std::lock_guard lock(console_mutex);
  if (!console) {
    throw Error(ErrorCode::invalid_argument,
                "the command has exited: its pseudo console is closed");
  }
  console->resize(size.cols, size.rows);
}

std::optional<std::int32_t> LocalSession::wait(std::optional<std::chrono::milliseconds> timeout) {
  const DWORD ms =
      timeout ? static_cast<DWORD>(std::clamp<long long>(timeout->count(), 0, INFINITE - 1))
              : INFINITE;
  const DWORD waited = WaitForSingleObject(process.get(), ms);
  if (waited == WAIT_TIMEOUT) return std::nullopt;
  if (waited != WAIT_OBJECT_0) win::throw_last_error("WaitForSingleObject(session process)");
  const bool first_wait = !reaped;
  if (first_wait) reap();
  DWORD code = 0;
  if (!GetExitCodeProcess(process.get(), &code)) {
    win::throw_last_error("GetExitCodeProcess");
  }
  if (first_wait) {
    log::debug("exit code {} after {:.1f} ms; stdout {} bytes, stderr {} bytes",
               static_cast<std::int32_t>(code),
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                   .count(),
               stdout_total, stderr_total);
  }
  return static_cast<std::int32_t>(code);
}

}  // namespace

namespace win {

Session start_session(SessionLaunch launch) {
  auto impl = std::make_unique<LocalSession>(launch.console.has_value());
  impl->warnings_ = std::move(launch.warnings);
  if (launch.use_private_desktop) impl->desktop = PrivateDesktop::create();
  LaunchRequest launch_request{
      .application = launch.application,
      .command_line = launch.command_line,
      .cwd = launch.cwd,
      .environment = launch.environment,
      .token = launch.token,
      .desktop = impl->desktop ? impl->desktop->startup_name() : std::string(kDefaultDesktop),
  };

  std::vector<OutputStream> streams;
  if (launch.console) {
    launch_request.pseudo_console = launch.console->get();
    impl->started = std::chrono::steady_clock::now();
    LaunchedProcess child = launch_process(launch_request, impl->job);
    impl->process = std::move(child.process);
    impl->process_id_ = child.process_id;
    impl->stdin_pipe = launch.console->take_input();
    streams.push_back({launch.console->take_output(),
                       impl->sink(launch.on_stdout, impl->stdout_bytes, impl->stdout_total)});
    impl->console = std::move(launch.console);
  } else {
    Pipe in = create_pipe(PipeDirection::child_reads);
    Pipe out = create_pipe(PipeDirection::child_writes);
    Pipe err = create_pipe(PipeDirection::child_writes);
    launch_request.stdio =
        StdioHandles{in.child_end.get(), out.child_end.get(), err.child_end.get()};
    impl->started = std::chrono::steady_clock::now();
    LaunchedProcess child = launch_process(launch_request, impl->job);
    impl->process = std::move(child.process);
    impl->process_id_ = child.process_id;
    impl->stdin_pipe = std::move(in.parent_end);
    streams.push_back({std::move(out.parent_end),
                       impl->sink(launch.on_stdout, impl->stdout_bytes, impl->stdout_total)});
    streams.push_back({std::move(err.parent_end),
                       impl->sink(launch.on_stderr, impl->stderr_bytes, impl->stderr_total)});
  }
  impl->start_reader(std::move(streams));
  return Session(std::move(impl));
}

}  // namespace win

Session spawn_session_for_permission_profile(const SessionRequest& request) {
  try {
    // The console is created before anything is applied: a bad size fails as bad input.
    std::optional<win::PseudoConsole> console;
    if (request.tty) {
      console.emplace(
          win::PseudoConsole::create(request.terminal_size.cols, request.terminal_size.rows));
    }
    win::PreparedLaunch prepared =
        win::prepare_sandboxed_launch({request.profile, request.binding, request.command,
                                       request.cwd, request.env, request.sandbox_home});
    return win::start_session(win::SessionLaunch{
        .application = prepared.application,
        .command_line = prepared.command_line,
        .cwd = prepared.cwd,
        .environment = prepared.environment,
        .token = prepared.token,
        .console = std::move(console),
        .use_private_desktop = request.use_private_desktop,
        .on_stdout = request.on_stdout,
        .on_stderr = request.on_stderr,
        .warnings = std::move(prepared.warnings),
    });
  } catch (const Error& error) {
    log::refusal("session", error);
    throw;
  }
}

}  // namespace winsandbox
