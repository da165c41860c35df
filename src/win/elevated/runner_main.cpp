#include "win/elevated/runner_main.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "ipc/runner_input.hpp"
#include "ipc/runner_launch.hpp"
#include "plan/capability_sid_store.hpp"
#include "plan/random_source.hpp"
#include "win/elevated/pipe_stream.hpp"
#include "win/session_launch.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/capture.hpp"

namespace winsandbox::win {
namespace {

using Clock = std::chrono::steady_clock;

// How often the runner's loops look at their stop conditions.
constexpr std::chrono::milliseconds kPollInterval{50};

struct RunnerArguments {
  std::wstring pipe_in;
  std::wstring pipe_out;
  bool direct_launch = false;
};

std::optional<RunnerArguments> parse_arguments(const std::vector<std::wstring>& args) {
  RunnerArguments parsed;
  for (const std::wstring& arg : args) {
    if (arg.starts_with(L"--pipe-in=")) {
      parsed.pipe_in = arg.substr(10);
    } else if (arg.starts_with(L"--pipe-out=")) {
      parsed.pipe_out = arg.substr(11);
    } else if (arg == L"--launch=direct") {
      parsed.direct_launch = true;
    } else if (arg != L"--launch=logon") {
      return std::nullopt;
    }
  }
  if (parsed.pipe_in.empty() || parsed.pipe_out.empty()) return std::nullopt;
  return parsed;
}

UniqueHandle open_pipe(const std::wstring& name, DWORD access) {
  UniqueHandle pipe(
      CreateFileW(name.c_str(), access, 0, nullptr, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, nullptr));
  if (!pipe) throw_last_error("CreateFileW(" + to_utf8(name) + ")");
  return pipe;
}

// Frames to the parent, written by a thread of their own. The child's output is encoded on the
// session's reader thread and queued, so reading the child, encoding and writing to the parent
// overlap instead of taking turns (docs/elevated.md#runner-frame-loop). The queue holds at most
// kQueuedBytes; beyond that send() waits, which slows the child and never drops its output.
// Frames leave in the order they were sent: `exit` after all output.
class ParentLink {
public:
  static constexpr std::size_t kQueuedBytes = 4 * 1024 * 1024;

  explicit ParentLink(HANDLE pipe)
      : bytes_(pipe, "runner output pipe"), writer_([this] { write_loop(); }) {}
  ParentLink(const ParentLink&) = delete;
  ParentLink& operator=(const ParentLink&) = delete;
  ~ParentLink() { finish(); }

  // False once the parent is gone (a write failed); nothing more is sent then.
  bool send(const IpcMessage& message) noexcept {
    std::string frame;
    try {
      frame = encode_frame(message);
    } catch (...) {
      return false;
    }
    std::unique_lock lock(mutex_);
    has_room_.wait(lock, [&] {
      return gone_ || queued_bytes_ == 0 || queued_bytes_ + frame.size() <= kQueuedBytes;
    });
    if (gone_ || finishing_) return false;
    queued_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    has_frames_.notify_one();
    return true;
  }
  bool gone() {
    const std::lock_guard lock(mutex_);
    return gone_;
  }
  // Writes out what is queued (unless the parent is gone), then stops the writer thread.
  void finish() noexcept {
    {
      const std::lock_guard lock(mutex_);
      finishing_ = true;
    }
    has_frames_.notify_one();
    if (writer_.joinable()) writer_.join();
  }

private:
  void write_loop() noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
      has_frames_.wait(lock, [&] { return !queue_.empty() || finishing_; });
      if (queue_.empty()) return;
      std::string frame = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      bool written = true;
      try {
        bytes_.write_all(frame);
      } catch (...) {
        written = false;
      }
      lock.lock();
      queued_bytes_ -= frame.size();
      if (!written) {
        gone_ = true;
        queue_.clear();
        queued_bytes_ = 0;
      }
      has_room_.notify_all();
      if (gone_) return;
    }
  }

  std::mutex mutex_;
  std::condition_variable has_frames_;
  std::condition_variable has_room_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool gone_ = false;
  bool finishing_ = false;
  PipeByteWriter bytes_;
  std::thread writer_;  // last: starts once everything it uses exists
};

class SessionControl final : public RunnerChildControl {
public:
  explicit SessionControl(Session& session) : session_(session) {}
  void write_stdin(std::string_view bytes) override { session_.write_stdin(bytes); }
  void close_stdin() override { session_.close_stdin(); }
  void resize(std::uint16_t rows, std::uint16_t cols) override {
    session_.resize(TerminalSize{rows, cols});
  }
  void terminate() override { session_.terminate(); }

private:
  Session& session_;
};

std::optional<std::chrono::milliseconds> timeout_of(const IpcSpawnRequest& request) {
  if (!request.timeout_ms) return std::nullopt;
  // Beyond a century is no limit (and cannot overflow the clock).
  if (*request.timeout_ms > 100ULL * 365 * 24 * 3600 * 1000) return std::nullopt;
  return std::chrono::milliseconds(*request.timeout_ms);
}

// Resolve, check, plan: the runner's checks (runner_launch.hpp). Throws with the stage.
struct StagedError {
  std::string_view stage;
  Error error;
};

Session start_child(const IpcSpawnRequest& request, const RunnerArguments& args,
                    ParentLink& parent) {
  std::string_view stage = kRunnerStageResolve;
  try {
    const std::unique_ptr<FileSystemView> fs = open_host_file_system();
    const ResolvedPermissions resolved = resolve_spawn_request(request, *fs);
    stage = kRunnerStagePlan;
    CapabilitySidStore store(std::filesystem::path(to_wide(request.real_sandbox_home)),
                             system_random_source());
    const CapabilitySids sids = store.preview(writable_root_paths(resolved));
    const RunnerLaunch launch = plan_runner_launch(request, resolved, sids, *fs);

    stage = kRunnerStageSpawn;
    const UniqueHandle own_token = open_current_process_token();
    RestrictedTokenSpec spec{.capability_sids = launch.token_sids};
    if (!args.direct_launch) {
      spec.extra_restricting_sids.push_back(token_user_sid(own_token.get()).to_string());
    }
    const SandboxToken token = create_restricted_token(own_token.get(), spec);
    std::optional<PseudoConsole> console;
    if (request.tty) console.emplace(PseudoConsole::create(80, 24));
    Session session = start_session(SessionLaunch{
        .application = launch.program.program,
        .command_line = launch.program.command_line,
        .cwd = WinPath::parse(request.cwd),
        .environment = request.env,
        .token = token,
        .console = std::move(console),
        .use_private_desktop = request.use_private_desktop,
        .on_stdout =
            [&parent](std::string_view chunk) {
              parent.send(IpcOutput{IpcOutputStream::standard_output, std::string(chunk)});
            },
        .on_stderr =
            [&parent](std::string_view chunk) {
              parent.send(IpcOutput{IpcOutputStream::standard_error, std::string(chunk)});
            },
    });
    if (!request.stdin_open) session.close_stdin();
    return session;
  } catch (const Error& error) {
    throw StagedError{stage, error};
  }
}

// Waits for the child; ends its tree on timeout or when the parent is gone. Returns the exit
// frame.
IpcExit wait_for_child(Session& session, std::optional<std::chrono::milliseconds> timeout,
                       ParentLink& parent, const std::atomic<bool>& input_ended) {
  const std::optional<Clock::time_point> deadline =
      timeout ? std::optional(Clock::now() + *timeout) : std::nullopt;
  for (;;) {
    std::chrono::milliseconds slice = kPollInterval;
    if (deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
      slice = std::clamp(left, std::chrono::milliseconds(0), kPollInterval);
    }
    if (const std::optional<std::int32_t> code = session.wait(slice)) return IpcExit{*code, false};
    if (deadline && Clock::now() >= *deadline) {
      session.terminate();
      session.wait();
      return IpcExit{kCaptureTimeoutExitCode, true};
    }
    // The input loop already ended the tree when the parent closed its end; a parent that
    // stopped reading our output is gone too.
    if (input_ended.load() || parent.gone()) session.terminate();
  }
}

}  // namespace

int run_runner(const std::vector<std::wstring>& args) {
  const std::optional<RunnerArguments> parsed = parse_arguments(args);
  if (!parsed) {
    std::fputs(
        "usage: winsandbox-runner --pipe-in=<name> --pipe-out=<name> "
        "[--launch=direct|logon]\n",
        stderr);
    return kRunnerUsageExitCode;
  }
  UniqueHandle in_pipe;
  UniqueHandle out_pipe;
  try {
    in_pipe = open_pipe(parsed->pipe_in, GENERIC_READ | FILE_WRITE_ATTRIBUTES);
    out_pipe = open_pipe(parsed->pipe_out, GENERIC_WRITE | FILE_READ_ATTRIBUTES);
  } catch (const Error& error) {
    std::fprintf(stderr, "winsandbox-runner: %s\n", error.what());
    return kRunnerUsageExitCode;
  }
  ParentLink parent(out_pipe.get());
  PipeByteReader in_bytes(in_pipe.get(), "runner input pipe");
  FrameReader in_frames(in_bytes);

  IpcSpawnRequest request;
  try {
    request = read_spawn_request(in_frames);
  } catch (const Error& error) {
    parent.send(runner_error(kRunnerStageHandshake, error));
    return kRunnerRefusedExitCode;
  }
  std::optional<Session> session;
  try {
    session.emplace(start_child(request, *parsed, parent));
  } catch (const StagedError& failed) {
    parent.send(runner_error(failed.stage, failed.error));
    return kRunnerRefusedExitCode;
  }
  parent.send(IpcSpawnReady{session->process_id()});

  // The input loop on its own thread; it stops reading when told to (after `exit` is sent).
  std::atomic<bool> stop_input{false};
  std::atomic<bool> input_ended{false};
  in_bytes.set_idle(kPollInterval, [&stop_input] {
    if (stop_input.load()) throw Error(ErrorCode::runner_failed, "the runner is done");
  });
  SessionControl control(*session);
  std::thread input([&] {
    pump_runner_input(in_frames, control);
    input_ended.store(true);
  });

  std::optional<IpcExit> exit;
  std::optional<Error> failure;
  try {
    exit = wait_for_child(*session, timeout_of(request), parent, input_ended);
  } catch (const Error& error) {
    failure = error;
  }
  if (failure) {
    // Waiting on the child failed: end its tree rather than leave it running for nobody.
    try {
      session->terminate();
    } catch (const Error&) {
      // the job closes with this process and ends the tree anyway
    }
    parent.send(runner_error(kRunnerStageWait, *failure));
  } else {
    parent.send(*exit);
  }
  stop_input.store(true);
  input.join();
  return failure ? kRunnerRefusedExitCode : exit->exit_code;
}

}  // namespace winsandbox::win
