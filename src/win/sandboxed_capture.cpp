#include "win/sandboxed_capture.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <windows.h>

#include "common/log.hpp"
#include "plan/capability_sid_store.hpp"
#include "plan/denybin.hpp"
#include "plan/program_resolution.hpp"
#include "plan/random_source.hpp"
#include "plan/sandbox_home.hpp"
#include "resolve/entries.hpp"
#include "win/acl_effector.hpp"
#include "win/capture.hpp"
#include "win/handles.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "winsandbox/child_env.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::win {
namespace {

std::optional<std::string> host_variable(const wchar_t* name) {
  const DWORD size = GetEnvironmentVariableW(name, nullptr, 0);
  if (size == 0) return std::nullopt;
  std::wstring value(size, L'\0');
  const DWORD length = GetEnvironmentVariableW(name, value.data(), size);
  if (length == 0 || length >= size) return std::nullopt;
  value.resize(length);
  return to_utf8(value);
}

// The command cwd, checked: absolute, and an existing directory.
WinPath command_cwd(const SandboxedCommand& request, const FileSystemView& fs) {
  const std::string text =
      request.cwd.empty() ? request.binding.workspace_roots.front().str() : request.cwd;
  if (!WinPath::looks_absolute(text)) {
    throw Error(ErrorCode::relative_path,
                "the command cwd `" + text + "` is not an absolute Windows path");
  }
  const WinPath cwd = WinPath::parse(text);
  if (!fs.is_directory(cwd)) {
    throw Error(ErrorCode::invalid_path,
                "the command cwd `" + cwd.str() + "` does not exist or is not a directory");
  }
  return cwd;
}

void validate(const SandboxedCommand& request) {
  if (request.command.empty() || request.command.front().empty()) {
    throw Error(ErrorCode::invalid_argument, "no command given: the argv is empty");
  }
  if (request.binding.workspace_roots.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "no workspace root given (permission_profile_cwd or workspace_roots)");
  }
  if (request.sandbox_home.empty()) {
    throw Error(ErrorCode::invalid_argument, "no sandbox home given");
  }
}

// The unelevated backend's token is write-restricted: its restricting SIDs (the capability
// SIDs) are checked for writes only, so every read is decided by the user's own SIDs. It can
// neither narrow reads to some roots nor deny any path (a deny-read ACE for a capability SID
// never binds it; only the elevated backend's sandbox account is bound by one). A profile that
// asks for either would silently run with the user's full read access: refused instead.
void require_unelevated_read_access(const ResolvedPermissions& resolved) {
  if (!resolved.full_disk_read) {
    throw Error(ErrorCode::elevated_backend_required,
                "the profile restricts reads (no full-disk read access), which only the "
                "elevated backend enforces; the unelevated backend would let the command read "
                "everything the user can");
  }
  if (!resolved.deny_read.empty() || !resolved.deny_read_globs.empty()) {
    const std::string first = resolved.deny_read.empty() ? resolved.deny_read_globs.front()
                                                         : resolved.deny_read.front().str();
    throw Error(ErrorCode::elevated_backend_required,
                "the profile denies reads (" + first +
                    ", ...), which only the elevated backend enforces; the unelevated backend "
                    "would let the command read them");
  }
}

}  // namespace

PreparedLaunch prepare_sandboxed_launch(const SandboxedCommand& request) {
  // Everything that can be wrong with the input fails here, before any state is touched.
  validate(request);
  const std::unique_ptr<FileSystemView> fs = open_host_file_system();
  const WinPath cwd = command_cwd(request, *fs);
  const ResolvedPermissions resolved = [&] {
    log::TimedStep step("resolve");
    ResolvedPermissions permissions =
        resolve(request.profile, request.binding, cwd, request.env, *fs);
    require_unelevated_read_access(permissions);
    step.set_detail(fmt::format("{} writable root(s), network {}",
                                permissions.writable_roots.size(),
                                permissions.network.blocked ? "blocked" : "enabled"));
    return permissions;
  }();
  const std::filesystem::path home_path = std::filesystem::absolute(request.sandbox_home);
  const WinPath sandbox_home = WinPath::parse(to_utf8(home_path.wstring()));
  require_sandbox_home_outside_writable_roots(resolved, sandbox_home, *fs);

  // The stubs are written before the program is resolved, so a bare `ssh` finds its stub even
  // on the first run (resolution reads the disk). Their directory is our state, not input, and
  // writing it is idempotent: it may happen although a later check rejects the command.
  std::optional<WinPath> denybin;
  if (resolved.network.blocked) {
    log::TimedStep step("network stubs");
    denybin = WinPath::parse(to_utf8(ensure_denybin_directory(home_path).wstring()));
  }

  ChildEnvironmentOptions env_options{
      .backend = SandboxBackend::unelevated,
      .network_blocked = resolved.network.blocked,
      .command_cwd = resolved.command_cwd,
      .writable_roots = {},
      .inherited_path = host_variable(L"PATH"),
      .inherited_pathext = host_variable(L"PATHEXT"),
      .denybin_directory = std::move(denybin),
  };
  for (const auto& root : resolved.writable_roots) env_options.writable_roots.push_back(root.root);
  Environment child_env;
  std::optional<WinPath> program;  // set by the step below
  std::string command_line;
  {
    log::TimedStep step("program resolution");
    child_env = build_child_environment(request.env, env_options, *fs);
    program = resolve_program(request.command.front(), resolved.command_cwd, child_env, *fs);
    command_line = command_line_for_program(*program, request.command);
    step.set_detail(program->str());
  }

  // State: SIDs, then ACLs (rolled back by the effector if a step fails).
  CapabilitySidStore sid_store(request.sandbox_home, system_random_source());
  CapabilitySids sids;
  std::vector<std::string> token_sids;
  {
    log::TimedStep step("capability SIDs");
    sids = sid_store.assign_for(resolved);
    token_sids = token_capability_sids(resolved, sids);
    step.set_detail(fmt::format("{} on the token", token_sids.size()));
  }
  {
    // Additive: one sandbox home serves every workspace (the CLI default is per user), and a
    // command must never pull the grants or denies of another one still running from under
    // it. Stale allows are harmless (per-root SIDs only that root's tokens carry); stale denies
    // fail closed.
    log::TimedStep step("ACL sync");
    Win32FileDaclAccess files;
    const AclSyncResult synced =
        sync_acls(resolved, sids, {}, request.sandbox_home, files, AclSyncMode::additive);
    step.set_detail(fmt::format("{} ACE(s) written, {} unchanged", synced.outcome.writes,
                                synced.diff.unchanged.size()));
  }

  std::vector<std::string> warnings = sid_store.warnings();
  if (resolved.network.blocked) warnings.emplace_back(kAdvisoryNetworkWarning);
  if (const auto failure = grant_null_device(token_sids)) {
    warnings.push_back("NUL device not granted to the capability SIDs: " + *failure);
  }
  SandboxToken token = [&] {
    log::TimedStep step("token");
    const UniqueHandle base_token = open_current_process_token();
    return create_restricted_token(base_token.get(), RestrictedTokenSpec{token_sids, {}});
  }();
  return PreparedLaunch{
      .application = std::move(*program),
      .command_line = std::move(command_line),
      .cwd = resolved.command_cwd,
      .environment = std::move(child_env),
      .token = std::move(token),
      .warnings = std::move(warnings),
  };
}

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
