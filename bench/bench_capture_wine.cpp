// Capture overhead, run under Wine (mingw build): the library's capture engine
// (win::run_capture: job object, three overlapped pipes, one wait loop, bounded output) against
// a plain CreateProcessW capture (two anonymous pipes, blocking reads) of the same trivial
// command in the same process, interleaved round by round so that all see the same machine.
// Two baselines: with the engine's console mode (CREATE_NO_WINDOW), and without any console
// (DETACHED_PROCESS), the floor for starting a process at all.
//
// Debian ships Google Benchmark only for the native toolchain, so this binary is its own small
// harness; it writes the same JSON shape (`--benchmark_out=<file>`: context + benchmarks with
// name, iterations, real_time, cpu_time, time_unit, and `_mean` / `_median` aggregates), which
// bench/ratio_table.py reads alongside the native results. Both captures must return exactly
// the child's output and exit code 0, or the run fails: a benchmark of a broken capture would
// prove nothing.
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <windows.h>

#include "win/capture.hpp"
#include "win/environment_block.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "wine_harness.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox::bench {
namespace {

constexpr char kExpectedOutput[] = "hello from bench_child\n";

struct Command {
  WinPath application;
  std::string command_line;
  WinPath cwd;
  Environment environment;
};

// The engine always runs its child under a sandbox token; one is built once, outside the
// rounds, so this measures the engine, not token creation.
const win::SandboxToken& bench_token() {
  static const win::SandboxToken token = [] {
    const win::UniqueHandle base = win::open_current_process_token();
    return win::create_restricted_token(base.get(), {.capability_sids = {"S-1-5-21-1-2-3-4"}});
  }();
  return token;
}

// The library's capture engine.
std::string capture_with_engine(const Command& command) {
  win::CaptureRequest request{.application = command.application,
                              .command_line = command.command_line,
                              .cwd = command.cwd,
                              .environment = command.environment,
                              .token = bench_token()};
  const win::CaptureResult result = win::run_capture(request);
  if (result.exit_code != 0) throw std::runtime_error("run_capture: child exit code != 0");
  return result.stdout_bytes;
}

class Handle {
public:
  explicit Handle(HANDLE h = nullptr) : h_(h) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  HANDLE get() const { return h_; }
  HANDLE* out() { return &h_; }
  void reset() {
    if (h_ != nullptr && h_ != INVALID_HANDLE_VALUE) CloseHandle(h_);
    h_ = nullptr;
  }

private:
  HANDLE h_;
};

std::string read_to_end(HANDLE pipe) {
  std::string out;
  char buffer[4096];
  DWORD got = 0;
  while (ReadFile(pipe, buffer, sizeof buffer, &got, nullptr) && got > 0) out.append(buffer, got);
  return out;
}

// The baseline: what a caller without the library would write. Blocking reads of stdout, then
// stderr, are enough for a child that writes one line. `console_flag` is CREATE_NO_WINDOW (the
// engine's console mode: the child gets a hidden console) or DETACHED_PROCESS (no console at
// all: the cheapest start there is).
std::string capture_with_create_process(const Command& command, const std::wstring& env_block,
                                        DWORD console_flag) {
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  Handle out_read, out_write, err_read, err_write;
  if (!CreatePipe(out_read.out(), out_write.out(), &inheritable, 0) ||
      !CreatePipe(err_read.out(), err_write.out(), &inheritable, 0)) {
    throw std::runtime_error("CreatePipe failed");
  }
  SetHandleInformation(out_read.get(), HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(err_read.get(), HANDLE_FLAG_INHERIT, 0);

  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = nullptr;
  startup.hStdOutput = out_write.get();
  startup.hStdError = err_write.get();
  std::wstring application = win::to_wide(command.application.str());
  std::wstring line = win::to_wide(command.command_line);
  std::wstring cwd = win::to_wide(command.cwd.str());
  std::wstring environment = env_block;
  PROCESS_INFORMATION info{};
  if (!CreateProcessW(application.c_str(), line.data(), nullptr, nullptr, TRUE,
                      CREATE_UNICODE_ENVIRONMENT | console_flag, environment.data(), cwd.c_str(),
                      &startup, &info)) {
    throw std::runtime_error("CreateProcessW failed: " + std::to_string(GetLastError()));
  }
  Handle process(info.hProcess), thread(info.hThread);
  out_write.reset();
  err_write.reset();
  std::string output = read_to_end(out_read.get());
  (void)read_to_end(err_read.get());
  WaitForSingleObject(process.get(), INFINITE);
  DWORD exit_code = 1;
  GetExitCodeProcess(process.get(), &exit_code);
  if (exit_code != 0) throw std::runtime_error("CreateProcessW: child exit code != 0");
  return output;
}

int run(int argc, char** argv) {
  const HarnessArguments args = parse_harness_arguments(argc, argv, 30);
  const WinPath dir = own_directory();
  const WinPath child = dir.join("bench_child.exe");
  const Environment environment = system_root_environment();
  const Command command{child, quote_command_line({child.str(), "hello"}), dir, environment};
  const std::wstring block = win::make_environment_block(environment);

  Samples engine{"BM_WineCapture_RunCapture", {}, {}};
  Samples plain{"BM_WineCapture_PlainCreateProcessW", {}, {}};
  Samples detached{"BM_WineCapture_PlainCreateProcessW_NoConsole", {}, {}};
  // Both captures must return exactly the child's output, or the run fails.
  const auto checked = [](const Samples& samples, std::function<std::string()> capture) {
    return [&samples, capture = std::move(capture)] {
      const std::string output = capture();
      if (output != kExpectedOutput) {
        throw std::runtime_error(samples.name + ": unexpected child output `" + output + "`");
      }
    };
  };
  run_rounds(
      {
          {&engine, checked(engine, [&] { return capture_with_engine(command); })},
          {&plain,
           checked(plain,
                   [&] { return capture_with_create_process(command, block, CREATE_NO_WINDOW); })},
          {&detached,
           checked(detached,
                   [&] { return capture_with_create_process(command, block, DETACHED_PROCESS); })},
      },
      args.rounds, 3);
  print_samples("benchmark (trivial command, ms)", {&engine, &plain, &detached});
  write_benchmark_json(args.out_file, "bench_capture_wine.exe", command.command_line,
                       {&engine, &plain, &detached});
  return 0;
}

}  // namespace
}  // namespace winsandbox::bench

int main(int argc, char** argv) {
  return winsandbox::bench::guarded_main("bench_capture_wine", winsandbox::bench::run, argc, argv);
}
