// The elevated backend's capture (include/winsandbox/elevated.hpp): the prepared launch
// (elevated_launch.hpp) run by winsandbox-runner.exe, its frames turned into a CaptureResult.
#pragma once

#include "winsandbox/capture.hpp"
#include "winsandbox/elevated.hpp"

namespace winsandbox::win {

// How long past the command's timeout, or past a cancellation, the parent waits for the
// runner's `exit` before it terminates the runner (whose job then ends the command's tree).
inline constexpr std::chrono::milliseconds kRunnerStopGrace{10000};

// run_capture_for_permission_profile_elevated on Windows.
winsandbox::CaptureResult run_elevated_capture(const ElevatedProfileCaptureRequest& request);

}  // namespace winsandbox::win
