// The IPC frame codec without the message layer: u32 little-endian body length, then that many
// bytes (docs/elevated.md#ipc-framing). The runner's frames (FrameReader / FrameWriter) and the
// setup helper's single request frame (src/win/setup/setup_channel.hpp) both use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "winsandbox/ipc.hpp"

namespace winsandbox {

// The length prefix + `body`. Throws Error(ipc_frame_too_large) for a body over kMaxFrameBytes.
std::string encode_frame_body(std::string_view body);

// The next frame's body, or nullopt when the stream ends cleanly before a frame. Throws
// Error(ipc_frame_too_large) for a declared length over kMaxFrameBytes (before reading or
// allocating the body) and Error(ipc_truncated_frame) when the stream ends inside a frame.
std::optional<std::string> read_frame_body(ByteReader& in);

}  // namespace winsandbox
