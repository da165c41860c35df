// The parent's end of one runner's IPC (docs/elevated.md#runner-transport): two byte-mode
// named pipes with unguessable names that only the given accounts may open, the wait for the
// runner we started (and nobody else) to connect, and framed send / receive on top.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <windows.h>

#include "win/elevated/pipe_stream.hpp"
#include "win/handles.hpp"
#include "win/sid.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox::win {

// How long the runner may take to connect to each pipe, and to answer the spawn_request.
inline constexpr std::chrono::milliseconds kRunnerConnectTimeout{15000};
inline constexpr std::chrono::milliseconds kRunnerSpawnReadyTimeout{15000};

class RunnerChannel {
public:
  // Creates both server ends: \\.\pipe\winsandbox-runner-<128-bit random hex>-in (parent ->
  // runner) and -out, first instance only, local clients only, with a protected DACL granting
  // GENERIC_ALL to each of `clients` and to nobody else.
  static RunnerChannel create(const std::vector<Sid>& clients);

  RunnerChannel(RunnerChannel&&) noexcept = default;
  RunnerChannel& operator=(RunnerChannel&&) noexcept = default;

  const std::wstring& input_name() const noexcept { return input_name_; }
  const std::wstring& output_name() const noexcept { return output_name_; }

  // Waits until the runner connected to both pipes (at most `timeout` each) and checks that the
  // client of each is process `runner_id`. Error(runner_failed) when the runner exits first, the
  // time runs out, or another process connected (the pipe is then useless: refuse).
  void connect(HANDLE runner_process, DWORD runner_id, std::chrono::milliseconds timeout);

  // Sends one frame; frames sent from several threads go out whole, one after the other.
  // Error(runner_failed) when the runner went away first. With `limit`: also when the frame
  // could not be sent within it (another send holds the pipe, or the runner stopped reading);
  // the channel may then hold half a frame, and the caller must end the runner.
  void send(const IpcMessage& message,
            std::optional<std::chrono::milliseconds> limit = std::nullopt);

  // Raw bytes on the runner's input, framed or not (tests feed the runner hostile input).
  void send_raw_for_tests(std::string_view bytes);

  // The next frame, or nullopt when the runner closed its end. While waiting, `idle` runs every
  // `every` and may throw to give up (nothing stays in flight).
  std::optional<IpcMessage> receive(std::chrono::milliseconds every,
                                    const std::function<void()>& idle);

  // Closes the runner's input: it ends the command's process tree and exits
  // (src/ipc/runner_input.hpp). Later sends fail.
  void close_input() noexcept;

private:
  RunnerChannel() = default;

  std::wstring input_name_;
  std::wstring output_name_;
  UniqueHandle input_;  // we write
  // One frame at a time on input_ (a pointer: the channel moves).
  std::unique_ptr<std::timed_mutex> send_mutex_ = std::make_unique<std::timed_mutex>();
  UniqueHandle output_;  // we read
  // Reads output_ for every receive(): buffered, so what one ReadFile brought in beyond the
  // current frame is kept for the next.
  std::unique_ptr<PipeByteReader> output_reader_;
  HANDLE runner_process_ = nullptr;  // not owned; set by connect()
};

}  // namespace winsandbox::win
