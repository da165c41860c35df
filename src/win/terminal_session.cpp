// run_session_in_this_terminal (include/winsandbox/session.hpp): a session wired to this
// process's standard streams, as `winsandbox session` uses it.
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include <windows.h>

#include "winsandbox/error.hpp"
#include "winsandbox/session.hpp"

namespace winsandbox {
namespace {

bool is_console(HANDLE handle) {
  DWORD mode = 0;
  return handle != nullptr && handle != INVALID_HANDLE_VALUE && GetConsoleMode(handle, &mode);
}

std::optional<TerminalSize> console_size(HANDLE output) {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  if (!is_console(output) || !GetConsoleScreenBufferInfo(output, &info)) return std::nullopt;
  return TerminalSize{static_cast<std::uint16_t>(info.srWindow.Bottom - info.srWindow.Top + 1),
                      static_cast<std::uint16_t>(info.srWindow.Right - info.srWindow.Left + 1)};
}

// Raw VT input and VT output with UTF-8 code pages on this process's console while a pseudo
// console session runs; everything is put back on destruction.
class RawConsole {
public:
  RawConsole(HANDLE input, HANDLE output) : input_(input), output_(output) {
    input_cp_ = GetConsoleCP();
    output_cp_ = GetConsoleOutputCP();
    SetConsoleCP(CP_UTF8);
    SetConsoleOutputCP(CP_UTF8);
    if (GetConsoleMode(input_, &input_mode_)) {
      // No line editing, no echo, no Ctrl-C processing: keys (Ctrl-C as 0x03) go to the command.
      SetConsoleMode(input_, ENABLE_VIRTUAL_TERMINAL_INPUT | ENABLE_WINDOW_INPUT);
      restore_input_ = true;
    }
    if (GetConsoleMode(output_, &output_mode_)) {
      SetConsoleMode(output_,
                     output_mode_ | ENABLE_PROCESSED_OUTPUT | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
      restore_output_ = true;
    }
  }
  ~RawConsole() {
    if (restore_input_) SetConsoleMode(input_, input_mode_);
    if (restore_output_) SetConsoleMode(output_, output_mode_);
    SetConsoleCP(input_cp_);
    SetConsoleOutputCP(output_cp_);
  }
  RawConsole(const RawConsole&) = delete;
  RawConsole& operator=(const RawConsole&) = delete;

private:
  HANDLE input_;
  HANDLE output_;
  DWORD input_mode_ = 0;
  DWORD output_mode_ = 0;
  UINT input_cp_ = 0;
  UINT output_cp_ = 0;
  bool restore_input_ = false;
  bool restore_output_ = false;
};

void write_all(HANDLE handle, std::string_view bytes) {
  while (!bytes.empty()) {
    DWORD written = 0;
    if (!WriteFile(handle, bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr) ||
        written == 0) {
      return;  // our own stdout is gone: the command keeps running, its output is dropped
    }
    bytes.remove_prefix(written);
  }
}

// Forwards this process's stdin to the session on a thread of its own. A blocking read of a
// console or pipe cannot always be cancelled, so the thread is detached and shares this state:
// once the session ends, `session` is cleared under the mutex and late input is dropped.
struct InputPump {
  std::mutex mutex;
  Session* session = nullptr;

  static void start(const std::shared_ptr<InputPump>& pump, HANDLE input) {
    std::thread([pump, input] {
      char buffer[4096];
      for (;;) {
        DWORD read = 0;
        const bool ok = ReadFile(input, buffer, sizeof(buffer), &read, nullptr) != FALSE;
        const std::lock_guard lock(pump->mutex);
        if (pump->session == nullptr) return;
        try {
          if (!ok || read == 0) {
            // A terminal has no end-of-file: a pseudo console's input stays open (closing it
            // makes the console host shut the console down under the command).
            if (!pump->session->is_tty()) pump->session->close_stdin();
            return;
          }
          pump->session->write_stdin(std::string_view(buffer, read));
        } catch (const Error&) {
          return;  // the command stopped reading (or exited): nothing more to deliver
        }
      }
    }).detach();
  }

  void stop() {
    const std::lock_guard lock(mutex);
    session = nullptr;
  }
};

// The session a console Ctrl-C ends in pipe mode (the handler has no context argument).
std::atomic<Session*> g_interrupt_target{nullptr};

BOOL WINAPI end_session_on_ctrl_c(DWORD event) {
  if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT) return FALSE;
  if (Session* session = g_interrupt_target.load()) {
    try {
      session->terminate();
    } catch (const Error&) {
      // already gone
    }
  }
  return TRUE;
}

class CtrlCEndsSession {
public:
  explicit CtrlCEndsSession(Session& session) {
    g_interrupt_target = &session;
    SetConsoleCtrlHandler(end_session_on_ctrl_c, TRUE);
  }
  ~CtrlCEndsSession() {
    SetConsoleCtrlHandler(end_session_on_ctrl_c, FALSE);
    g_interrupt_target = nullptr;
  }
  CtrlCEndsSession(const CtrlCEndsSession&) = delete;
  CtrlCEndsSession& operator=(const CtrlCEndsSession&) = delete;
};

}  // namespace

std::int32_t run_session_in_this_terminal(SessionRequest request, TerminalMode mode,
                                          const SessionSpawner& spawn) {
  const HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
  const HANDLE output = GetStdHandle(STD_OUTPUT_HANDLE);
  const HANDLE error = GetStdHandle(STD_ERROR_HANDLE);
  request.tty = mode == TerminalMode::pseudo_console ||
                (mode == TerminalMode::automatic && is_console(input));
  std::optional<TerminalSize> size = console_size(output);
  if (size) request.terminal_size = *size;
  request.on_stdout = [output](std::string_view chunk) { write_all(output, chunk); };
  request.on_stderr = [error](std::string_view chunk) { write_all(error, chunk); };

  std::optional<RawConsole> raw;
  if (request.tty && is_console(input)) raw.emplace(input, output);
  Session session = spawn(request);
  std::optional<CtrlCEndsSession> ctrl_c;
  if (!request.tty) ctrl_c.emplace(session);

  auto pump = std::make_shared<InputPump>();
  pump->session = &session;
  if (input != nullptr && input != INVALID_HANDLE_VALUE) {
    InputPump::start(pump, input);
  } else {
    session.close_stdin();
  }

  bool resize_refused = false;
  std::optional<std::int32_t> code;
  while (!(code = session.wait(std::chrono::milliseconds(100)))) {
    if (!request.tty || resize_refused) continue;
    const std::optional<TerminalSize> now = console_size(output);
    if (!now || (size && now->rows == size->rows && now->cols == size->cols)) continue;
    size = now;
    try {
      session.resize(*size);
    } catch (const Error& refused) {
      resize_refused = true;
      std::cerr << "winsandbox: warning: the terminal size is not passed on: " << refused.what()
                << '\n';
    }
  }
  pump->stop();
  return *code;
}

}  // namespace winsandbox
