// The elevated backend's session (include/winsandbox/elevated.hpp): a runner whose command
// keeps running while the caller talks to it. Input becomes frames (stdin, close_stdin, resize,
// terminate); a reader thread turns `output` frames into the session's output and `exit` into
// its exit code.
#pragma once

#include "winsandbox/elevated.hpp"
#include "winsandbox/session.hpp"

namespace winsandbox::win {

// spawn_session_for_permission_profile_elevated on Windows.
Session spawn_elevated_session(const ElevatedProfileSessionRequest& request);

}  // namespace winsandbox::win
