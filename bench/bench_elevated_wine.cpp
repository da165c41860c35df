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
#include <system_error>

#include <windows.h>

#include "win/unicode.hpp"
#include "wine_harness.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/legacy_policy.hpp"

namespace winsandbox::bench {
namespace {

constexpr std::size_t kFloodBytes = 100 * 1000 * 1000;

std::filesystem::path own_directory() {
  std::wstring path(32768, L'\0');
  path.resize(GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size())));
  return std::filesystem::path(path).parent_path();
}

// A fresh directory under %TEMP%, removed again on destruction.
class TempDirectory {
public:
  explicit TempDirectory(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("winsandbox-bench-" + name + "-" + std::to_string(GetCurrentProcessId()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  ~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  WinPath win_path() const { return WinPath::parse(win::to_utf8(path_.wstring())); }

private:
  std::filesystem::path path_;
};

void check(const CaptureResult& result, const std::string& what) {
  if (result.exit_code != 0) {
    throw std::runtime_error(what + ": exit code " + std::to_string(result.exit_code) + ": " +
                             result.stderr_bytes);
  }
  if (result.stdout_bytes.size() != kFloodBytes || result.stdout_truncated ||
      result.stdout_bytes.compare(0, 26, "abcdefghijklmnopqrstuvwxyz") != 0) {
    throw std::runtime_error(what + ": captured " + std::to_string(result.stdout_bytes.size()) +
                             " bytes, not the child's " + std::to_string(kFloodBytes));
  }
}

int run(int argc, char** argv) {
  std::size_t rounds = 5;
  std::string out_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--rounds=", 0) == 0) rounds = std::stoul(arg.substr(9));
    if (arg.rfind("--benchmark_out=", 0) == 0) out_file = arg.substr(16);
  }
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", L"direct");
  const TempDirectory workspace("workspace");
  const TempDirectory home("home");
  const std::string child = win::to_utf8((own_directory() / "bench_child.exe").wstring());

  CaptureRequest request;
  // Network on: the run measures the pipes, not the advisory network stubs.
  request.profile = profile_from_legacy_policy(
      parse_policy_string(R"({"type":"workspace-write","network_access":true})"),
      workspace.win_path(), *open_host_file_system());
  request.binding = ProfileBinding::for_profile_cwd(workspace.win_path());
  request.command = {child, std::to_string(kFloodBytes)};
  wchar_t root[MAX_PATH];
  const DWORD length = GetEnvironmentVariableW(L"SystemRoot", root, MAX_PATH);
  if (length > 0 && length < MAX_PATH) {
    request.env.set("SystemRoot", win::to_utf8(std::wstring(root, length)));
  }
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
      rounds, 1);
  print_samples("benchmark (100 MB of stdout, ms)", {&unelevated_samples, &elevated_samples});
  write_benchmark_json(out_file, "bench_elevated_wine.exe",
                       child + " " + std::to_string(kFloodBytes),
                       {&unelevated_samples, &elevated_samples});
  return 0;
}

}  // namespace
}  // namespace winsandbox::bench

int main(int argc, char** argv) {
  return winsandbox::bench::guarded_main("bench_elevated_wine", winsandbox::bench::run, argc, argv);
}
