// The example frames of the reference crate (docs/elevated.md#example-frames), byte for byte, with
// our two renamed spawn_request fields (codex_home → sandbox_home, real_codex_home →
// real_sandbox_home: +4 bytes, so its prefix is fa 01 00 00 instead of the reference's f6 01 00
// 00). The prefixes are written out as hex from the reference, not computed, so they check the
// length encoding.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/ipc.hpp"

namespace winsandbox::ipc_test {

struct IpcExample {
  std::string_view name;
  std::string_view prefix_hex;  // the 4 length bytes, e.g. "40 00 00 00"
  std::string_view json;        // the body
  IpcMessage message;           // what the body means
};

inline constexpr std::string_view kSpawnRequestJson =
    R"({"version":2,"type":"spawn_request","payload":{"command":["cmd.exe","/c","ver"],)"
    R"("cwd":"C:\\workspace","env":{},"permission_profile":{"type":"managed","file_system":)"
    R"({"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},)"
    R"("access":"read"}]},"network":"restricted"},"permission_profile_cwd":"C:\\workspace",)"
    R"("sandbox_home":"C:\\codex","real_sandbox_home":"C:\\Users\\codex",)"
    R"("cap_sids":["S-1-15-3-1024-1"],"timeout_ms":1000,"tty":false,"stdin_open":false,)"
    R"("use_private_desktop":false}})";

inline IpcSpawnRequest example_spawn_request() {
  IpcSpawnRequest request;
  request.command = {"cmd.exe", "/c", "ver"};
  request.cwd = R"(C:\workspace)";
  request.permission_profile = PermissionProfile::read_only();
  request.permission_profile_cwd = R"(C:\workspace)";
  request.sandbox_home = R"(C:\codex)";
  request.real_sandbox_home = R"(C:\Users\codex)";
  request.cap_sids = {"S-1-15-3-1024-1"};
  request.timeout_ms = 1000;
  return request;
}

inline std::vector<IpcExample> ipc_examples() {
  using S = IpcOutputStream;
  return {
      {"spawn_request", "fa 01 00 00", kSpawnRequestJson, example_spawn_request()},
      {"spawn_ready", "40 00 00 00",
       R"({"version":2,"type":"spawn_ready","payload":{"process_id":4242}})", IpcSpawnReady{4242}},
      {"output_stdout", "51 00 00 00",
       R"({"version":2,"type":"output","payload":{"data_b64":"aGVsbG8=","stream":"stdout"}})",
       IpcOutput{S::standard_output, "hello"}},
      {"output_stderr", "51 00 00 00",
       R"({"version":2,"type":"output","payload":{"data_b64":"b29wcw0K","stream":"stderr"}})",
       IpcOutput{S::standard_error, "oops\r\n"}},
      {"exit_success", "47 00 00 00",
       R"({"version":2,"type":"exit","payload":{"exit_code":0,"timed_out":false}})",
       IpcExit{0, false}},
      {"exit_timeout", "48 00 00 00",
       R"({"version":2,"type":"exit","payload":{"exit_code":192,"timed_out":true}})",
       IpcExit{192, true}},
      {"error", "71 00 00 00",
       R"({"version":2,"type":"error","payload":{"message":"runner: unsupported protocol version 1","code":"spawn_failed"}})",
       IpcError{"runner: unsupported protocol version 1", "spawn_failed"}},
      {"stdin", "3e 00 00 00", R"({"version":2,"type":"stdin","payload":{"data_b64":"ZGlyDQo="}})",
       IpcStdin{"dir\r\n"}},
      {"close_stdin", "2f 00 00 00", R"({"version":2,"type":"close_stdin","payload":{}})",
       IpcCloseStdin{}},
      {"resize", "3d 00 00 00", R"({"version":2,"type":"resize","payload":{"rows":24,"cols":80}})",
       IpcResize{24, 80}},
      {"terminate", "2d 00 00 00", R"({"version":2,"type":"terminate","payload":{}})",
       IpcTerminate{}},
  };
}

// "fa 01 00 00" → the 4 bytes.
inline std::string bytes_from_hex(std::string_view hex) {
  std::string out;
  int pending = -1;
  for (const char c : hex) {
    int nibble = -1;
    if (c >= '0' && c <= '9') nibble = c - '0';
    if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
    if (nibble < 0) continue;
    if (pending < 0) {
      pending = nibble;
    } else {
      out += static_cast<char>(pending << 4 | nibble);
      pending = -1;
    }
  }
  return out;
}

inline std::string example_frame(const IpcExample& example) {
  return bytes_from_hex(example.prefix_hex) + std::string(example.json);
}

}  // namespace winsandbox::ipc_test
