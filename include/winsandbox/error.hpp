// winsandbox::Error and its closed set of stable error codes.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace winsandbox {

// clang-format off
// Stable, closed set of failure categories. Callers branch on the code, never on message
// text. `error_code_name` returns the snake_case name used in CLI/JSON output; these names
// are part of the public contract and never change once shipped.
//
// | code                          | meaning                                                          |
// |-------------------------------|------------------------------------------------------------------|
// | invalid_argument              | a caller-supplied argument is malformed (generic)                |
// | invalid_profile               | permission profile JSON is malformed or violates a rule          |
// | invalid_policy                | legacy policy string is malformed or names an unsupported mode   |
// | relative_path                 | an absolute path was required, a relative one was given          |
// | invalid_path                  | a path cannot be parsed, or a subpath escapes its base           |
// | unsupported_legacy_projection | a profile cannot be expressed as a legacy policy                 |
// | profile_not_managed           | profile is disabled/external: nothing for us to enforce          |
// | filesystem_unrestricted       | managed profile with unrestricted filesystem                     |
// | full_disk_write               | profile grants full-disk write (incl. a drive root)              |
// | unc_path_unsupported          | UNC path or remote drive where a local path is required          |
// | invalid_glob                  | a deny-read glob pattern does not compile or has no meaning      |
// | invalid_snapshot              | filesystem snapshot JSON is malformed                            |
// | io_error                      | reading or writing a state/input file failed                     |
// | token_limit_exceeded          | the plan would need more SIDs than a Windows token allows        |
// | ipc_protocol_mismatch         | runner IPC frame has the wrong protocol version                  |
// | ipc_frame_too_large           | runner IPC frame exceeds the 8 MiB limit                         |
// | ipc_truncated_frame           | runner IPC stream ended inside a frame                           |
// | ipc_malformed_message         | runner IPC frame is not a valid message                          |
// | setup_required                | the elevated setup has not run or is out of date                 |
// | command_not_found             | the command to run could not be found                            |
// | win32_call_failed             | a Win32 call failed; `win32_error()` carries GetLastError        |
// | unsupported_platform          | execution entry point called on a non-Windows host               |
// | root_read_required            | the elevated backend needs effective `:root` read access         |
// | command_start_failed          | the command exists but could not be started (not executable,     |
// |                               | access denied, bad cwd); `win32_error()` says why                |
// | elevated_backend_required     | the profile restricts reads, which only the elevated backend     |
// |                               | enforces; the unelevated backend refuses it before acting        |
// | writable_root_redirected      | a writable root (or an ACL target) reaches its location through  |
// |                               | a junction/symlink the sandbox could have written; refused       |
// | ipc_request_mismatch          | the runner's own resolution of a spawn_request disagrees with    |
// |                               | what the parent sent (token SIDs); refused, nothing started      |
// | runner_failed                 | the elevated command runner could not be started or reached, or  |
// |                               | stopped talking before `exit`; the message names the stage       |
// | setup_failed                  | the elevated setup helper failed; the message starts with the    |
// |                               | setup error code and stage (`firewall_policy_ineffective (stage  |
// |                               | firewall): ...`, docs/setup.md#errors)                           |
// | setup_canceled                | the user declined the elevation (UAC) prompt of the setup        |
// clang-format on
enum class ErrorCode : std::uint8_t {
  invalid_argument,
  invalid_profile,
  invalid_policy,
  relative_path,
  invalid_path,
  unsupported_legacy_projection,
  profile_not_managed,
  filesystem_unrestricted,
  full_disk_write,
  unc_path_unsupported,
  invalid_glob,
  invalid_snapshot,
  io_error,
  token_limit_exceeded,
  ipc_protocol_mismatch,
  ipc_frame_too_large,
  ipc_truncated_frame,
  ipc_malformed_message,
  setup_required,
  command_not_found,
  win32_call_failed,
  unsupported_platform,
  root_read_required,
  command_start_failed,
  elevated_backend_required,
  writable_root_redirected,
  ipc_request_mismatch,
  runner_failed,
  setup_failed,
  setup_canceled,
};

// The stable snake_case name of `code`.
std::string_view error_code_name(ErrorCode code) noexcept;

// Parses a snake_case name back into a code (for IPC `error` messages and tests).
std::optional<ErrorCode> error_code_from_name(std::string_view name) noexcept;

// The one exception type of the library.
class Error : public std::runtime_error {
public:
  Error(ErrorCode code, std::string message, std::optional<std::uint32_t> win32_error = {});

  ErrorCode code() const noexcept { return code_; }
  // GetLastError()/HRESULT value when the failure came from a Win32 call.
  std::optional<std::uint32_t> win32_error() const noexcept { return win32_error_; }

private:
  ErrorCode code_;
  std::optional<std::uint32_t> win32_error_;
};

}  // namespace winsandbox
