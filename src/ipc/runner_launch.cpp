#include "ipc/runner_launch.hpp"

#include <variant>

#include "winsandbox/error.hpp"

namespace winsandbox {

IpcSpawnRequest read_spawn_request(FrameReader& in) {
  std::optional<IpcMessage> first = in.read();
  if (!first) {
    throw Error(ErrorCode::ipc_truncated_frame,
                "the parent closed the pipe before sending a spawn_request");
  }
  if (auto* request = std::get_if<IpcSpawnRequest>(&*first)) return std::move(*request);
  throw Error(ErrorCode::ipc_malformed_message, "the first frame must be a spawn_request, got " +
                                                    std::string(ipc_message_type(*first)));
}

ProfileBinding binding_of(const IpcSpawnRequest& request) {
  ProfileBinding binding;
  if (request.workspace_roots) {
    for (const auto& root : *request.workspace_roots) {
      binding.workspace_roots.push_back(WinPath::parse(root));
    }
  } else {
    binding.workspace_roots.push_back(WinPath::parse(request.permission_profile_cwd));
  }
  return binding;
}

ResolvedPermissions resolve_spawn_request(const IpcSpawnRequest& request,
                                          const FileSystemView& fs) {
  // The runner's decisions (token SIDs, admission, program) never read the glob matches, and the
  // parent's grants enforce them: no second walk of the workspace per command.
  return resolve(request.permission_profile, binding_of(request), WinPath::parse(request.cwd),
                 request.env, fs, {.expand_deny_read_globs = false});
}

RunnerLaunch plan_runner_launch(const IpcSpawnRequest& request, const ResolvedPermissions& resolved,
                                const CapabilitySids& sids, const FileSystemView& fs) {
  std::vector<std::string> token_sids = token_capability_sids(resolved, sids);
  if (token_sids != request.cap_sids) {
    throw Error(ErrorCode::ipc_request_mismatch,
                "the spawn_request carries " + std::to_string(request.cap_sids.size()) +
                    " capability SID(s) that are not the " + std::to_string(token_sids.size()) +
                    " its profile and binding resolve to here; refusing to build that token");
  }
  const WinPath cwd = WinPath::parse(request.cwd);
  const WinPath sandbox_home = WinPath::parse(request.real_sandbox_home);
  admit_launch(LaunchPlanInput{.backend = SandboxBackend::elevated,
                               .resolved = resolved,
                               .command_cwd = cwd,
                               .sandbox_home = sandbox_home,
                               .env = request.env,
                               .command = request.command,
                               .inherited_path = std::nullopt,
                               .inherited_pathext = std::nullopt,
                               .denybin_directory = std::nullopt,
                               .program_lookup = ProgramLookup::now},
               fs);
  return RunnerLaunch{plan_program(request.command, cwd, request.env, fs), std::move(token_sids)};
}

IpcError runner_error(std::string_view stage, const Error& error) {
  return IpcError{.message = std::string(stage) + ": " + error.what(),
                  .code = std::string(error_code_name(error.code())),
                  .stage = std::string(stage),
                  .windows_error = error.win32_error()};
}

}  // namespace winsandbox
