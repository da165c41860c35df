// The Windows side of the capture API (include/winsandbox/capture.hpp): the prepared launch
// (launch_preparation.hpp) run by the capture engine.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "win/launch_preparation.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/environment.hpp"

namespace winsandbox::win {

// run_capture_for_permission_profile on Windows.
winsandbox::CaptureResult run_sandboxed_capture(const winsandbox::CaptureRequest& request);

// This process's environment (GetEnvironmentStringsW), without the `=C:`-style entries.
Environment process_environment();

}  // namespace winsandbox::win
