// `winsandbox capture`: run one command in the sandbox and pass its output and exit code on.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#if defined(_WIN32)
#include <fcntl.h>
#include <io.h>
#endif

#include "cli_commands.hpp"
#include "sandboxed_command.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox::cli {
namespace {

// DESIGN §5: a command that timed out.
constexpr int kExitTimedOut = 124;

struct CaptureOptions {
  SandboxedCommandOptions command;
  std::optional<long long> timeout_ms;
  std::size_t max_output = kDefaultCaptureMaxOutputBytes;
};

void write_raw(std::FILE* stream, const std::string& bytes) {
#if defined(_WIN32)
  _setmode(_fileno(stream), _O_BINARY);  // the child's bytes, not \n -> \r\n translated
#endif
  std::fwrite(bytes.data(), 1, bytes.size(), stream);
  std::fflush(stream);
}

int run_capture(const CaptureOptions& options, const GlobalOptions& global) {
  if (options.timeout_ms && *options.timeout_ms < 0) {
    throw Error(ErrorCode::invalid_argument, "--timeout must not be negative");
  }
  CaptureResult result;
  try {
    CaptureRequest request;
    fill_sandboxed_command_request(options.command, request);
    if (options.timeout_ms) request.timeout = std::chrono::milliseconds(*options.timeout_ms);
    request.max_output_bytes = options.max_output;
    result = options.command.policy.empty()
                 ? run_capture_for_permission_profile(request)
                 : run_capture_for_policy(options.command.policy, options.command.profile_cwd,
                                          std::move(request));
  } catch (const Error& error) {
    return report_sandboxed_command_error(error, global);
  }

  if (global.json) {
    print_line(capture_result_to_json(result));
  } else {
    write_raw(stdout, result.stdout_bytes);
    write_raw(stderr, result.stderr_bytes);
    for (const auto& warning : result.warnings)
      std::cerr << "winsandbox: warning: " << warning << '\n';
    if (result.stdout_truncated || result.stderr_truncated) {
      std::cerr << "winsandbox: output truncated at " << options.max_output
                << " bytes per stream\n";
    }
    if (result.timed_out) {
      std::cerr << "winsandbox: the command timed out after " << *options.timeout_ms << " ms\n";
    }
  }
  return result.timed_out ? kExitTimedOut : result.exit_code;
}

}  // namespace

void add_capture_commands(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<CaptureOptions>();
  CLI::App* capture = app.add_subcommand(
      "capture",
      "Run COMMAND in the sandbox the profile describes; print its output and exit with its "
      "exit code (124 timed out, 125 sandbox error, 126 cannot start, 127 command not found)");
  capture->add_option("--timeout", options->timeout_ms, "Kill the command after MS milliseconds");
  capture->add_option("--max-output", options->max_output,
                      "Keep at most BYTES of stdout and of stderr (default 1 MiB)");
  add_sandboxed_command_options(*capture, options->command);
  capture->callback([&runner, options] {
    runner.set([&runner, options] { return run_capture(*options, runner.global); });
  });
}

}  // namespace winsandbox::cli
