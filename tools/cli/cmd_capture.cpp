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
#include "resolve_inputs.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox::cli {
namespace {

// DESIGN §5 exit codes of the executing commands.
constexpr int kExitTimedOut = 124;
constexpr int kExitCommandCannotStart = 126;
constexpr int kExitCommandNotFound = 127;

struct CaptureOptions {
  std::string profile_file;
  std::string policy;
  std::string profile_cwd;
  std::vector<std::string> workspace_roots;
  std::string cwd;
  std::vector<std::string> env;
  std::string sandbox_home;
  std::optional<long long> timeout_ms;
  std::size_t max_output = kDefaultCaptureMaxOutputBytes;
  std::vector<std::string> command;
};

void write_raw(std::FILE* stream, const std::string& bytes) {
#if defined(_WIN32)
  _setmode(_fileno(stream), _O_BINARY);  // the child's bytes, not \n -> \r\n translated
#endif
  std::fwrite(bytes.data(), 1, bytes.size(), stream);
  std::fflush(stream);
}

// A UTF-8 path as a std::filesystem::path (u8path is deprecated in C++20).
std::filesystem::path utf8_path(std::string_view text) {
  return std::filesystem::path(std::u8string(text.begin(), text.end()));
}

std::filesystem::path sandbox_home(const CaptureOptions& options, const Environment& env) {
  if (!options.sandbox_home.empty()) return utf8_path(options.sandbox_home);
  const auto local_app_data = env.get("LOCALAPPDATA");
  if (!local_app_data || local_app_data->empty()) {
    throw Error(ErrorCode::invalid_argument,
                "LOCALAPPDATA is not set: pass --sandbox-home DIR (where capability SIDs and "
                "the applied ACL state are kept)");
  }
  return utf8_path(*local_app_data) / "winsandbox";
}

int run_capture(const CaptureOptions& options, const GlobalOptions& global) {
  if (options.timeout_ms && *options.timeout_ms < 0) {
    throw Error(ErrorCode::invalid_argument, "--timeout must not be negative");
  }
  const Environment host_env = current_process_environment();
  CaptureRequest request;
  request.command = options.command;
  request.cwd = options.cwd;
  request.env = host_env;
  const Environment overrides = Environment::from_assignments(options.env);
  for (const auto& [key, value] : overrides.entries()) request.env.set(key, value);
  if (options.timeout_ms) request.timeout = std::chrono::milliseconds(*options.timeout_ms);
  request.max_output_bytes = options.max_output;
  request.sandbox_home = sandbox_home(options, host_env);

  CaptureResult result;
  try {
    if (!options.policy.empty()) {
      result = run_capture_for_policy(options.policy, options.profile_cwd, std::move(request));
    } else {
      request.profile = profile_from_json(read_input(options.profile_file));
      for (const auto& root : options.workspace_roots) {
        request.binding.workspace_roots.push_back(WinPath::parse(root));
      }
      if (request.binding.workspace_roots.empty()) {
        request.binding = ProfileBinding::for_profile_cwd(WinPath::parse(options.profile_cwd));
      }
      result = run_capture_for_permission_profile(request);
    }
  } catch (const Error& error) {
    const int rc = report_error(error, global);
    if (error.code() == ErrorCode::command_not_found) return kExitCommandNotFound;
    if (error.code() == ErrorCode::command_start_failed) return kExitCommandCannotStart;
    return rc;
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
      "exit code (124 timed out, 125 sandbox error, 127 command not found)");
  // COMMAND's own arguments are often Windows-style switches (`cmd /c ...`): never options of
  // ours (CLI11 enables `/x` options by default on Windows).
  capture->allow_windows_style_options(false);
  add_profile_source_options(*capture, options->profile_file, options->policy);
  capture
      ->add_option("--profile-cwd", options->profile_cwd,
                   "Directory :project_roots bind to (the workspace root)")
      ->required();
  capture->add_option("--workspace-root", options->workspace_roots,
                      "Workspace root(s) :project_roots bind to instead of --profile-cwd "
                      "(repeatable; --profile only)");
  capture->add_option("--cwd", options->cwd,
                      "Directory the command runs in (default: the profile cwd)");
  capture->add_option("--env", options->env,
                      "Set KEY=VALUE in the child environment (repeatable; the child starts "
                      "from this process's environment)");
  capture->add_option("--sandbox-home", options->sandbox_home,
                      "State directory (capability SIDs, applied ACLs); default "
                      "%LOCALAPPDATA%\\winsandbox");
  capture->add_option("--timeout", options->timeout_ms, "Kill the command after MS milliseconds");
  capture->add_option("--max-output", options->max_output,
                      "Keep at most BYTES of stdout and of stderr (default 1 MiB)");
  capture->add_option("command", options->command, "-- COMMAND [ARGS...]")->required();
  capture->callback([&runner, options] {
    runner.set([&runner, options] { return run_capture(*options, runner.global); });
  });
}

}  // namespace winsandbox::cli
