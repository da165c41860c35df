// Capture: run one command inside the sandbox a permission profile describes, and return its
// exit code and its (bounded) stdout and stderr, optionally streamed as they arrive. Behaviour:
// docs/execution.md#capture-engine profile-native first (docs/architecture.md#layers), with the
// legacy policy-string entry point as a thin converter on top.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// Exit code of a timed-out capture (128 + 64, as the reference).
inline constexpr std::int32_t kCaptureTimeoutExitCode = 192;
// Default per-stream output cap.
inline constexpr std::size_t kDefaultCaptureMaxOutputBytes = 1024 * 1024;

struct CaptureRequest {
  PermissionProfile profile{};
  // What `:project_roots` binds to (ProfileBinding::for_profile_cwd for the single-cwd API).
  ProfileBinding binding{};
  // argv: command[0] is the program, resolved from the child's PATH / PATHEXT and `cwd`.
  std::vector<std::string> command{};
  // Absolute directory the command starts in (UTF-8, Windows syntax). Empty: the first
  // workspace root.
  std::string cwd{};
  // The child's environment. PATH and PATHEXT are taken from this process when absent; see
  // build_child_environment (child_env.hpp) for everything that is added.
  Environment env{};
  // nullopt: no limit. Non-negative, 64-bit.
  std::optional<std::chrono::milliseconds> timeout{};
  // Bytes for the child's stdin, then end-of-file; nullopt: end-of-file at once.
  std::optional<std::string> stdin_bytes{};
  // Per-stream cap on what is kept in CaptureResult (the rest is read and dropped; the stream
  // is flagged truncated). With a streaming callback below it bounds only the kept copy, never
  // what the callback sees: 0 keeps nothing (the stream is then flagged truncated as soon as it
  // carries a byte).
  std::size_t max_output_bytes = kDefaultCaptureMaxOutputBytes;
  // Streaming (optional): when set, each chunk of the child's stdout / stderr is passed to the
  // callback as soon as it is read — every byte, in order, uncapped, chunks of any size (never
  // empty) — on the thread that called run_capture_*, before the call returns. Order is kept
  // within each stream, not across the two. A callback that throws ends the capture: the process
  // tree is terminated and the exception propagates out of run_capture_*. A slow callback slows
  // the child (its pipe fills), it never loses output; the timeout keeps running meanwhile.
  std::function<void(std::string_view)> on_stdout{};
  std::function<void(std::string_view)> on_stderr{};
  // Polled while the command runs; returning true ends the whole process tree.
  std::function<bool()> cancel_requested{};
  // Where the capability SIDs and the applied ACL state live (required; created if missing).
  std::filesystem::path sandbox_home{};
  // Run the command on a fresh desktop of its own instead of the user's (Winsta0\Default), so
  // it cannot send window messages to, or read the screen of, the user's programs.
  bool use_private_desktop = false;
};

struct CaptureResult {
  // Signed 32-bit (an NTSTATUS like 0xC0000005 is negative); kCaptureTimeoutExitCode when
  // timed out; 1 when cancelled (the process tree is terminated with exit code 1, as the
  // reference).
  std::int32_t exit_code = 0;
  std::string stdout_bytes;
  std::string stderr_bytes;
  bool timed_out = false;
  bool cancelled = false;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  // Non-fatal notes: what this run does not enforce (with the network blocked, the unelevated
  // backend's block is advisory: a program that opens a socket itself is not stopped), or that
  // the NUL device could not be granted.
  std::vector<std::string> warnings;
};

// Runs `request.command` under a write-restricted token carrying the profile's capability
// SIDs, after making the DACLs on disk match the profile's ACL plan (unelevated backend). The
// steps, all before anything runs: validate the request, resolve the profile against the real
// disk, write the network stubs when the network is blocked (`<sandbox_home>\.sbx-denybin`,
// first on the child's PATH; child_env.hpp), build the child environment, find the program,
// assign capability SIDs, apply the ACL diff (rolled back on failure), grant the NUL device,
// build the token.
//
// Errors (Error codes): invalid_argument (empty command, empty sandbox_home, negative timeout,
// an argument cmd.exe would interpret when the program is a `.bat` / `.cmd` script:
// quote_batch_command_line in command_line.hpp),
// relative_path / invalid_path (cwd), invalid_path (cwd missing or not a directory),
// command_not_found, the resolve() codes for unenforceable profiles (profile_not_managed,
// filesystem_unrestricted, full_disk_write, ...) — never an unsandboxed run —,
// elevated_backend_required (the profile restricts reads: no full-disk read, or deny-read
// paths or globs; the unelevated backend's write-restricted token cannot confine reads, so it
// refuses before writing any state),
// win32_call_failed / io_error for system failures, and unsupported_platform on non-Windows
// hosts. Bad input fails before any ACL is touched.
CaptureResult run_capture_for_permission_profile(const CaptureRequest& request);

// Legacy adapter: `policy` is a policy string (`read-only`, `workspace-write` or JSON;
// parse_policy_string), converted to a profile with profile_from_legacy_policy against
// `policy_cwd` (which is also the workspace root); `request.profile` and `request.binding` are
// replaced. Then run_capture_for_permission_profile.
CaptureResult run_capture_for_policy(const std::string& policy, const std::string& policy_cwd,
                                     CaptureRequest request);

// `{"exit_code":0,"stdout":"...","stderr":"...","timed_out":false,"cancelled":false,
//   "stdout_truncated":false,"stderr_truncated":false,"warnings":[]}` (output bytes as JSON
// strings; invalid UTF-8 is replaced by U+FFFD).
std::string capture_result_to_json(const CaptureResult& result);

// This process's environment (the CLI hands it to the child). Empty on hosts where it cannot
// be read.
Environment current_process_environment();

}  // namespace winsandbox
