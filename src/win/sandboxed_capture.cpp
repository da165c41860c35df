#include "win/sandboxed_capture.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <windows.h>

#include "common/log.hpp"
#include "win/capture.hpp"
#include "win/handles.hpp"
#include "win/unicode.hpp"

namespace winsandbox::win {
winsandbox::CaptureResult run_sandboxed_capture(const winsandbox::CaptureRequest& request) {
  if (request.timeout && request.timeout->count() < 0) {
    throw Error(ErrorCode::invalid_argument, "the timeout must not be negative");
  }
  const PreparedLaunch launch =
      prepare_sandboxed_launch({request.profile, request.binding, request.command, request.cwd,
                                request.env, request.sandbox_home});
  // Counted on the way through, so the exit record reports every byte, also past the cap.
  std::size_t stdout_total = 0;
  std::size_t stderr_total = 0;
  const auto started = std::chrono::steady_clock::now();
  const win::CaptureResult captured = run_capture(win::CaptureRequest{
      .application = launch.application,
      .command_line = launch.command_line,
      .cwd = launch.cwd,
      .environment = launch.environment,
      .token = launch.token,
      .timeout = request.timeout,
      .stdin_bytes = request.stdin_bytes,
      .max_output_bytes = request.max_output_bytes,
      .on_stdout =
          [&](std::string_view chunk) {
            stdout_total += chunk.size();
            if (request.on_stdout) request.on_stdout(chunk);
          },
      .on_stderr =
          [&](std::string_view chunk) {
            stderr_total += chunk.size();
            if (request.on_stderr) request.on_stderr(chunk);
          },
      .cancel_requested = request.cancel_requested,
      .use_private_desktop = request.use_private_desktop,
  });
  log::debug(
      "exit code {} (timed out: {}, cancelled: {}) after {:.1f} ms; stdout {} bytes, "
      "stderr {} bytes",
      captured.exit_code, captured.timed_out, captured.cancelled,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(),
      stdout_total, stderr_total);
  winsandbox::CaptureResult result;
  result.exit_code = captured.exit_code;
  result.stdout_bytes = captured.stdout_bytes;
  result.stderr_bytes = captured.stderr_bytes;
  result.timed_out = captured.timed_out;
  result.cancelled = captured.cancelled;
  result.stdout_truncated = captured.stdout_truncated;
  result.stderr_truncated = captured.stderr_truncated;
  result.warnings = launch.warnings;
  return result;
}

Environment process_environment() {
  Environment env;
  const UniqueEnvironmentStrings block(GetEnvironmentStringsW());
  if (!block) return env;
  for (const wchar_t* entry = block.get(); *entry != L'\0'; entry += wcslen(entry) + 1) {
    const std::wstring_view text(entry);
    const auto eq = text.find(L'=', 1);  // `=C:=C:\x` entries start with '='
    if (text.front() == L'=' || eq == std::wstring_view::npos) continue;
    try {
      env.set(to_utf8(text.substr(0, eq)), to_utf8(text.substr(eq + 1)));
    } catch (const Error&) {
      // not representable (unpaired surrogate): not passed on
    }
  }
  return env;
}

}  // namespace winsandbox::win
