// `winsandbox capture`: run one command in the sandbox and pass its output (streamed as it
// arrives, or with --json collected into one result) and its exit code on. The command's stdin
// is at end-of-file from the start; ours is not passed on (`winsandbox session` does that).
#include <algorithm>
#include <cstdio>
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
#include "winsandbox/elevated.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox::cli {
namespace {

// docs/architecture.md#errors: a command that timed out.
constexpr int kExitTimedOut = 124;

struct CaptureOptions {
  SandboxedCommandOptions command;
  std::optional<long long> timeout_ms;
  // Text mode: a cap on what is passed on per stream (none by default). --json: the cap on
  // what the collected result keeps (default kDefaultCaptureMaxOutputBytes).
  std::optional<std::size_t> max_output;
};

// Passes one of the child's streams on to ours as it arrives: the exact bytes (binary mode, no
// \n -> \r\n), flushed per chunk, no copy kept; at most `cap` bytes when one is set.
class StreamForwarder {
public:
  StreamForwarder(std::FILE* stream, std::optional<std::size_t> cap) : stream_(stream), cap_(cap) {
#if defined(_WIN32)
    _setmode(_fileno(stream_), _O_BINARY);
#endif
  }

  void operator()(std::string_view chunk) {
    if (cap_) {
      const std::size_t room = *cap_ - std::min(*cap_, written_);
      if (chunk.size() > room) truncated_ = true;
      chunk = chunk.substr(0, room);
    }
    if (chunk.empty()) return;
    // Our reader went away (e.g. `| head`): stop the command rather than run it unheard.
    if (std::fwrite(chunk.data(), 1, chunk.size(), stream_) != chunk.size() ||
        std::fflush(stream_) != 0) {
      throw Error(ErrorCode::io_error, "cannot write the command's output");
    }
    written_ += chunk.size();
    at_line_start_ = chunk.back() == '\n';
  }

  bool truncated() const {
    return truncated_;
  }
  // Nothing passed on yet, or it ended with a newline: our own notes start on a line of their own.
  bool at_line_start() const {
    return at_line_start_;
  }

private:
  std::FILE* stream_;
  std::optional<std::size_t> cap_;
  std::size_t written_ = 0;
  bool truncated_ = false;
  bool at_line_start_ = true;
};

int run_capture(const CaptureOptions& options, const GlobalOptions& global) {
  if (options.timeout_ms && *options.timeout_ms < 0) {
    throw Error(ErrorCode::invalid_argument, "--timeout must not be negative");
  }
  // Text mode streams; the forwarders outlive the capture that calls them.
  std::optional<StreamForwarder> out;
  std::optional<StreamForwarder> err;
  CaptureResult result;
  try {
    CaptureRequest request;
    fill_sandboxed_command_request(options.command, request);
    if (options.timeout_ms) request.timeout = std::chrono::milliseconds(*options.timeout_ms);
    if (global.json) {
      request.max_output_bytes = options.max_output.value_or(kDefaultCaptureMaxOutputBytes);
    } else {
      request.max_output_bytes = 0;  // everything is streamed; nothing is kept
      out.emplace(stdout, options.max_output);
      err.emplace(stderr, options.max_output);
      request.on_stdout = [&out](std::string_view chunk) { (*out)(chunk); };
      request.on_stderr = [&err](std::string_view chunk) { (*err)(chunk); };
    }
    const std::string& policy = options.command.policy;
    const std::string& policy_cwd = options.command.profile_cwd;
    if (options.command.elevated) {
      ElevatedProfileCaptureRequest elevated{.capture = std::move(request),
                                             .setup = elevated_setup_overrides(options.command)};
      result = policy.empty()
                   ? run_capture_for_permission_profile_elevated(elevated)
                   : run_capture_elevated_for_policy(policy, policy_cwd, std::move(elevated));
    } else {
      result = policy.empty() ? run_capture_for_permission_profile(request)
                              : run_capture_for_policy(policy, policy_cwd, std::move(request));
    }
  } catch (const Error& error) {
    return report_sandboxed_command_error(error, global);
  }

  if (global.json) {
    print_line(capture_result_to_json(result));
  } else {
    const bool notes =
        !result.warnings.empty() || out->truncated() || err->truncated() || result.timed_out;
    if (notes && !err->at_line_start()) std::cerr << '\n';
    for (const auto& warning : result.warnings)
      std::cerr << "winsandbox: warning: " << warning << '\n';
    if (out->truncated() || err->truncated()) {
      std::cerr << "winsandbox: output truncated at " << *options.max_output
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
      "Run COMMAND in the sandbox the profile describes; pass its output on as it arrives (with "
      "--json: print the collected result) and exit with its exit code (124 timed out, 125 sandbox "
      "error, 126 cannot start, 127 command not found)");
  capture->add_option("--timeout", options->timeout_ms, "Kill the command after MS milliseconds");
  capture->add_option("--max-output", options->max_output,
                      "Pass on at most BYTES of stdout and of stderr (default: all of it, as it "
                      "arrives); with --json, keep at most BYTES of each (default 1 MiB)");
  add_sandboxed_command_options(*capture, options->command);
  capture->callback([&runner, options] {
    runner.set([&runner, options] { return run_capture(*options, runner.global); });
  });
}

}  // namespace winsandbox::cli
