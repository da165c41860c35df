#include "win/process_launcher.hpp"

#include <algorithm>
#include <vector>

#include "common/log.hpp"
#include "win/environment_block.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {
namespace {

// CreateProcess limit for lpCommandLine, terminating NUL included.
constexpr std::size_t kMaxCommandLineChars = 32767;

// Makes handles inheritable for the lifetime of this object. Restoring matters: until then,
// any other thread's CreateProcess without a handle list would hand them to its child too.
class InheritableScope {
public:
  explicit InheritableScope(std::vector<HANDLE> handles) : handles_(std::move(handles)) {
    for (HANDLE h : handles_) {
      if (!SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) {
        const DWORD error = GetLastError();
        restore();
        throw win32_error("SetHandleInformation(stdio handle, inherit)", error);
      }
      ++made_inheritable_;
    }
  }
  ~InheritableScope() { restore(); }
  InheritableScope(const InheritableScope&) = delete;
  InheritableScope& operator=(const InheritableScope&) = delete;

private:
  void restore() noexcept {
    for (std::size_t i = 0; i < made_inheritable_; ++i) {
      SetHandleInformation(handles_[i], HANDLE_FLAG_INHERIT, 0);
    }
    made_inheritable_ = 0;
  }
  std::vector<HANDLE> handles_;
  std::size_t made_inheritable_ = 0;
};

std::vector<HANDLE> distinct_handles(const StdioHandles& stdio) {
  std::vector<HANDLE> handles;
  for (HANDLE h : {stdio.input, stdio.output, stdio.error}) {
    if (h == nullptr || h == INVALID_HANDLE_VALUE) {
      throw Error(ErrorCode::invalid_argument, "a redirected standard stream has no handle");
    }
    if (std::find(handles.begin(), handles.end(), h) == handles.end()) handles.push_back(h);
  }
  return handles;
}

std::string launch_context(const LaunchRequest& request) {
  return " | application=" + request.application.str() + " | cwd=" + request.cwd.str() +
         " | cmd=" + request.command_line;
}

}  // namespace

LaunchedProcess launch_process(const LaunchRequest& request, JobObject& job) {
  log::TimedStep step("spawn");  // every sandboxed capture and session starts its child here
  if (request.stdio && request.pseudo_console != nullptr) {
    throw Error(ErrorCode::invalid_argument,
                "a launch takes either redirected standard streams or a pseudo console");
  }
  const std::wstring application = to_wide(request.application.str());
  const std::wstring cwd = to_wide(request.cwd.str());
  std::wstring command_line = to_wide(request.command_line);  // CreateProcess may write to it
  if (command_line.empty() || command_line.size() >= kMaxCommandLineChars) {
    throw Error(ErrorCode::invalid_argument,
                "command line must have 1 to " + std::to_string(kMaxCommandLineChars - 1) +
                    " UTF-16 characters, not " + std::to_string(command_line.size()));
  }
  std::wstring environment = make_environment_block(request.environment);
  const std::wstring desktop = to_wide(request.desktop);

  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof(startup);
  startup.StartupInfo.lpDesktop = desktop.empty() ? nullptr : const_cast<LPWSTR>(desktop.c_str());

  std::vector<HANDLE> inherited;
  if (request.stdio) {
    inherited = distinct_handles(*request.stdio);
    startup.StartupInfo.dwFlags |= STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = request.stdio->input;
    startup.StartupInfo.hStdOutput = request.stdio->output;
    startup.StartupInfo.hStdError = request.stdio->error;
  } else if (request.pseudo_console != nullptr) {
    // Our own standard handles must not reach the child: without STARTF_USESTDHANDLES it
    // would get our (possibly redirected) std handle values. The pseudo console provides its
    // streams; INVALID_HANDLE_VALUE as the reference does (docs/execution.md#process-launcher).
    // Wine 8 does not attach the child's std handles to the pseudo console with any of the variants
    // (see the launcher test), so this part is proven on Windows only.
    startup.StartupInfo.dwFlags |= STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = INVALID_HANDLE_VALUE;
    startup.StartupInfo.hStdOutput = INVALID_HANDLE_VALUE;
    startup.StartupInfo.hStdError = INVALID_HANDLE_VALUE;
  }

  const DWORD attribute_count =
      (inherited.empty() ? 0 : 1) + (request.pseudo_console != nullptr ? 1 : 0);
  std::optional<ProcThreadAttributeList> attributes;
  if (attribute_count > 0) {
    attributes.emplace(attribute_count);
    if (!inherited.empty()) attributes->set_handle_list(inherited);
    if (request.pseudo_console != nullptr) attributes->set_pseudo_console(request.pseudo_console);
    startup.lpAttributeList = attributes->get();
  }

  DWORD flags = CREATE_UNICODE_ENVIRONMENT | CREATE_SUSPENDED;
  if (attributes) flags |= EXTENDED_STARTUPINFO_PRESENT;
  if (request.console == ConsoleMode::no_window && request.pseudo_console == nullptr) {
    flags |= CREATE_NO_WINDOW;
  }
  const BOOL inherit_handles = inherited.empty() ? FALSE : TRUE;

  PROCESS_INFORMATION info{};
  BOOL created = FALSE;
  DWORD create_error = ERROR_SUCCESS;
  {
    const InheritableScope inheritable(inherited);
    created = CreateProcessAsUserW(request.token.get().get(), application.c_str(),
                                   command_line.data(), nullptr, nullptr, inherit_handles, flags,
                                   environment.data(), cwd.c_str(), &startup.StartupInfo, &info);
    if (!created) create_error = GetLastError();
  }
  if (!created) {
    const Error error = win32_error("CreateProcessAsUserW", create_error);
    // "Not found" may be about the working directory too; only a missing program is
    // command_not_found.
    const bool not_found =
        create_error == ERROR_FILE_NOT_FOUND || create_error == ERROR_PATH_NOT_FOUND;
    const bool program_missing =
        not_found && GetFileAttributesW(application.c_str()) == INVALID_FILE_ATTRIBUTES;
    throw Error(program_missing ? ErrorCode::command_not_found : ErrorCode::command_start_failed,
                error.what() + launch_context(request), create_error);
  }

  LaunchedProcess launched{UniqueHandle(info.hProcess), info.dwProcessId};
  const UniqueHandle thread(info.hThread);
  try {
    job.assign(launched.process.get());
  } catch (...) {
    TerminateProcess(launched.process.get(), kJobKilledExitCode);
    throw;
  }
  if (ResumeThread(thread.get()) == static_cast<DWORD>(-1)) {
    const DWORD error = GetLastError();
    TerminateProcess(launched.process.get(), kJobKilledExitCode);
    throw win32_error("ResumeThread", error);
  }
  step.set_detail(fmt::format("pid {}", launched.process_id));
  return launched;
}

}  // namespace winsandbox::win
