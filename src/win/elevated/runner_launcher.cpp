#include "win/elevated/runner_launcher.hpp"

#include <vector>

#include "win/environment_block.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {
namespace {

constexpr char kRunnerFileName[] = "winsandbox-runner.exe";

// The error mode around a launch: no "missing DLL" or crash dialog from the runner's start.
class QuietErrorMode {
public:
  QuietErrorMode() : previous_(SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX)) {}
  ~QuietErrorMode() { SetErrorMode(previous_); }
  QuietErrorMode(const QuietErrorMode&) = delete;
  QuietErrorMode& operator=(const QuietErrorMode&) = delete;

private:
  UINT previous_;
};

RunnerProcess take(PROCESS_INFORMATION& info) {
  const UniqueHandle thread(info.hThread);  // never resumed or waited on: the runner runs
  RunnerProcess runner;
  runner.process.reset(info.hProcess);
  runner.process_id = info.dwProcessId;
  return runner;
}

// What both launchers hand to the system: wide strings (the command line writable, as the
// CreateProcess family wants it) and an empty STARTUPINFO.
struct LaunchArguments {
  LaunchArguments(const WinPath& runner, const std::string& command_line, const WinPath& cwd)
      : application(to_wide(runner.str())),
        line(to_wide(command_line)),
        directory(to_wide(cwd.str())) {
    startup.cb = sizeof(startup);
  }
  std::wstring application;
  std::wstring line;
  std::wstring directory;
  STARTUPINFOW startup{};
};

class DirectRunnerLauncher final : public RunnerLauncher {
public:
  std::string_view name() const override { return kDirectRunnerLaunch; }
  Sid runner_account() const override {
    const UniqueHandle token = open_current_process_token(TOKEN_QUERY);
    return token_user_sid(token.get());
  }
  RunnerProcess launch(const WinPath& runner, const std::string& command_line,
                       const WinPath& cwd) override {
    LaunchArguments a(runner, command_line, cwd);
    PROCESS_INFORMATION info{};
    const QuietErrorMode quiet;
    if (!CreateProcessW(a.application.c_str(), a.line.data(), nullptr, nullptr, FALSE,
                        CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT, nullptr, a.directory.c_str(),
                        &a.startup, &info)) {
      const DWORD error = GetLastError();
      throw Error(ErrorCode::runner_failed,
                  "launch: CreateProcessW(" + runner.str() +
                      ") failed: " + win32_error("CreateProcessW", error).what(),
                  error);
    }
    return take(info);
  }
};

class LogonRunnerLauncher final : public RunnerLauncher {
public:
  explicit LogonRunnerLauncher(SandboxAccountCredentials account) : account_(std::move(account)) {}
  ~LogonRunnerLauncher() override {
    SecureZeroMemory(account_.password.data(), account_.password.size());
  }

  std::string_view name() const override { return "logon"; }
  Sid runner_account() const override {
    const std::wstring user = to_wide(account_.user_name);
    DWORD sid_size = 0;
    DWORD domain_size = 0;
    SID_NAME_USE use{};
    LookupAccountNameW(nullptr, user.c_str(), nullptr, &sid_size, nullptr, &domain_size, &use);
    std::vector<DWORD> sid((sid_size + sizeof(DWORD) - 1) / sizeof(DWORD) + 1);
    std::wstring domain(domain_size + 1, L'\0');
    if (!LookupAccountNameW(nullptr, user.c_str(), sid.data(), &sid_size, domain.data(),
                            &domain_size, &use)) {
      const DWORD error = GetLastError();
      throw Error(ErrorCode::setup_required,
                  "the sandbox account `" + account_.user_name +
                      "` does not exist: " + win32_error("LookupAccountNameW", error).what(),
                  error);
    }
    return Sid::copy_of(sid.data());
  }
  RunnerProcess launch(const WinPath& runner, const std::string& command_line,
                       const WinPath& cwd) override {
    const std::wstring user = to_wide(account_.user_name);
    std::wstring password = to_wide(account_.password);
    LaunchArguments a(runner, command_line, cwd);
    PROCESS_INFORMATION info{};
    BOOL ok = FALSE;
    DWORD error = 0;
    {
      const QuietErrorMode quiet;
      // No LOGON_WITH_PROFILE: docs/elevated.md#runner-launch says how HTTPS still works.
      ok = CreateProcessWithLogonW(user.c_str(), L".", password.c_str(), 0, a.application.c_str(),
                                   a.line.data(), CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT,
                                   nullptr, a.directory.c_str(), &a.startup, &info);
      if (!ok) error = GetLastError();
    }
    SecureZeroMemory(password.data(), password.size() * sizeof(wchar_t));
    if (!ok) {
      // A stale password (1326 bad credentials, 1312 no logon session) means setup must run
      // again; anything else is the launch itself failing.
      const bool stale = error == ERROR_LOGON_FAILURE || error == ERROR_NO_SUCH_LOGON_SESSION;
      throw Error(stale ? ErrorCode::setup_required : ErrorCode::runner_failed,
                  "launch: CreateProcessWithLogonW as " + account_.user_name +
                      " failed: " + win32_error("CreateProcessWithLogonW", error).what(),
                  error);
    }
    return take(info);
  }

private:
  SandboxAccountCredentials account_;
};

}  // namespace

std::unique_ptr<RunnerLauncher> make_direct_runner_launcher() {
  return std::make_unique<DirectRunnerLauncher>();
}

std::unique_ptr<RunnerLauncher> make_logon_runner_launcher(SandboxAccountCredentials account) {
  return std::make_unique<LogonRunnerLauncher>(std::move(account));
}

bool direct_runner_launch_selected() {
  return host_variable(kRunnerLaunchVariable) == std::string(kDirectRunnerLaunch);
}

WinPath locate_executable_beside_this_process(std::string_view file_name, ErrorCode missing_code,
                                              std::string_view needed_by) {
  std::wstring module(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length =
        GetModuleFileNameW(nullptr, module.data(), static_cast<DWORD>(module.size()));
    if (length == 0) throw_last_error("GetModuleFileNameW");
    if (length < module.size()) {
      module.resize(length);
      break;
    }
    module.resize(module.size() * 2);
  }
  const auto slash = module.find_last_of(L"\\/");
  const std::wstring path = module.substr(0, slash + 1) + to_wide(file_name);
  const DWORD attributes = GetFileAttributesW(path.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
    throw Error(missing_code, "launch: " + to_utf8(path) +
                                  " is missing: " + std::string(needed_by) + " needs " +
                                  std::string(file_name) + " next to " + to_utf8(module));
  }
  return WinPath::parse(to_utf8(path));
}

WinPath locate_runner_executable() {
  return locate_executable_beside_this_process(kRunnerFileName, ErrorCode::runner_failed,
                                               "the elevated backend");
}

std::string describe_exit(HANDLE process) {
  DWORD code = 0;
  if (WaitForSingleObject(process, 0) != WAIT_OBJECT_0 || !GetExitCodeProcess(process, &code)) {
    return "still running";
  }
  return "exit code " + std::to_string(static_cast<std::int32_t>(code));
}

}  // namespace winsandbox::win
