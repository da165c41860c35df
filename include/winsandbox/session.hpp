// Session: a sandboxed command that keeps running while the caller talks to it (pipe mode):
// write to its stdin, close it, read its output through callbacks or by pulling, terminate it,
// wait for its exit code. Same sandbox as capture.hpp (profile-native first, legacy policy
// adapter on top). ConPTY sessions (`tty = true`) are not implemented yet.
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

struct SessionRequest {
  PermissionProfile profile{};
  ProfileBinding binding{};
  std::vector<std::string> command{};
  std::string cwd{};  // absolute; empty: the first workspace root
  Environment env{};
  std::filesystem::path sandbox_home{};
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

  // Writes all of `bytes` to the command's stdin (blocks until the pipe took them). Throws
  // Error(invalid_argument) after close_stdin(), Error(win32_call_failed) if the command no
  // longer reads its stdin.
  void write_stdin(std::string_view bytes);
  // The command reads end-of-file once it has consumed what was written.
  void close_stdin();
  // Ends the whole process tree (exit code 1).
  void terminate();
  // Waits for the command to exit (nullopt: no limit) and for its output to be delivered;
  // returns its exit code (signed 32-bit), or nullopt when `timeout` ran out first. When the
  // command exits, processes it started are ended too.
  std::optional<std::int32_t> wait(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // The exit code if the command has exited, without waiting.
  std::optional<std::int32_t> exit_code();
  // Output received so far and not taken yet (only streams without a callback).
  std::string take_stdout();
  std::string take_stderr();
  // Non-fatal notes from the sandbox setup.
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

}  // namespace winsandbox
