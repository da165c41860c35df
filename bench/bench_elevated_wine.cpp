// Elevated vs unelevated capture throughput, run under Wine (mingw build): the same child writes
// 100 MB to stdout, captured whole through the public API — once by the unelevated backend
// (run_capture_for_permission_profile: the child's pipes read in this process) and once by the
// elevated backend (run_capture_for_permission_profile_elevated: winsandbox-runner.exe reads the
// child and forwards every chunk as an IPC v2 `output` frame over a named pipe). Interleaved
// round by round, in the same process, so both see the same machine. The goal (issue 12):
// elevated throughput at least 0.5x the unelevated one, i.e. a time ratio of at most 2.
//
// The runner is started by the direct test launcher (WINSANDBOX_TEST_RUNNER_LAUNCH=direct, set
// here): Wine has no CreateProcessWithLogonW, and the logon itself is a one-off per command that
// does not depend on the output size. Both captures must return exactly 100 MB of the child's
// pattern and exit code 0, or the run fails.
#include <filesystem>
#include <stdexcept>
#include <string>

#include <windows.h>

#include "../tests/scratch_dir.hpp"
#include "win/unicode.hpp"
#include "wine_harness.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/legacy_policy.hpp"

namespace winsandbox::bench {
namespace {

constexpr std::size_t kFloodBytes = 100 * 1000 * 1000;

// The child's whole output: byte i is 'a' + i % 26 (bench_child.cpp).
const std::string& expected_flood() {
  static const std::string expected = [] {
    std::string bytes(kFloodBytes, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + i % 26);
    return bytes;
  }();
  return expected;
}

void check(const CaptureResult& result, const std::string& what) {
  if (result.exit_code != 0) {
    throw std::runtime_error(what + ": exit code " + std::to_string(result.exit_code) + ": " +
                             result.stderr_bytes);
  }
  if (result.stdout_truncated || result.stdout_bytes != expected_flood()) {
    throw std::runtime_error(what + ": captured " + std::to_string(result.stdout_bytes.size()) +
                             " bytes that are not the child's " + std::to_string(kFloodBytes));
  }
}

WinPath win_path_of(const std::filesystem::path& path) {
  return WinPath::parse(win::to_utf8(path.wstring()));
}

int run(int argc, char** argv) {
  const HarnessArguments args = parse_harness_arguments(argc, argv, 5);
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", L"direct");
  const testing::ScratchDir workspace;
  const testing::ScratchDir home;
  const std::string child = own_directory().join("bench_child.exe").str();
  expected_flood();  // built once, outside the rounds

  CaptureRequest request;
  // Network on: the run measures the pipes, not the advisory network stubs.
  request.profile = profile_from_legacy_policy(
      parse_policy_string(R"({"type":"workspace-write","network_access":true})"),
      win_path_of(workspace.path()), *open_host_file_system());
  request.binding = ProfileBinding::for_profile_cwd(win_path_of(workspace.path()));
  request.command = {child, std::to_string(kFloodBytes)};
  request.env = system_root_environment();
  request.sandbox_home = home.path();
  request.max_output_bytes = kFloodBytes + 1;
  request.timeout = std::chrono::minutes(5);
  ElevatedProfileCaptureRequest elevated;
  elevated.capture = request;

  Samples unelevated_samples{"BM_WineCapture100MB_Unelevated", {}, {}};
  Samples elevated_samples{"BM_WineCapture100MB_Elevated", {}, {}};
  run_rounds(
      {
          {&unelevated_samples,
           [&] { check(run_capture_for_permission_profile(request), "unelevated"); }},
          {&elevated_samples,
           [&] { check(run_capture_for_permission_profile_elevated(elevated), "elevated"); }},
      },
      args.rounds, 1);
  print_samples("benchmark (100 MB of stdout, ms)", {&unelevated_samples, &elevated_samples});
  write_benchmark_json(args.out_file, "bench_elevated_wine.exe",
                       child + " " + std::to_string(kFloodBytes),
                       {&unelevated_samples, &elevated_samples});
  return 0;
}

}  // namespace
}  // namespace winsandbox::bench

int main(int argc, char** argv) {
  return winsandbox::bench::guarded_main("bench_elevated_wine", winsandbox::bench::run, argc, argv);
}
