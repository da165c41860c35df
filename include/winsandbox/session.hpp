// Session: a sandboxed command that keeps running while the caller talks to it: write to its
// stdin, close it, read its output through callbacks or by pulling, resize its terminal,
// terminate it, wait for its exit code. Same sandbox as capture.hpp (profile-native first,
// legacy policy adapter on top).
//
// | mode              | the command's stdin / stdout / stderr        | bytes written to stdin    |
// |-------------------|----------------------------------------------|---------------------------|
// | pipes (tty=false) | three pipes; stdout and stderr kept apart     | delivered exactly         |
// | ConPTY (tty=true) | a pseudo console; its screen output (UTF-8   | TTY-normalized: LF -> CR, |
// |                   | with VT sequences) is the stdout stream, and  | CRLF -> CR, BS -> DEL     |
// |                   | stderr is merged into it (on_stderr unused)   | (Ctrl-C is byte 0x03)     |
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// A terminal's size in character cells.
struct TerminalSize {
  std::uint16_t rows = 24;
  std::uint16_t cols = 80;
};

struct SessionRequest {
  PermissionProfile profile{};
  ProfileBinding binding{};
  std::vector<std::string> command{};
  std::string cwd{};  // absolute; empty: the first workspace root
  Environment env{};
  std::filesystem::path sandbox_home{};
  // As CaptureRequest::use_private_desktop; the desktop lives as long as the session.
  bool use_private_desktop = false;
  // Attach the command to a pseudo console of `terminal_size` instead of pipes (table above).
  bool tty = false;
  TerminalSize terminal_size{};
  // Called on the session's reader thread with each chunk of output. Without a callback the
  // bytes are kept until taken (Session::take_stdout / take_stderr).
  std::function<void(std::string_view)> on_stdout{};
  std::function<void(std::string_view)> on_stderr{};
};

class Session {
public:
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // Ends the whole process tree if it still runs.
  ~Session();

  // Threads: write_stdin / close_stdin may run on one thread while another calls wait,
  // exit_code, resize or terminate (e.g. a terminal's input pump next to its wait loop).

  // Writes all of `bytes` to the command's stdin (blocks until the pipe took them; with
  // tty = true, after TTY normalization). Throws Error(invalid_argument) after close_stdin(),
  // Error(win32_call_failed) if the command no longer reads its stdin.
  void write_stdin(std::string_view bytes);
  // Pipes: the command reads end-of-file once it has consumed what was written. ConPTY: the
  // console's input ends, and the console host may close the console under the command.
  void close_stdin();
  // Resizes the pseudo console. Throws Error(invalid_argument) for a pipe session, a zero size,
  // or once the command has exited (its pseudo console is gone); Error(win32_call_failed) when
  // the system refuses (Wine does not implement ResizePseudoConsole).
  void resize(TerminalSize size);
  // Ends the whole process tree (exit code 1).
  void terminate();
  // Waits for the command to exit (nullopt: no limit) and for its output to be delivered;
  // returns its exit code (signed 32-bit), or nullopt when `timeout` ran out first. When the
  // command exits, processes it started are ended too, and a pseudo console is closed.
  std::optional<std::int32_t> wait(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // The exit code if the command has exited, without waiting.
  std::optional<std::int32_t> exit_code();
  // Output received so far and not taken yet (only streams without a callback).
  std::string take_stdout();
  std::string take_stderr();
  bool is_tty() const;
  // The command's process id (as the system reports it; for logs and diagnostics).
  std::uint32_t process_id() const;
  // Non-fatal notes from the sandbox setup, as CaptureResult::warnings (e.g. that the network
  // block is advisory under the unelevated backend).
  const std::vector<std::string>& warnings() const;

  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);

private:
  std::unique_ptr<Impl> impl_;
};

// Starts `request.command` in the sandbox (errors and steps as
// run_capture_for_permission_profile). Throws Error(unsupported_platform) off Windows.
Session spawn_session_for_permission_profile(const SessionRequest& request);

// Legacy adapter: the policy string and its cwd become the profile and binding (as
// run_capture_for_policy).
Session spawn_session_for_policy(const std::string& policy, const std::string& policy_cwd,
                                 SessionRequest request);

// How run_session_in_this_terminal connects the command to this process's terminal.
//
// | mode           | the command gets          | this process's stdin                         |
// |----------------|---------------------------|----------------------------------------------|
// | automatic      | pseudo_console when stdin is a console, pipes otherwise                  |
// | pseudo_console | a pseudo console the size | a console: switched to raw VT input (no      |
// |                | of this console (80x24    | echo, no line editing; Ctrl-C is byte 0x03   |
// |                | when stdout is not one),  | and reaches the command), restored on return;|
// |                | resized as it changes     | otherwise its bytes are forwarded (TTY-      |
// |                |                           | normalized); the input stays open at its end |
// | pipes          | stdin/stdout/stderr pipes | bytes forwarded exactly; end-of-file closes  |
// |                |                           | the command's stdin; Ctrl-C ends the command |
//
// The command's output goes to this process's stdout and stderr, unchanged (a console's code
// page is UTF-8 while the session runs).
enum class TerminalMode { automatic, pseudo_console, pipes };

// Starts the session with `spawn` (the profile-native entry point, or a lambda calling the
// legacy adapter) after setting `request`'s tty, terminal_size and callbacks, runs it attached
// to this process's standard streams until the command exits, and returns its exit code.
// Errors as `spawn`; a resize the system refuses is reported once on stderr, not an error.
using SessionSpawner = std::function<Session(const SessionRequest&)>;
std::int32_t run_session_in_this_terminal(
    SessionRequest request, TerminalMode mode,
    const SessionSpawner& spawn = spawn_session_for_permission_profile);

}  // namespace winsandbox
