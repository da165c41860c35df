// Runner IPC v2 throughput: encoding and decoding frames, against a plain memcpy of the same
// number of bytes (the floor any codec is measured against). Output frames carry base64 data
// (the bulk of runner traffic); the spawn request is the one JSON-heavy frame per command.
#include <cstring>
#include <random>
#include <string>

#include <benchmark/benchmark.h>

#include "winsandbox/ipc.hpp"

namespace winsandbox::bench {
namespace {

IpcMessage output_message(std::size_t payload_bytes) {
  std::mt19937 rng(42);
  std::string data(payload_bytes, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  return IpcOutput{IpcOutputStream::standard_output, std::move(data)};
}

// The first frame of a command (the shape of docs/elevated.md#example-frames).
IpcMessage spawn_request() {
  IpcSpawnRequest request;
  request.command = {"C:\\Program Files\\PowerShell\\7\\pwsh.exe", "-NoProfile", "-Command",
                     "Get-ChildItem -Recurse | Select-Object -First 10"};
  request.cwd = "C:\\workspace\\sub";
  for (int i = 0; i < 40; ++i) {
    std::string key = "VAR_";
    std::string value = "C:\\Users\\dev\\value\\";
    key += std::to_string(i);  // appended: GCC 12 -O3 misfires -Wrestrict on "lit" + string
    value += std::to_string(i);
    request.env.set(key, value);
  }
  request.permission_profile = PermissionProfile::workspace_write();
  request.permission_profile_cwd = "C:\\workspace";
  request.sandbox_home = "C:\\Users\\dev\\AppData\\Local\\winsandbox\\.sandbox";
  request.real_sandbox_home = "C:\\Users\\dev\\AppData\\Local\\winsandbox";
  request.cap_sids = {"S-1-5-21-1-2-3-100", "S-1-5-21-1-2-3-101"};
  request.timeout_ms = 120000;
  return request;
}

IpcMessage message_for(std::int64_t arg) {
  return arg == 0 ? spawn_request() : output_message(static_cast<std::size_t>(arg));
}

// Arg: output payload bytes, or 0 for the spawn request.
void BM_IpcEncode(benchmark::State& state) {
  const IpcMessage message = message_for(state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string frame = encode_frame(message);
    bytes = frame.size();
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["frame_bytes"] = static_cast<double>(bytes);
}

void BM_IpcDecode(benchmark::State& state) {
  const std::string frame = encode_frame(message_for(state.range(0)));
  for (auto _ : state) {
    IpcMessage message = decode_frame(frame);
    benchmark::DoNotOptimize(message);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
  state.counters["frame_bytes"] = static_cast<double>(frame.size());
}

// The baseline: copying the frame's bytes once.
void BM_MemcpyFrame(benchmark::State& state) {
  const std::string frame = encode_frame(message_for(state.range(0)));
  std::string copy(frame.size(), '\0');
  for (auto _ : state) {
    std::memcpy(copy.data(), frame.data(), frame.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
  state.counters["frame_bytes"] = static_cast<double>(frame.size());
}

// The spawn request (0), a 4 KiB and a 1 MiB output chunk.
void ipc_sizes(benchmark::internal::Benchmark* b) {
  b->Arg(0)->Arg(4096)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);
}
BENCHMARK(BM_IpcEncode)->Apply(ipc_sizes);
BENCHMARK(BM_IpcDecode)->Apply(ipc_sizes);
BENCHMARK(BM_MemcpyFrame)->Apply(ipc_sizes);

}  // namespace
}  // namespace winsandbox::bench
