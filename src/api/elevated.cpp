// The elevated backend's entry points. Portable: the Windows work is in src/win/elevated/;
// other hosts get ErrorCode::unsupported_platform.
#include "winsandbox/elevated.hpp"

#include "api/legacy_adapter.hpp"
#include "common/log.hpp"
#include "winsandbox/error.hpp"

#if defined(_WIN32)
#include "win/elevated/elevated_capture.hpp"
#include "win/elevated/runner_session.hpp"
#endif

namespace winsandbox {

CaptureResult run_capture_for_permission_profile_elevated(
    const ElevatedProfileCaptureRequest& request) {
  try {
#if defined(_WIN32)
    return win::run_elevated_capture(request);
#else
    (void)request;
    throw_unsupported_platform("run_capture_for_permission_profile_elevated");
#endif
  } catch (const Error& error) {
    log::refusal("elevated capture", error);
    throw;
  }
}

Session spawn_session_for_permission_profile_elevated(
    const ElevatedProfileSessionRequest& request) {
  try {
#if defined(_WIN32)
    return win::spawn_elevated_session(request);
#else
    (void)request;
    throw_unsupported_platform("spawn_session_for_permission_profile_elevated");
#endif
  } catch (const Error& error) {
    log::refusal("elevated session", error);
    throw;
  }
}

CaptureResult run_capture_elevated_for_policy(const std::string& policy,
                                              const std::string& policy_cwd,
                                              ElevatedProfileCaptureRequest request) {
  convert_legacy_policy("elevated capture", "run_capture_elevated_for_policy", policy, policy_cwd,
                        request.capture.profile, request.capture.binding);
  return run_capture_for_permission_profile_elevated(request);
}

Session spawn_session_elevated_for_policy(const std::string& policy, const std::string& policy_cwd,
                                          ElevatedProfileSessionRequest request) {
  convert_legacy_policy("elevated session", "spawn_session_elevated_for_policy", policy, policy_cwd,
                        request.session.profile, request.session.binding);
  return spawn_session_for_permission_profile_elevated(request);
}

}  // namespace winsandbox
