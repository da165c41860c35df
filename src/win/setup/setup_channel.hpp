// How the orchestrator hands the setup request to winsandbox-setup.exe (docs/setup.md#channel):
// a byte-mode named pipe `\\.\pipe\winsandbox-setup-<32 hex CSPRNG>` that only the calling user,
// SYSTEM and Administrators may open (the elevated helper runs as an administrator, perhaps
// another one than the caller), first instance only, local clients only. The orchestrator
// waits for the helper to connect, checks that the client is the helper process it started
// (GetNamedPipeClientProcessId), and writes ONE frame: u32 little-endian length, then the
// request JSON (setup_request_to_json), at most kMaxFrameBytes. No secret is ever on a command
// line.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <windows.h>

#include "win/handles.hpp"

namespace winsandbox::win {

// The prefix of every setup pipe name.
inline constexpr char kSetupPipePrefix[] = "\\\\.\\pipe\\winsandbox-setup-";

// True for `\\.\pipe\winsandbox-setup-` + exactly 32 lower-case hex digits.
bool is_setup_pipe_name(std::string_view name) noexcept;

// The orchestrator's end.
class SetupChannelServer {
public:
  // Creates the server end. Throws Error(win32_call_failed).
  static SetupChannelServer create();

  SetupChannelServer(SetupChannelServer&&) noexcept = default;
  SetupChannelServer& operator=(SetupChannelServer&&) noexcept = default;

  // The pipe name to pass as --request-pipe.
  const std::string& name() const noexcept { return name_; }

  // Waits until a client connects (at most `timeout`, and no longer than `helper_process`
  // lives), checks that the client is `helper_process`, writes one frame holding
  // `request_json` (the pipe stays open until this object goes, so the helper can read all of
  // it). Error(setup_failed, "helper_failed (stage channel):
  // ...") when the helper exits first, the time runs out, another process connected (refused),
  // or the write fails.
  void send(std::string_view request_json, HANDLE helper_process,
            std::chrono::milliseconds timeout);

private:
  SetupChannelServer() = default;

  std::string name_;
  UniqueHandle pipe_;
};

// The helper's end: connects to `pipe_name` (which must satisfy is_setup_pipe_name), reads one
// frame and returns its body. Gives up with Error when the process `parent_pid` exits (or
// cannot be opened), when `timeout` passes, or when the stream ends before a whole frame.
std::string receive_setup_request(const std::string& pipe_name, DWORD parent_pid,
                                  std::chrono::milliseconds timeout);

}  // namespace winsandbox::win
