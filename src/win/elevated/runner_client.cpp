#include "win/elevated/runner_client.hpp"

#include <variant>

#include "common/log.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "winsandbox/command_line.hpp"

namespace winsandbox::win {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kHandshakePoll{20};

std::vector<Sid> pipe_clients(const RunnerLauncher& launcher) {
  std::vector<Sid> clients{launcher.runner_account()};
  const UniqueHandle token = open_current_process_token(TOKEN_QUERY);
  Sid caller = token_user_sid(token.get());
  if (!(caller == clients.front())) clients.push_back(std::move(caller));
  return clients;
}

}  // namespace

Error error_from_runner(const IpcError& error) {
  const ErrorCode code = error_code_from_name(error.code).value_or(ErrorCode::runner_failed);
  std::string message = "runner " + error.message;
  if (error.stage.empty() || !error.message.starts_with(error.stage)) {
    message = "runner: " + error.message;
  }
  return Error(code, std::move(message), error.windows_error);
}

RunnerConnection::~RunnerConnection() {
  finish();
}

void RunnerConnection::finish() noexcept {
  channel_.close_input();
  if (!runner_.process) return;
  if (WaitForSingleObject(runner_.process.get(), static_cast<DWORD>(kRunnerExitGrace.count())) !=
      WAIT_OBJECT_0) {
    log::warn("the runner (process {}) did not exit {} ms after its input closed; terminating it",
              runner_.process_id, kRunnerExitGrace.count());
    TerminateProcess(runner_.process.get(), 1);
  }
  runner_.process.reset();
}

RunnerConnection start_runner(RunnerLauncher& launcher, const WinPath& runner,
                              const IpcSpawnRequest& request) {
  log::TimedStep step("runner start");
  RunnerChannel channel = RunnerChannel::create(pipe_clients(launcher));
  const std::string command_line = quote_command_line(
      {runner.str(), "--pipe-in=" + to_utf8(channel.input_name()),
       "--pipe-out=" + to_utf8(channel.output_name()), "--launch=" + std::string(launcher.name())});
  RunnerProcess process = launcher.launch(runner, command_line, WinPath::parse(request.cwd));
  const DWORD runner_id = process.process_id;
  const HANDLE runner_handle = process.process.get();
  RunnerConnection connection(std::move(process), std::move(channel));
  // From here on, a failure ends the runner (the connection's destructor).
  connection.channel().connect(runner_handle, runner_id, kRunnerConnectTimeout);
  connection.channel().send(request);

  const Clock::time_point deadline = Clock::now() + kRunnerSpawnReadyTimeout;
  const std::optional<IpcMessage> first = connection.channel().receive(kHandshakePoll, [deadline] {
    if (Clock::now() >= deadline) {
      throw Error(ErrorCode::runner_failed, "handshake: no answer to the spawn_request within " +
                                                std::to_string(kRunnerSpawnReadyTimeout.count()) +
                                                " ms");
    }
  });
  if (!first) {
    throw Error(ErrorCode::runner_failed,
                "handshake: the runner closed its pipe before spawn_ready (" +
                    describe_exit(runner_handle) + ")");
  }
  if (const auto* error = std::get_if<IpcError>(&*first)) throw error_from_runner(*error);
  const auto* ready = std::get_if<IpcSpawnReady>(&*first);
  if (ready == nullptr) {
    throw Error(ErrorCode::runner_failed, "handshake: expected spawn_ready from the runner, got " +
                                              std::string(ipc_message_type(*first)));
  }
  connection.child_process_id_ = ready->process_id;
  step.set_detail(fmt::format("launcher {}, runner process {}, command process {}", launcher.name(),
                              runner_id, ready->process_id));
  return connection;
}

std::optional<CommandFrame> receive_command_frame(RunnerChannel& channel,
                                                  std::chrono::milliseconds every,
                                                  const std::function<void()>& idle,
                                                  std::string_view during) {
  std::optional<IpcMessage> message = channel.receive(every, idle);
  if (!message) return std::nullopt;
  if (auto* output = std::get_if<IpcOutput>(&*message)) return CommandFrame(std::move(*output));
  if (const auto* exit = std::get_if<IpcExit>(&*message)) return CommandFrame(*exit);
  if (const auto* error = std::get_if<IpcError>(&*message)) throw error_from_runner(*error);
  throw Error(ErrorCode::runner_failed, "unexpected `" + std::string(ipc_message_type(*message)) +
                                            "` frame from the runner during " +
                                            std::string(during));
}

void send_stdin(RunnerChannel& channel, std::string_view bytes) {
  constexpr std::size_t kStdinChunkBytes = 1024 * 1024;
  for (std::size_t at = 0; at < bytes.size(); at += kStdinChunkBytes) {
    channel.send(IpcStdin{std::string(bytes.substr(at, kStdinChunkBytes))});
  }
}

}  // namespace winsandbox::win
