// The capture entry points. Portable: the Windows work is in src/win/sandboxed_capture.cpp;
// other hosts get ErrorCode::unsupported_platform.
#include "winsandbox/capture.hpp"

#include <nlohmann/json.hpp>

#include "api/legacy_adapter.hpp"
#include "common/log.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/legacy_policy.hpp"

#if defined(_WIN32)
#include "win/sandboxed_capture.hpp"
#else
extern char** environ;  // NOLINT: POSIX
#endif

namespace winsandbox {

void throw_unsupported_platform(std::string_view what) {
  throw Error(ErrorCode::unsupported_platform,
              std::string(what) + " runs commands in a Windows sandbox and needs a Windows host");
}

void convert_legacy_policy(std::string_view kind, std::string_view entry_point,
                           const std::string& policy, const std::string& policy_cwd,
                           PermissionProfile& profile, ProfileBinding& binding) {
  try {
#if defined(_WIN32)
    (void)entry_point;
    const SandboxPolicy parsed = parse_policy_string(policy);
    const WinPath cwd = WinPath::parse(policy_cwd);
    const std::unique_ptr<FileSystemView> fs = open_host_file_system();
    profile = profile_from_legacy_policy(parsed, cwd, *fs);
    binding = ProfileBinding::for_profile_cwd(cwd);
#else
    (void)policy;
    (void)policy_cwd;
    (void)profile;
    (void)binding;
    throw_unsupported_platform(entry_point);
#endif
  } catch (const Error& error) {
    log::refusal(kind, error);
    throw;
  }
}

CaptureResult run_capture_for_permission_profile(const CaptureRequest& request) {
  try {
#if defined(_WIN32)
    return win::run_sandboxed_capture(request);
#else
    (void)request;
    throw_unsupported_platform("run_capture_for_permission_profile");
#endif
  } catch (const Error& error) {
    log::refusal("capture", error);
    throw;
  }
}

CaptureResult run_capture_for_policy(const std::string& policy, const std::string& policy_cwd,
                                     CaptureRequest request) {
  convert_legacy_policy("capture", "run_capture_for_policy", policy, policy_cwd, request.profile,
                        request.binding);
  return run_capture_for_permission_profile(request);  // logs its own refusals
}

std::string capture_result_to_json(const CaptureResult& result) {
  nlohmann::ordered_json json{
      {"exit_code", result.exit_code},
      {"stdout", result.stdout_bytes},
      {"stderr", result.stderr_bytes},
      {"timed_out", result.timed_out},
      {"cancelled", result.cancelled},
      {"stdout_truncated", result.stdout_truncated},
      {"stderr_truncated", result.stderr_truncated},
      {"warnings", result.warnings},
  };
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Environment current_process_environment() {
#if defined(_WIN32)
  return win::process_environment();
#else
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    try {
      env.set(text.substr(0, eq), text.substr(eq + 1));
    } catch (const Error&) {
      // a name Environment cannot hold: not passed on
    }
  }
  return env;
#endif
}

}  // namespace winsandbox
