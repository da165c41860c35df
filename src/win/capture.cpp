#include "win/capture.hpp"

#include <algorithm>
#include <vector>

#include "win/desktop.hpp"
#include "win/job.hpp"
#include "win/overlapped_io.hpp"
#include "win/pipe.hpp"
#include "win/process_launcher.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {
namespace {

using Clock = std::chrono::steady_clock;

// Beyond this a timeout means "no limit" (and Clock arithmetic cannot overflow).
constexpr std::chrono::milliseconds kUnlimitedTimeout = std::chrono::hours(24 * 365 * 100);

DWORD wait_milliseconds(Clock::time_point now, std::optional<Clock::time_point> until) {
  if (!until) return INFINITE;
  if (*until <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*until - now).count();
  return static_cast<DWORD>(std::min<long long>(ms, INFINITE - 1));
}

std::optional<Clock::time_point> earliest(std::optional<Clock::time_point> a,
                                          std::optional<Clock::time_point> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

bool has_exited(HANDLE process) {
  return WaitForSingleObject(process, 0) == WAIT_OBJECT_0;
}

// The wait loop of one capture. Owns nothing but references; run_capture owns the objects.
class CaptureLoop {
public:
  CaptureLoop(const CaptureRequest& request, JobObject& job, HANDLE process, OverlappedReader& out,
              OverlappedReader& err, OverlappedWriter* in)
      : request_(request), job_(job), process_(process), out_(out), err_(err), in_(in) {}

  // Returns once the process has exited (or was killed) and both outputs reached end-of-file,
  // or when a drain period ran out.
  void run(CaptureResult& result) {
    const Clock::time_point start = Clock::now();
    std::optional<Clock::time_point> deadline;
    if (request_.timeout && *request_.timeout < kUnlimitedTimeout) {
      deadline = start + *request_.timeout;
    }
    std::optional<Clock::time_point> next_cancel_poll;
    if (request_.cancel_requested) next_cancel_poll = start;

    for (;;) {
      const Clock::time_point now = Clock::now();
      if (root_exited_ && out_.done() && err_.done()) break;
      if (drain_deadline_ && now >= *drain_deadline_) break;

      if (!root_exited_ && !killed_) {
        // An exit that raced with the deadline or the cancellation is a normal exit.
        if (has_exited(process_)) {
          on_root_exit(now);
          continue;
        }
        if (deadline && now >= *deadline) {
          result.timed_out = true;
          kill(now);
          continue;
        }
        if (next_cancel_poll && now >= *next_cancel_poll) {
          next_cancel_poll = now + kCancelPollInterval;
          if (request_.cancel_requested()) {
            result.cancelled = true;
            kill(now);
            continue;
          }
        }
      }

      std::vector<HANDLE> handles;
      if (!root_exited_) handles.push_back(process_);
      if (out_.pending()) handles.push_back(out_.event());
      if (err_.pending()) handles.push_back(err_.event());
      if (in_ != nullptr && in_->pending()) handles.push_back(in_->event());

      std::optional<Clock::time_point> wake = drain_deadline_;
      if (!root_exited_ && !killed_) wake = earliest(earliest(wake, deadline), next_cancel_poll);
      const DWORD timeout_ms = wait_milliseconds(now, wake);
      // Never empty: the root is waited on until it exits, and after that a reader that is not
      // done always has a read in flight.
      const DWORD waited = WaitForMultipleObjects(static_cast<DWORD>(handles.size()),
                                                  handles.data(), FALSE, timeout_ms);
      if (waited == WAIT_FAILED) throw_last_error("WaitForMultipleObjects");
      if (waited == WAIT_TIMEOUT) continue;
      // Service every stream whose event is set, not only the first one reported, so a busy
      // stdout cannot starve stderr.
      service(out_);
      service(err_);
      if (in_ != nullptr) service(*in_);
      if (!root_exited_ && has_exited(process_)) on_root_exit(Clock::now());
    }

    out_.stop();
    err_.stop();
    if (in_ != nullptr) in_->stop();

    if (result.timed_out) {
      result.exit_code = kTimeoutExitCode;
    } else if (result.cancelled) {
      result.exit_code = static_cast<std::int32_t>(kJobKilledExitCode);
    } else {
      DWORD code = 0;
      if (!GetExitCodeProcess(process_, &code)) throw_last_error("GetExitCodeProcess");
      result.exit_code = static_cast<std::int32_t>(code);
    }
  }

private:
  template <typename Stream>
  static void service(Stream& stream) {
    if (stream.pending() && WaitForSingleObject(stream.event(), 0) == WAIT_OBJECT_0) {
      stream.on_signaled();
    }
  }

  void on_root_exit(Clock::time_point now) {
    root_exited_ = true;
    if (killed_) return;  // the kill already set the drain period
    // Stdin is of no use to anyone now; stop writing.
    if (in_ != nullptr) in_->stop();
    if (request_.descendants_survive_root_exit) {
      job_.preserve_descendants();
    } else {
      try {
        job_.terminate();
      } catch (const Error&) {
        // The job still has kill-on-close: the tree ends when run_capture releases it.
      }
    }
    drain_deadline_ = now + request_.post_exit_drain;
  }

  void kill(Clock::time_point now) {
    killed_ = true;
    try {
      job_.terminate();
    } catch (const Error&) {
      // Best effort on the root; the job's kill-on-close ends the rest when it is released.
      TerminateProcess(process_, kJobKilledExitCode);
    }
    if (in_ != nullptr) in_->stop();
    drain_deadline_ = now + kPostKillDrain;
  }

  const CaptureRequest& request_;
  JobObject& job_;
  HANDLE process_;
  OverlappedReader& out_;
  OverlappedReader& err_;
  OverlappedWriter* in_;
  bool root_exited_ = false;
  bool killed_ = false;
  std::optional<Clock::time_point> drain_deadline_;
};

}  // namespace

CaptureResult run_capture(const CaptureRequest& request) {
  if (request.timeout && request.timeout->count() < 0) {
    throw Error(ErrorCode::invalid_argument, "capture timeout must not be negative");
  }
  if (request.post_exit_drain.count() < 0) {
    throw Error(ErrorCode::invalid_argument, "post-exit drain period must not be negative");
  }

  // Declared first so it is released last: its kill-on-close ends the tree on every exit path,
  // exceptions included (unless the caller asked descendants to survive a normal exit).
  JobObject job = JobObject::create();
  std::optional<PrivateDesktop> desktop;
  if (request.use_private_desktop) desktop = PrivateDesktop::create();

  Pipe stdin_pipe = create_pipe(PipeDirection::child_reads);
  Pipe stdout_pipe = create_pipe(PipeDirection::child_writes);
  Pipe stderr_pipe = create_pipe(PipeDirection::child_writes);

  LaunchRequest launch{
      .application = request.application,
      .command_line = request.command_line,
      .cwd = request.cwd,
      .environment = request.environment,
      .token = request.token,
      .stdio = StdioHandles{stdin_pipe.child_end.get(), stdout_pipe.child_end.get(),
                            stderr_pipe.child_end.get()},
      .desktop = desktop ? desktop->startup_name() : std::string(kDefaultDesktop),
      .console = ConsoleMode::no_window,
  };
  const LaunchedProcess child = launch_process(launch, job);
  // Only the child may hold these now: our copies would keep the pipes open past its exit.
  stdin_pipe.child_end.reset();
  stdout_pipe.child_end.reset();
  stderr_pipe.child_end.reset();

  CaptureResult result;
  BoundedSink out_sink(result.stdout_bytes, result.stdout_truncated, request.max_output_bytes);
  BoundedSink err_sink(result.stderr_bytes, result.stderr_truncated, request.max_output_bytes);
  OverlappedReader out(std::move(stdout_pipe.parent_end), [&](std::string_view chunk) {
    if (request.on_stdout) request.on_stdout(chunk);
    out_sink.append(chunk);
  });
  OverlappedReader err(std::move(stderr_pipe.parent_end), [&](std::string_view chunk) {
    if (request.on_stderr) request.on_stderr(chunk);
    err_sink.append(chunk);
  });
  std::optional<OverlappedWriter> in;
  if (request.stdin_bytes && !request.stdin_bytes->empty()) {
    in.emplace(std::move(stdin_pipe.parent_end), *request.stdin_bytes);
  } else {
    stdin_pipe.parent_end.reset();  // the child reads end-of-file at once
  }

  out.start();
  err.start();
  if (in) in->start();
  CaptureLoop(request, job, child.process.get(), out, err, in ? &*in : nullptr).run(result);
  return result;
}

}  // namespace winsandbox::win
