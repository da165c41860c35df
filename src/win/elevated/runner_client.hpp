// The parent's side of one runner (docs/elevated.md#runner-transport): start it through a
// RunnerLauncher, wait for it on its pipes, send the spawn_request, wait for spawn_ready — and
// end it cleanly or not at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <variant>

#include "win/elevated/runner_channel.hpp"
#include "win/elevated/runner_launcher.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox::win {

// A runner whose child has started.
class RunnerConnection {
public:
  RunnerConnection(RunnerConnection&&) noexcept = default;
  // No move-assignment: it would drop a live runner without finish().
  RunnerConnection& operator=(RunnerConnection&&) = delete;
  // Closes the runner's input (it ends the child's tree) and gives it kRunnerExitGrace to exit
  // before terminating it.
  ~RunnerConnection();

  RunnerChannel& channel() noexcept { return channel_; }
  HANDLE runner_process() const noexcept { return runner_.process.get(); }
  // The command's process id, as the runner reported it.
  std::uint32_t child_process_id() const noexcept { return child_process_id_; }

  // Closes the input, waits up to kRunnerExitGrace for the runner to exit, then terminates it.
  void finish() noexcept;

private:
  friend RunnerConnection start_runner(RunnerLauncher&, const WinPath&, const IpcSpawnRequest&);
  RunnerConnection(RunnerProcess runner, RunnerChannel channel)
      : runner_(std::move(runner)), channel_(std::move(channel)) {}

  RunnerProcess runner_;
  RunnerChannel channel_;
  std::uint32_t child_process_id_ = 0;
};

// How long a runner whose input was closed gets to exit by itself.
inline constexpr std::chrono::milliseconds kRunnerExitGrace{5000};
// How long a `terminate` frame may wait to be taken. A runner that does not take it in time is
// blocked (e.g. feeding stdin to a command that never reads it) and is terminated instead; its
// job ends the command's tree.
inline constexpr std::chrono::milliseconds kTerminateFrameLimit{2000};

// Creates the pipes (open to the launcher's account and the caller only), starts `runner` as
// `winsandbox-runner --pipe-in=… --pipe-out=… --launch=<launcher>` in the request's cwd,
// connects (kRunnerConnectTimeout each, the client must be that runner), sends `request` and
// waits up to kRunnerSpawnReadyTimeout for spawn_ready. Any failure terminates the runner.
// Throws the runner's `error` as error_from_runner does, Error(runner_failed) otherwise.
RunnerConnection start_runner(RunnerLauncher& launcher, const WinPath& runner,
                              const IpcSpawnRequest& request);

// The API error for a runner's `error` frame: its code when it is one of ours (runner_failed
// otherwise), "runner <stage>: <message>", its Windows error.
Error error_from_runner(const IpcError& error);

// What the runner sends while its command runs: output, then exit.
using CommandFrame = std::variant<IpcOutput, IpcExit>;
// The next such frame (receive's `every` and `idle`), or nullopt when the runner closed its
// pipe. An `error` frame throws error_from_runner; any other type throws Error(runner_failed)
// naming `during` ("a capture", "a session").
std::optional<CommandFrame> receive_command_frame(RunnerChannel& channel,
                                                  std::chrono::milliseconds every,
                                                  const std::function<void()>& idle,
                                                  std::string_view during);

// Sends `bytes` to the command's stdin as stdin frames of at most 1 MiB (1.4 MiB of base64,
// far below the frame limit); errors as RunnerChannel::send.
void send_stdin(RunnerChannel& channel, std::string_view bytes);

}  // namespace winsandbox::win
