// The Windows side of the capture API (include/winsandbox/capture.hpp): profile -> resolved
// permissions -> capability SIDs -> ACLs -> restricted token -> capture engine.
#pragma once

#include "winsandbox/capture.hpp"
#include "winsandbox/environment.hpp"

namespace winsandbox::win {

// run_capture_for_permission_profile on Windows.
winsandbox::CaptureResult run_sandboxed_capture(const winsandbox::CaptureRequest& request);

// This process's environment (GetEnvironmentStringsW), without the `=C:`-style entries.
Environment process_environment();

}  // namespace winsandbox::win
