// What winsandbox-runner.exe does with the parent's first frame before it builds a token
// (docs/elevated.md#runner-checks): accept only a protocol-v2 spawn_request, resolve its profile
// with the binding it carries (never its cwd), refuse a request whose token SIDs are not the
// ones that resolution gives, and look the program up in the environment the parent planned.
// Portable, so the checks are tested natively and fuzzed; the runner binary adds the pipes, the
// token and the launch.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plan/launch_plan.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/ipc.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// The stages a runner reports a failure at (the `error` frame's message starts with it).
//
// | stage     | what failed                                                   |
// |-----------|---------------------------------------------------------------|
// | handshake | the first frame: missing, undecodable, wrong version or type |
// | resolve   | the request's profile, binding or cwd                        |
// | plan      | SIDs disagree, admission, program lookup                     |
// | spawn     | token, launch (the runner binary)                            |
inline constexpr std::string_view kRunnerStageHandshake = "handshake";
inline constexpr std::string_view kRunnerStageResolve = "resolve";
inline constexpr std::string_view kRunnerStagePlan = "plan";
inline constexpr std::string_view kRunnerStageSpawn = "spawn";
inline constexpr std::string_view kRunnerStageWait = "wait";  // the command ran; waiting failed

// The first frame, which must be a spawn_request. Throws as FrameReader::read
// (ipc_protocol_mismatch for another version, ...), Error(ipc_truncated_frame) when the stream
// ends before any frame, Error(ipc_malformed_message) for any other message type.
IpcSpawnRequest read_spawn_request(FrameReader& in);

// The binding the request carries: workspace_roots when present, else permission_profile_cwd.
ProfileBinding binding_of(const IpcSpawnRequest& request);

// resolve(profile, binding_of(request), cwd, env) for the elevated backend. Throws as resolve;
// Error(relative_path / invalid_path) for a bad cwd or root.
ResolvedPermissions resolve_spawn_request(const IpcSpawnRequest& request, const FileSystemView& fs);

struct RunnerLaunch {
  PlannedProgram program;
  std::vector<std::string> token_sids;  // == request.cap_sids, in token order
};

// The runner's plan for `request`, resolved as above, with `sids` the sandbox home's SIDs for
// the resolved writable roots (CapabilitySidStore::preview: read only). Throws
// Error(ipc_request_mismatch) when request.cap_sids differ from token_capability_sids(resolved,
// sids) — a parent that resolved with another binding or a tampered frame — and as admit_launch
// (elevated backend, home = real_sandbox_home) and plan_program otherwise.
RunnerLaunch plan_runner_launch(const IpcSpawnRequest& request, const ResolvedPermissions& resolved,
                                const CapabilitySids& sids, const FileSystemView& fs);

// The `error` frame for `error` at `stage`: code = the stable code name, message =
// "<stage>: <what>", stage, and the error's Windows error when it has one.
IpcError runner_error(std::string_view stage, const Error& error);

}  // namespace winsandbox
