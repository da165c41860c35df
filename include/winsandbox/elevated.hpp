// The elevated backend's entry points: run a command as a dedicated local sandbox account
// through winsandbox-runner.exe, so deny-read and the network block are enforced by Windows,
// not advised (docs/elevated.md). Same results as the unelevated backend: CaptureResult and
// Session. Profile-native first; the legacy policy-string adapters convert and call them.
//
// The binding rule (docs/architecture.md#binding-rule): the profile's symbolic project roots
// bind to `binding` — the permission profile cwd or the workspace roots — everywhere: the
// resolution, the capability SIDs, the setup inputs, the runner's spawn_request and the
// runner's own resolution. The command cwd is only where the command starts.
//
// How the runner is started (docs/elevated.md#runner-launch):
//
// clang-format off
// | WINSANDBOX_TEST_RUNNER_LAUNCH | the runner runs as                            | needs                                        |
// |-------------------------------|-----------------------------------------------|----------------------------------------------|
// | unset (production)            | the sandbox account (CreateProcessWithLogonW) | the setup: run first when missing/outdated   |
// | `direct`                      | the caller; reads and network NOT confined    | nothing (tests, Wine); a warning is returned |
//
// With the production launcher every command first checks the setup (docs/setup.md#orchestration):
// missing or outdated → winsandbox-setup.exe runs elevated (UAC prompt unless the caller is
// elevated or forbids prompting); current → only new ACL grants are written (none when nothing
// changed). Stale account credentials → one repair run, then setup_required. The direct
// launcher skips all of it, unless WINSANDBOX_TEST_SETUP_SYSTEM selects the fake machine (tests
// then count the setup's calls).
// clang-format on
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "winsandbox/capture.hpp"
#include "winsandbox/session.hpp"
#include "winsandbox/setup_request.hpp"

namespace winsandbox {

// What the elevated setup is asked to provision beyond what the profile says (the setup
// request's overrides: include/winsandbox/setup_request.hpp). Absolute Windows paths.
struct ElevatedSetupOverrides {
  // Replace the read roots gathered from the profile.
  std::optional<std::vector<std::string>> read_roots_override{};
  // With read_roots_override: add the platform defaults (%SystemRoot%, %ProgramFiles%, ...).
  bool read_roots_include_platform_defaults = false;
  // Replace the write roots (default: the profile's existing writable roots).
  std::optional<std::vector<std::string>> write_roots_override{};
  // Added to the profile's deny-read paths / read-only subpaths.
  std::vector<std::string> deny_read_paths_override{};
  std::vector<std::string> deny_write_paths_override{};
  // The host routes the command's traffic through a proxy it enforces: the command runs as the
  // offline account (loopback proxies only) even when the profile enables the network
  // (include/winsandbox/resolve.hpp, NetworkIdentity).
  bool proxy_enforced = false;
  // Whether the elevated setup (docs/setup.md#orchestration) may show a UAC prompt when it has
  // to run (missing or outdated setup, stale credentials). Default: prompting allowed. False:
  // Error(setup_required) instead, and nothing is started (a caller without a user in front of
  // it, e.g. a background agent, runs `winsandbox setup` once beforehand).
  bool allow_setup_prompt = true;
  // The host's loopback proxy port policy (docs/setup.md#port-policy): the ranges its proxy may
  // ever listen on, set once. The setup permits them in addition to the profile's proxy ports,
  // so a proxy that moves to another port inside them needs no new setup (and no UAC prompt).
  // Offline identity only; empty: only the profile's ports.
  std::vector<PortRange> proxy_port_policy{};
};

struct ElevatedProfileCaptureRequest {
  // Everything a capture takes, with the same meaning (capture.hpp): profile, binding, command,
  // cwd, env, timeout, stdin bytes, max output, streaming callbacks, cancellation, sandbox home,
  // private desktop.
  CaptureRequest capture{};
  ElevatedSetupOverrides setup{};
};

struct ElevatedProfileSessionRequest {
  SessionRequest session{};
  ElevatedSetupOverrides setup{};
};

// Runs the command through winsandbox-runner.exe and returns what run_capture_for_permission_
// profile returns for the same command: exit code (192 on timeout, 1 when cancelled), bounded
// stdout and stderr kept apart, streamed through the callbacks as they arrive, warnings.
// The runner enforces the timeout; cancellation sends it `terminate`.
//
// Errors: as run_capture_for_permission_profile for bad input and unenforceable profiles
// (checked before anything starts), except that read-restricting profiles are accepted;
// root_read_required (the elevated backend needs the cwd's drive root readable);
// setup_required (the setup must run and the caller forbids prompting, or the account
// credentials stay stale after a repair run); setup_canceled (the UAC prompt was declined);
// setup_failed (winsandbox-setup.exe failed: "<setup error code> (stage <stage>): <message>");
// runner_failed (winsandbox-runner.exe missing next to this executable, could not
// start, did not connect or answer within 15 s, connected from another process, or stopped
// before `exit`); and every code the runner reports (its checks: ipc_request_mismatch,
// command_not_found, ...), with the stage in the message ("runner plan: ...") and the Windows
// error when there is one. Throws Error(unsupported_platform) off Windows.
CaptureResult run_capture_for_permission_profile_elevated(
    const ElevatedProfileCaptureRequest& request);

// Starts the command through winsandbox-runner.exe as a Session (pipes or a pseudo console;
// session.hpp). Errors as above. Session::resize and write_stdin are forwarded as frames: a
// resize the runner's system refuses is dropped there, not reported.
Session spawn_session_for_permission_profile_elevated(const ElevatedProfileSessionRequest& request);

// Legacy adapters: `policy` and `policy_cwd` become the profile and its binding
// (profile_from_legacy_policy; the policy cwd is the binding, never the command cwd), then the
// profile-native entry point.
CaptureResult run_capture_elevated_for_policy(const std::string& policy,
                                              const std::string& policy_cwd,
                                              ElevatedProfileCaptureRequest request);
Session spawn_session_elevated_for_policy(const std::string& policy, const std::string& policy_cwd,
                                          ElevatedProfileSessionRequest request);

}  // namespace winsandbox
