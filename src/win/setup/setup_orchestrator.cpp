#include "win/setup/setup_orchestrator.hpp"

#include <cstdio>

#include <shellapi.h>
#include <windows.h>

#include "common/atomic_file.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "win/acl_effector.hpp"
#include "win/elevated/runner_launcher.hpp"
#include "win/environment_block.hpp"
#include "win/handles.hpp"
#include "win/named_mutex.hpp"
#include "win/setup/setup_channel.hpp"
#include "win/setup/setup_system.hpp"
#include "win/sid.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {
namespace {

std::filesystem::path host_path(const WinPath& path) {
  return std::filesystem::path(to_wide(path.str()));
}

bool marker_writing_mode(SetupMode mode) {
  return mode == SetupMode::full || mode == SetupMode::provision_only || mode == SetupMode::repair;
}

Error setup_failure(const SetupErrorReport& report) {
  return Error(ErrorCode::setup_failed, setup_error_summary(report), report.windows_error);
}

Error setup_failure(SetupErrorCode code, std::string stage, std::string message,
                    std::optional<std::uint32_t> windows_error = std::nullopt) {
  return setup_failure(SetupErrorReport{code, std::move(stage), std::move(message), windows_error});
}

std::string describe_reasons(const SetupStatus& status) {
  std::string text;
  for (const SetupDrift& reason : status.reasons) {
    if (!text.empty()) text += "; ";
    text += reason.message;
  }
  if (text.empty()) text = std::string(setup_state_name(status.state));
  return text;
}

// The helper, started; its process handle.
struct HelperProcess {
  UniqueHandle process;
};

// `"<helper>" --request-pipe=<pipe> --parent-pid=<pid>`, quoted for CommandLineToArgvW (the
// helper path has no quote; a path ending in a backslash cannot be a file).
std::wstring helper_parameters(const std::string& pipe_name) {
  return to_wide("--request-pipe=" + pipe_name +
                 " --parent-pid=" + std::to_string(GetCurrentProcessId()));
}

HelperProcess launch_direct(const WinPath& helper, const std::string& pipe_name) {
  const std::wstring application = to_wide(helper.str());
  std::wstring line = L"\"" + application + L"\" " + helper_parameters(pipe_name);
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  PROCESS_INFORMATION info{};
  if (!CreateProcessW(application.c_str(), line.data(), nullptr, nullptr, FALSE,
                      CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT, nullptr, nullptr, &startup,
                      &info)) {
    const DWORD error = GetLastError();
    throw setup_failure(SetupErrorCode::launch_failed, "launch",
                        "CreateProcessW(" + helper.str() +
                            ") failed: " + win32_error("CreateProcessW", error).what(),
                        error);
  }
  const UniqueHandle thread(info.hThread);
  return HelperProcess{UniqueHandle(info.hProcess)};
}

HelperProcess launch_elevated(const WinPath& helper, const std::string& pipe_name) {
  const std::wstring file = to_wide(helper.str());
  const std::wstring parameters = helper_parameters(pipe_name);
  SHELLEXECUTEINFOW info{};
  info.cbSize = sizeof(info);
  info.fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC | SEE_MASK_FLAG_NO_UI;
  info.lpVerb = L"runas";
  info.lpFile = file.c_str();
  info.lpParameters = parameters.c_str();
  info.nShow = SW_HIDE;
  if (!ShellExecuteExW(&info)) {
    const DWORD error = GetLastError();
    if (error == ERROR_CANCELLED) {
      throw Error(ErrorCode::setup_canceled,
                  std::string(setup_error_code_name(SetupErrorCode::launch_canceled)) +
                      ": the elevated setup was declined at the UAC prompt",
                  error);
    }
    throw setup_failure(SetupErrorCode::launch_failed, "launch",
                        "ShellExecuteExW(runas " + helper.str() +
                            ") failed: " + win32_error("ShellExecuteExW", error).what(),
                        error);
  }
  if (info.hProcess == nullptr) {
    throw setup_failure(SetupErrorCode::launch_failed, "launch",
                        "ShellExecuteExW(runas " + helper.str() + ") returned no process");
  }
  return HelperProcess{UniqueHandle(info.hProcess)};
}

// The outcome of a helper that exited with `code`.
void check_helper_exit(const SetupRequest& request, DWORD code) {
  const WinPath& home = request.sandbox_home;
  if (code == 1) {
    const auto text = read_file_if_exists(host_path(setup_error_path(home)));
    if (!text) {
      throw setup_failure(
          SetupErrorCode::helper_failed, "launch",
          "winsandbox-setup.exe exited 1 without writing " + setup_error_path(home).str());
    }
    SetupErrorReport report;
    try {
      report = setup_error_report_from_json(*text);
    } catch (const Error& error) {
      throw setup_failure(SetupErrorCode::helper_failed, "launch",
                          "winsandbox-setup.exe exited 1 and its report " +
                              setup_error_path(home).str() + " is unreadable: " + error.what());
    }
    throw setup_failure(report);
  }
  if (code != 0) {
    throw setup_failure(SetupErrorCode::helper_failed, "launch",
                        "winsandbox-setup.exe exited with code " +
                            std::to_string(static_cast<std::int32_t>(code)) +
                            (code == 2 ? " (usage: it refused its arguments)" : ""));
  }
  if (marker_writing_mode(request.mode) && !read_setup_marker(home)) {
    throw setup_failure(SetupErrorCode::helper_incomplete, "launch",
                        "winsandbox-setup.exe exited 0 but left no setup marker for " + home.str());
  }
}

// One helper run, the caller holding the home's setup mutex.
void run_helper_locked(const SetupRequest& request, const SetupLaunchOptions& options) {
  const bool direct = direct_setup_launch_selected() ||
                      (!prompt_setup_launch_selected() && process_is_elevated_administrator());
  if (!direct && !options.allow_prompt) {
    throw Error(ErrorCode::setup_required,
                "the elevated setup must run (mode " + std::string(setup_mode_name(request.mode)) +
                    ") for sandbox home " + request.sandbox_home.str() +
                    ", and the caller forbids the UAC prompt: run `winsandbox setup`");
  }
  const WinPath helper = locate_setup_helper_executable();
  // A report left by an earlier run must not be taken for this run's.
  const WinPath stale_report = setup_error_path(request.sandbox_home);
  if (!DeleteFileW(to_wide(stale_report.str()).c_str())) {
    const DWORD error = GetLastError();
    if (error != ERROR_FILE_NOT_FOUND && error != ERROR_PATH_NOT_FOUND) {
      throw setup_failure(SetupErrorCode::state_dir_failed, "launch",
                          "cannot remove the earlier report " + stale_report.str() + ": " +
                              win32_error("DeleteFileW", error).what(),
                          error);
    }
  }

  log::TimedStep step("setup helper");
  SetupChannelServer channel = SetupChannelServer::create();
  HelperProcess process =
      direct ? launch_direct(helper, channel.name()) : launch_elevated(helper, channel.name());
  step.set_detail(
      fmt::format("mode {}, {}", setup_mode_name(request.mode), direct ? "direct" : "runas"));
  try {
    channel.send(setup_request_to_json(request), process.process.get(), options.timeout);
  } catch (...) {
    // A helper that exited first may have left its report (bad request, ...): prefer it.
    if (WaitForSingleObject(process.process.get(), 0) == WAIT_OBJECT_0) {
      DWORD code = 0;
      if (GetExitCodeProcess(process.process.get(), &code) && code != 0) {
        check_helper_exit(request, code);
      }
    }
    TerminateProcess(process.process.get(), 1);
    throw;
  }
  const DWORD wait =
      WaitForSingleObject(process.process.get(), static_cast<DWORD>(options.timeout.count()));
  if (wait != WAIT_OBJECT_0) {
    TerminateProcess(process.process.get(), 1);
    throw setup_failure(SetupErrorCode::helper_failed, "launch",
                        "winsandbox-setup.exe did not finish within " +
                            std::to_string(options.timeout.count()) + " ms");
  }
  DWORD code = 0;
  if (!GetExitCodeProcess(process.process.get(), &code)) throw_last_error("GetExitCodeProcess");
  check_helper_exit(request, code);
}

// The setup's grants, additive, through the applied state (nothing changed: nothing written).
std::size_t refresh_grants(const SetupRequest& request, const SetupMarker& marker) {
  SetupSystem system = make_setup_system();
  const AclSyncResult result =
      sync_acl_plan(setup_acl_plan(request, marker.group_sid), host_path(request.sandbox_home),
                    *system.files, AclSyncMode::additive);
  return result.outcome.writes;
}

}  // namespace

bool direct_setup_launch_selected() {
  return host_variable(kSetupLaunchVariable) == std::string(kDirectSetupLaunch);
}

bool prompt_setup_launch_selected() {
  return host_variable(kSetupLaunchVariable) == std::string(kPromptSetupLaunch);
}

bool fake_setup_system_selected() {
  const auto value = host_variable(kFakeSetupSystemVariable);
  return value && !value->empty();
}

bool process_is_elevated_administrator() {
  BOOL member = FALSE;
  if (!CheckTokenMembership(nullptr, Sid::parse("S-1-5-32-544").get(), &member) || !member) {
    return false;
  }
  return token_is_elevated(open_current_process_token(TOKEN_QUERY).get());
}

WinPath locate_setup_helper_executable() {
  try {
    return locate_executable_beside_this_process(to_utf8(kSetupHelperFileName),
                                                 ErrorCode::setup_failed, "the elevated setup");
  } catch (const Error& error) {
    if (error.code() != ErrorCode::setup_failed) throw;
    throw setup_failure(SetupErrorCode::launch_failed, "launch", error.what());
  }
}

std::string setup_mutex_name(const WinPath& sandbox_home) {
  const std::uint64_t hash = fnv1a_64(fold_case(sandbox_home.str()));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return std::string("Local\\winsandbox-setup-") + hex;
}

std::optional<SetupMarker> read_setup_marker(const WinPath& sandbox_home) {
  const WinPath path = setup_marker_path(sandbox_home);
  std::optional<std::string> text;
  try {
    text = read_file_if_exists(host_path(path));
  } catch (const Error& error) {
    log::warn("setup marker {} unreadable ({}): counted as missing", path.str(), error.what());
    return std::nullopt;
  }
  if (!text) return std::nullopt;
  try {
    SetupMarker marker = setup_marker_from_json(*text);
    if (marker.system == "fake" && !fake_setup_system_selected()) {
      log::info("setup marker {} was written by the test fake: counted as missing", path.str());
      return std::nullopt;
    }
    return marker;
  } catch (const Error& error) {
    log::warn("setup marker {} is malformed ({}): counted as missing", path.str(), error.what());
    return std::nullopt;
  }
}

bool setup_secrets_present(const WinPath& sandbox_home) {
  const DWORD attributes =
      GetFileAttributesW(to_wide(secrets_file_path(sandbox_home).str()).c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) == 0;
}

SetupStatus read_setup_status(const SetupRequest& request) {
  return evaluate_setup_status(read_setup_marker(request.sandbox_home),
                               setup_secrets_present(request.sandbox_home), request);
}

SetupEnsureResult ensure_setup(const SetupRequest& request, const SetupLaunchOptions& options) {
  SetupEnsureResult result;
  result.status = read_setup_status(request);
  if (result.status.state != SetupState::current) {
    log::info("elevated setup {} for {}: {}", setup_state_name(result.status.state),
              request.sandbox_home.str(), describe_reasons(result.status));
    const NamedMutexLock lock =
        NamedMutexLock::acquire(setup_mutex_name(request.sandbox_home), options.timeout);
    // Another caller may have run it while this one waited.
    const SetupStatus rechecked = read_setup_status(request);
    if (rechecked.state != SetupState::current) {
      SetupRequest full = request;
      full.mode = SetupMode::full;
      run_helper_locked(full, options);
      result.helper_ran = true;
      const SetupStatus after = read_setup_status(request);
      if (after.state != SetupState::current) {
        throw setup_failure(SetupErrorCode::helper_incomplete, "launch",
                            "winsandbox-setup.exe exited 0 but the setup is still " +
                                std::string(setup_state_name(after.state)) + ": " +
                                describe_reasons(after));
      }
    } else {
      log::info("elevated setup for {} completed by another caller", request.sandbox_home.str());
    }
  }
  const std::optional<SetupMarker> marker = read_setup_marker(request.sandbox_home);
  if (!marker) {
    throw setup_failure(SetupErrorCode::helper_incomplete, "launch",
                        "the setup marker of " + request.sandbox_home.str() + " disappeared");
  }
  result.marker = *marker;
  if (!result.helper_ran) {
    // The helper applied the grants itself; otherwise only what changed is written.
    log::TimedStep step("setup grants refresh");
    result.ace_writes = refresh_grants(request, *marker);
    step.set_detail(fmt::format("{} DACL write(s)", result.ace_writes));
  }
  return result;
}

void run_setup_process(const SetupRequest& request, const SetupLaunchOptions& options) {
  const NamedMutexLock lock =
      NamedMutexLock::acquire(setup_mutex_name(request.sandbox_home), options.timeout);
  run_helper_locked(request, options);
}

}  // namespace winsandbox::win
