// Runner IPC protocol v2: the typed messages exchanged between the parent and
// winsandbox-runner.exe over its two byte-mode pipes, and their frame codec
// (docs/elevated.md#ipc-messages).
//
// Frame: a little-endian u32 body length, then exactly that many bytes of UTF-8 JSON; the body
// is at most kMaxFrameBytes. Body: the envelope {"version":2,"type":<type>,"payload":{...}}.
// Encoding emits keys in the order shown below (compact, byte-identical to the reference's
// serde_json output); decoding accepts any key order.
//
// P = parent, R = runner (winsandbox-runner.exe).
//
// | type          | dir    | payload (JSON) and meaning                       | C++ struct      |
// |---------------|--------|--------------------------------------------------|-----------------|
// | spawn_request | P -> R | see IpcSpawnRequest; the first frame, once       | IpcSpawnRequest |
// | spawn_ready   | R -> P | process_id: u32 — the child was started          | IpcSpawnReady   |
// | output        | R -> P | data_b64: base64, stream: "stdout" | "stderr"    | IpcOutput       |
// | stdin         | P -> R | data_b64: base64 — bytes for the child's stdin   | IpcStdin        |
// | close_stdin   | P -> R | {} — close the child's stdin                     | IpcCloseStdin   |
// | resize        | P -> R | rows: u16, cols: u16 — resize the pseudoconsole  | IpcResize       |
// | exit          | R -> P | exit_code: i32, timed_out: bool; the last frame  | IpcExit         |
// | error         | R -> P | message, code: string; stage, windows_error when | IpcError        |
// |               |        | known — the runner failed (nothing more follows) |                 |
// | terminate     | P -> R | {} — terminate the child (exit code 1)           | IpcTerminate    |
//
// Base64 is the standard alphabet with `=` padding; decoding is strict (canonical form only),
// so decode → encode reproduces a frame byte for byte.
//
// Decoding rules (all failures throw winsandbox::Error):
// * body is not JSON / not an object, a field is missing or has the wrong type or range, the
//   type is unknown, base64 is not canonical, a path field is not absolute → ipc_malformed_message
//   (the message names the JSON path, e.g. `$.payload.cwd`);
// * `version` is an integer other than kIpcProtocolVersion → ipc_protocol_mismatch (checked
//   before the type, on every frame; the reference checks only the first frame — we are stricter);
// * declared length > kMaxFrameBytes → ipc_frame_too_large, before the body is read or allocated;
// * the stream ends inside a frame (including inside the 4-byte length) → ipc_truncated_frame.
//   (The reference treats a partial length prefix as a clean end; we do not: a peer that dies
//   mid-frame is an error, not a goodbye.)
// * Unknown extra fields, in the envelope and in payloads, are ignored, as the reference's serde
//   structs do (none is `deny_unknown_fields`); they are not preserved on re-encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox {

inline constexpr std::uint8_t kIpcProtocolVersion = 2;
// Largest frame body (the JSON, without the 4-byte length); exactly this size is allowed.
inline constexpr std::size_t kMaxFrameBytes = 8 * 1024 * 1024;
// The only `code` the reference runner sends in an `error` message.
inline constexpr std::string_view kIpcSpawnFailedCode = "spawn_failed";

// The first frame: everything the runner needs to build the child's token and start it.
// Payload keys, in encoding order: command, cwd, env, permission_profile,
// permission_profile_cwd, workspace_roots (only when set), sandbox_home, real_sandbox_home,
// cap_sids, timeout_ms, tty, stdin_open, use_private_desktop. (The reference names the two
// home fields codex_home / real_codex_home; we do not accept those names.)
struct IpcSpawnRequest {
  std::vector<std::string> command;  // argv; the runner quotes it into a command line
  std::string cwd;                   // where the child starts; absolute (validated)
  Environment env;                   // the complete child environment (JSON object)
  // The caller's profile as given (not materialized), in the model's JSON codec.
  PermissionProfile permission_profile;
  // Anchor of the profile's symbolic project roots (docs/architecture.md#binding-rule); absolute
  // (validated).
  std::string permission_profile_cwd;
  // Workspace roots, when there is more than one; absolute (validated). Absent ⇒
  // [permission_profile_cwd]. Omitted from the JSON when nullopt; `null` decodes as nullopt.
  std::optional<std::vector<std::string>> workspace_roots;
  std::string sandbox_home;                 // the runner's log/work directory
  std::string real_sandbox_home;            // the caller's sandbox home (informational)
  std::vector<std::string> cap_sids;        // string SIDs for the restricted token
  std::optional<std::uint64_t> timeout_ms;  // wall-clock limit; JSON null (or absent) = none
  bool tty = false;                         // ConPTY (true) or pipes (false); required in JSON
  bool stdin_open = false;                  // keep child stdin open for `stdin`; absent ⇒ false
  bool use_private_desktop = false;         // absent ⇒ false
  friend bool operator==(const IpcSpawnRequest&, const IpcSpawnRequest&) = default;
};

struct IpcSpawnReady {
  std::uint32_t process_id = 0;
  friend bool operator==(const IpcSpawnReady&, const IpcSpawnReady&) = default;
};

// JSON "stdout" / "stderr" (the C names are macros, hence the long enumerators).
enum class IpcOutputStream { standard_output, standard_error };

struct IpcOutput {
  IpcOutputStream stream = IpcOutputStream::standard_output;
  std::string data;  // raw bytes (base64 `data_b64` on the wire)
  friend bool operator==(const IpcOutput&, const IpcOutput&) = default;
};

struct IpcStdin {
  std::string data;  // raw bytes (base64 `data_b64` on the wire)
  friend bool operator==(const IpcStdin&, const IpcStdin&) = default;
};

struct IpcCloseStdin {
  friend bool operator==(const IpcCloseStdin&, const IpcCloseStdin&) = default;
};

struct IpcResize {
  std::uint16_t rows = 0;
  std::uint16_t cols = 0;
  friend bool operator==(const IpcResize&, const IpcResize&) = default;
};

struct IpcExit {
  std::int32_t exit_code = 0;  // DWORD reinterpreted: NTSTATUS codes are negative
  bool timed_out = false;      // exit_code is then 192
  friend bool operator==(const IpcExit&, const IpcExit&) = default;
};

struct IpcError {
  std::string message;
  std::string code;  // kIpcSpawnFailedCode in the reference; free-form on decode
  // Where the runner failed (runner_launch.hpp's stages); omitted from the JSON when empty.
  std::string stage{};
  // The Windows error (GetLastError / HRESULT) behind the failure; omitted when nullopt.
  std::optional<std::uint32_t> windows_error{};
  friend bool operator==(const IpcError&, const IpcError&) = default;
};

struct IpcTerminate {
  friend bool operator==(const IpcTerminate&, const IpcTerminate&) = default;
};

using IpcMessage = std::variant<IpcSpawnRequest, IpcSpawnReady, IpcOutput, IpcStdin, IpcCloseStdin,
                                IpcResize, IpcExit, IpcError, IpcTerminate>;

// The wire `type` of a message ("spawn_request", ...), for logs and diagnostics.
std::string_view ipc_message_type(const IpcMessage& message) noexcept;

// The envelope JSON text of `message` (compact, keys in encoding order). Throws
// Error(ipc_malformed_message) if a path field is not absolute, so that nothing is encoded that
// the decoder would reject.
std::string ipc_message_to_json(const IpcMessage& message);
// Parses an envelope JSON text, under the decoding rules above.
IpcMessage ipc_message_from_json(std::string_view json);

// Length prefix + JSON body. Throws Error(ipc_frame_too_large) for a body over kMaxFrameBytes,
// and as ipc_message_to_json.
std::string encode_frame(const IpcMessage& message);
// Decodes `bytes`, which must hold exactly one frame: fewer bytes → ipc_truncated_frame, more →
// ipc_malformed_message; otherwise as ipc_message_from_json.
IpcMessage decode_frame(std::string_view bytes);

// An abstract source of bytes (a pipe, a file, a test buffer).
class ByteReader {
public:
  virtual ~ByteReader() = default;
  // Reads at least 1 and at most `buffer.size()` bytes (buffer is never empty), blocking as
  // needed; returns 0 only at the end of the stream. Failures throw winsandbox::Error.
  virtual std::size_t read_some(std::span<char> buffer) = 0;
};

// An abstract sink of bytes.
class ByteWriter {
public:
  virtual ~ByteWriter() = default;
  // Writes all of `bytes` or throws winsandbox::Error.
  virtual void write_all(std::string_view bytes) = 0;
  // Pushes buffered bytes to the peer; called after each frame.
  virtual void flush() {}
};

// Reads messages from a stream, one frame at a time, with exact reads (never past a frame).
class FrameReader {
public:
  explicit FrameReader(ByteReader& in) : in_(in) {}

  // The next message, or nullopt when the stream ends cleanly between frames. Throws as
  // decode_frame; after a throw the stream position is unspecified (stop reading).
  std::optional<IpcMessage> read();

private:
  ByteReader& in_;
};

// Writes one frame per message and flushes after each.
class FrameWriter {
public:
  explicit FrameWriter(ByteWriter& out) : out_(out) {}

  // Encodes (throws as encode_frame, before anything is written), writes, flushes.
  void write(const IpcMessage& message);

private:
  ByteWriter& out_;
};

}  // namespace winsandbox
