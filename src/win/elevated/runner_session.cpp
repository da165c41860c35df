#include "win/elevated/runner_session.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <variant>

#include "common/log.hpp"
#include "win/elevated/elevated_launch.hpp"
#include "win/elevated/runner_client.hpp"
#include "win/job.hpp"
#include "win/session_impl.hpp"

namespace winsandbox::win {
namespace {

constexpr std::chrono::milliseconds kNoIdle{INFINITE};

class RunnerSession final : public Session::Impl {
public:
  RunnerSession(RunnerConnection runner, const SessionRequest& request,
                std::vector<std::string> warnings)
      : runner_(std::move(runner)),
        tty_(request.tty),
        on_stdout_(request.on_stdout),
        on_stderr_(request.on_stderr),
        warnings_(std::move(warnings)) {
    reader_ = std::thread([this] { read_frames(); });
  }

  ~RunnerSession() override {
    {
      // Closing the input ends the command's tree; the runner then sends `exit` and leaves.
      const std::lock_guard lock(send_mutex_);
      runner_.channel().close_input();
    }
    if (!wait_for_end(kRunnerExitGrace)) end_runner();  // its pipe closes: the reader ends
    reader_.join();
    runner_.finish();
  }

  void write_stdin(std::string_view bytes) override {
    const std::lock_guard lock(send_mutex_);
    if (stdin_closed_) throw Error(ErrorCode::invalid_argument, "stdin is closed");
    send_stdin(runner_.channel(), bytes);
  }

  void close_stdin() override {
    const std::lock_guard lock(send_mutex_);
    if (stdin_closed_) return;
    stdin_closed_ = true;
    try {
      send_locked(IpcCloseStdin{});
    } catch (const Error&) {
      // the runner is gone: its stdin is closed too
    }
  }

  void resize(TerminalSize size) override {
    if (!tty_) {
      throw Error(ErrorCode::invalid_argument, "the session has no pseudo console (tty = false)");
    }
    if (size.rows == 0 || size.cols == 0) {
      throw Error(ErrorCode::invalid_argument, "a terminal size must not be zero");
    }
    if (ended()) {
      throw Error(ErrorCode::invalid_argument,
                  "the command has exited: its pseudo console is closed");
    }
    runner_.channel().send(IpcResize{size.rows, size.cols});
  }

  // The runner opens its pseudo console at 80x24 (the spawn_request carries no size). Best
  // effort: a command that already finished, or a runner already gone, is not a failed start;
  // the session reports how it ended.
  void send_initial_size(TerminalSize size) noexcept {
    try {
      runner_.channel().send(IpcResize{size.rows, size.cols});
    } catch (const Error& error) {
      log::debug("elevated session: initial size not sent: {}", error.what());
    }
  }

  // Not under send_mutex_: a write_stdin blocked on a command that does not read must not
  // block the terminate too.
  void terminate() override {
    try {
      runner_.channel().send(IpcTerminate{}, kTerminateFrameLimit);
      return;
    } catch (const Error& error) {
      // The runner is gone, or not taking frames: end it; its job ends the command's tree.
      log::info("session terminate: {}; terminating the runner", error.what());
    }
    end_runner();
  }

  std::optional<std::int32_t> wait(std::optional<std::chrono::milliseconds> timeout) override {
    std::unique_lock lock(state_mutex_);
    const auto finished = [this] { return reader_done_; };
    if (timeout) {
      if (!ended_cv_.wait_for(lock, *timeout, finished)) return std::nullopt;
    } else {
      ended_cv_.wait(lock, finished);
    }
    if (failure_) throw *failure_;
    return exit_code_;
  }

  std::string take_stdout() override {
    const std::lock_guard lock(state_mutex_);
    return std::exchange(stdout_bytes_, {});
  }
  std::string take_stderr() override {
    const std::lock_guard lock(state_mutex_);
    return std::exchange(stderr_bytes_, {});
  }
  bool is_tty() const override { return tty_; }
  std::uint32_t process_id() const override { return runner_.child_process_id(); }
  const std::vector<std::string>& warnings() const override { return warnings_; }

private:
  void send_locked(const IpcMessage& message) { runner_.channel().send(message); }

  // Ends the runner itself; its job ends the command's tree, and the session reports exit code
  // 1 as a terminate frame would.
  void end_runner() noexcept {
    hard_terminated_.store(true);
    TerminateProcess(runner_.runner_process(), kJobKilledExitCode);
  }

  bool ended() {
    const std::lock_guard lock(state_mutex_);
    return reader_done_;
  }

  bool wait_for_end(std::chrono::milliseconds limit) {
    std::unique_lock lock(state_mutex_);
    return ended_cv_.wait_for(lock, limit, [this] { return reader_done_; });
  }

  void deliver(const IpcOutput& output) {
    const bool is_stdout = output.stream == IpcOutputStream::standard_output;
    const auto& callback = is_stdout ? on_stdout_ : on_stderr_;
    if (callback) {
      callback(output.data);
      return;
    }
    const std::lock_guard lock(state_mutex_);
    (is_stdout ? stdout_bytes_ : stderr_bytes_).append(output.data);
  }

  // The reader thread: frames until `exit`, an `error`, or the end of the runner's pipe.
  void read_frames() noexcept {
    std::optional<std::int32_t> code;
    std::optional<Error> failure;
    try {
      for (;;) {
        // No idle hook: the destructor ends a runner that does not finish, which closes its pipe.
        std::optional<CommandFrame> frame =
            receive_command_frame(runner_.channel(), kNoIdle, {}, "a session");
        if (!frame) {
          if (hard_terminated_.load()) {
            code = static_cast<std::int32_t>(kJobKilledExitCode);  // as a terminate frame ends it
          } else {
            failure = Error(ErrorCode::runner_failed, "the runner closed its pipe before exit");
          }
          break;
        }
        if (const auto* exit = std::get_if<IpcExit>(&*frame)) {
          code = exit->exit_code;
          break;
        }
        deliver(std::get<IpcOutput>(*frame));
      }
    } catch (const Error& error) {
      failure = error;
    } catch (...) {
      failure = Error(ErrorCode::runner_failed, "an output callback threw");
    }
    if (failure) log::info("elevated session ended without an exit code: {}", failure->what());
    const std::lock_guard lock(state_mutex_);
    exit_code_ = code;
    failure_ = std::move(failure);
    reader_done_ = true;
    ended_cv_.notify_all();
  }

  RunnerConnection runner_;
  const bool tty_;
  std::function<void(std::string_view)> on_stdout_;
  std::function<void(std::string_view)> on_stderr_;
  std::vector<std::string> warnings_;

  std::mutex send_mutex_;  // a write_stdin's frames stay together; guards stdin_closed_
  bool stdin_closed_ = false;

  std::mutex state_mutex_;
  std::condition_variable ended_cv_;
  std::string stdout_bytes_;
  std::string stderr_bytes_;
  bool reader_done_ = false;
  std::optional<std::int32_t> exit_code_;
  std::optional<Error> failure_;
  std::atomic<bool> hard_terminated_{false};  // terminate() ended the runner itself
  std::thread reader_;                        // last: started once everything it uses exists
};

}  // namespace

Session spawn_elevated_session(const ElevatedProfileSessionRequest& elevated) {
  const SessionRequest& request = elevated.session;
  if (request.tty && (request.terminal_size.rows == 0 || request.terminal_size.cols == 0)) {
    throw Error(ErrorCode::invalid_argument, "a terminal size must not be zero");
  }
  ElevatedLaunch launch = prepare_elevated_launch(
      {request.profile, request.binding, request.command, request.cwd, request.env,
       request.sandbox_home},
      elevated.setup,
      SpawnRequestOptions{.timeout_ms = std::nullopt,
                          .tty = request.tty,
                          .stdin_open = true,
                          .use_private_desktop = request.use_private_desktop});
  RunnerConnection runner = start_elevated_runner(launch);
  auto impl =
      std::make_unique<RunnerSession>(std::move(runner), request, std::move(launch.warnings));
  if (request.tty) {
    // The runner opens its pseudo console at 80x24 (the spawn_request carries no size).
    impl->send_initial_size(request.terminal_size);
  }
  return Session(std::move(impl));
}

}  // namespace winsandbox::win
