#include "win/elevated/elevated_capture.hpp"

#include <exception>
#include <optional>
#include <thread>
#include <variant>

#include "common/log.hpp"
#include "win/capture.hpp"
#include "win/elevated/elevated_launch.hpp"
#include "win/elevated/runner_client.hpp"
#include "win/job.hpp"

namespace winsandbox::win {
namespace {

using Clock = std::chrono::steady_clock;

// Sends the capture's stdin on a thread of its own: the runner may be blocked writing output
// we have not read yet, so reading and writing cannot take turns on one thread.
class StdinSender {
public:
  StdinSender(RunnerConnection& runner, std::string_view bytes)
      : runner_(runner), exceptions_at_start_(std::uncaught_exceptions()) {
    thread_ = std::thread([this, bytes] {
      try {
        send_stdin(runner_.channel(), bytes);
        runner_.channel().send(IpcCloseStdin{});
      } catch (const Error& error) {
        // The runner or the command went away; the output loop reports what happened.
        log::debug("capture stdin not delivered in full: {}", error.what());
      }
    });
  }
  // A send in flight ends when the runner exits. After `exit` the runner is exiting: it gets
  // kRunnerExitGrace. When the capture failed it is terminated at once (its job ends the tree).
  ~StdinSender() {
    const bool failed = std::uncaught_exceptions() > exceptions_at_start_;
    const DWORD grace = failed ? 0 : static_cast<DWORD>(kRunnerExitGrace.count());
    if (WaitForSingleObject(runner_.runner_process(), grace) != WAIT_OBJECT_0) {
      TerminateProcess(runner_.runner_process(), 1);
    }
    thread_.join();
  }
  StdinSender(const StdinSender&) = delete;
  StdinSender& operator=(const StdinSender&) = delete;

private:
  RunnerConnection& runner_;
  const int exceptions_at_start_;
  std::thread thread_;
};

struct LoopState {
  std::optional<Clock::time_point> give_up;  // terminate the runner when no `exit` by then
  bool cancelled = false;
  bool runner_killed = false;
};

}  // namespace

winsandbox::CaptureResult run_elevated_capture(const ElevatedProfileCaptureRequest& elevated) {
  const winsandbox::CaptureRequest& request = elevated.capture;
  if (request.timeout && request.timeout->count() < 0) {
    throw Error(ErrorCode::invalid_argument, "the timeout must not be negative");
  }
  const bool has_stdin = request.stdin_bytes && !request.stdin_bytes->empty();
  SpawnRequestOptions options{.timeout_ms = std::nullopt,
                              .tty = false,
                              .stdin_open = has_stdin,
                              .use_private_desktop = request.use_private_desktop};
  if (request.timeout) options.timeout_ms = static_cast<std::uint64_t>(request.timeout->count());
  ElevatedLaunch launch =
      prepare_elevated_launch({request.profile, request.binding, request.command, request.cwd,
                               request.env, request.sandbox_home},
                              elevated.setup, options);

  RunnerConnection runner = start_elevated_runner(launch);
  const Clock::time_point started = Clock::now();
  std::optional<StdinSender> stdin_sender;
  if (has_stdin) stdin_sender.emplace(runner, *request.stdin_bytes);

  winsandbox::CaptureResult result;
  result.warnings = std::move(launch.warnings);
  BoundedSink out(result.stdout_bytes, result.stdout_truncated, request.max_output_bytes);
  BoundedSink err(result.stderr_bytes, result.stderr_truncated, request.max_output_bytes);
  std::size_t stdout_total = 0;
  std::size_t stderr_total = 0;

  LoopState state;
  if (request.timeout) state.give_up = started + *request.timeout + kRunnerStopGrace;
  const auto idle = [&] {
    if (!state.cancelled && request.cancel_requested && request.cancel_requested()) {
      state.cancelled = true;
      try {
        runner.channel().send(IpcTerminate{}, kTerminateFrameLimit);
        const Clock::time_point limit = Clock::now() + kRunnerStopGrace;
        state.give_up = state.give_up ? std::min(*state.give_up, limit) : limit;
      } catch (const Error& error) {
        // The runner is gone, or not taking frames: end it (and with it the command's tree).
        log::info("cancel: {}; terminating the runner", error.what());
        state.runner_killed = true;
        TerminateProcess(runner.runner_process(), kJobKilledExitCode);
      }
    }
    if (state.give_up && Clock::now() >= *state.give_up && !state.runner_killed) {
      // The runner did not end the command in time: ending the runner ends its job.
      log::warn("the runner sent no exit in time; terminating it and the command's tree");
      state.runner_killed = true;
      TerminateProcess(runner.runner_process(), 1);
    }
  };

  std::optional<IpcExit> exit;
  while (!exit) {
    std::optional<CommandFrame> frame =
        receive_command_frame(runner.channel(), kCancelPollInterval, idle, "a capture");
    if (!frame) {
      if (state.runner_killed) {
        exit = IpcExit{state.cancelled ? static_cast<std::int32_t>(kJobKilledExitCode)
                                       : kCaptureTimeoutExitCode,
                       !state.cancelled};
        break;
      }
      WaitForSingleObject(runner.runner_process(), static_cast<DWORD>(kRunnerExitGrace.count()));
      throw Error(ErrorCode::runner_failed, "the runner closed its pipe before sending exit (" +
                                                describe_exit(runner.runner_process()) + ")");
    }
    if (auto* output = std::get_if<IpcOutput>(&*frame)) {
      if (output->stream == IpcOutputStream::standard_output) {
        stdout_total += output->data.size();
        if (request.on_stdout) request.on_stdout(output->data);
        out.append(output->data);
      } else {
        stderr_total += output->data.size();
        if (request.on_stderr) request.on_stderr(output->data);
        err.append(output->data);
      }
    } else {
      exit = std::get<IpcExit>(*frame);
    }
  }
  stdin_sender.reset();
  runner.finish();

  result.timed_out = exit->timed_out;
  result.cancelled = state.cancelled && !exit->timed_out;
  result.exit_code = result.timed_out   ? kCaptureTimeoutExitCode
                     : result.cancelled ? static_cast<std::int32_t>(kJobKilledExitCode)
                                        : exit->exit_code;
  log::debug(
      "elevated exit code {} (timed out: {}, cancelled: {}) after {:.1f} ms; stdout {} bytes, "
      "stderr {} bytes",
      result.exit_code, result.timed_out, result.cancelled,
      std::chrono::duration<double, std::milli>(Clock::now() - started).count(), stdout_total,
      stderr_total);
  return result;
}

}  // namespace winsandbox::win
