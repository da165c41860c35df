// ws_console_echo: talks to its console through CONIN$ / CONOUT$ (not its std handles, which
// Wine does not attach to a pseudo console; on Windows both are the same console). Prints
// `ready cols=C rows=R`, then for each line read: `size` prints `size cols=C rows=R`,
// `exit N` exits with N, anything else prints `got[<line>]`. End of input exits with 0.
#include <cstdio>
#include <string>

#include "helper_io.hpp"

namespace {

HANDLE open_console(const wchar_t* name) {
  return CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                     nullptr, OPEN_EXISTING, 0, nullptr);
}

void write_line(HANDLE console, const std::string& line) {
  const std::string text = line + "\r\n";
  DWORD written = 0;
  if (!WriteFile(console, text.data(), static_cast<DWORD>(text.size()), &written, nullptr)) {
    ExitProcess(90);
  }
}

std::string size_text(HANDLE console) {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  if (!GetConsoleScreenBufferInfo(console, &info)) return "cols=? rows=?";
  return "cols=" + std::to_string(info.srWindow.Right - info.srWindow.Left + 1) +
         " rows=" + std::to_string(info.srWindow.Bottom - info.srWindow.Top + 1);
}

}  // namespace

int wmain() {
  const HANDLE input = open_console(L"CONIN$");
  const HANDLE output = open_console(L"CONOUT$");
  if (input == INVALID_HANDLE_VALUE || output == INVALID_HANDLE_VALUE) return 91;
  write_line(output, "ready " + size_text(output));
  std::string pending;
  for (;;) {
    char buffer[512];
    DWORD read = 0;
    if (!ReadFile(input, buffer, sizeof(buffer), &read, nullptr) || read == 0) return 0;
    pending.append(buffer, read);
    for (auto end = pending.find_first_of("\r\n"); end != std::string::npos;
         end = pending.find_first_of("\r\n")) {
      const std::string line = pending.substr(0, end);
      const auto next = pending.find_first_not_of("\r\n", end);
      pending.erase(0, next == std::string::npos ? pending.size() : next);
      if (line == "size") {
        write_line(output, "size " + size_text(output));
      } else if (line.rfind("exit ", 0) == 0) {
        return std::atoi(line.c_str() + 5);
      } else if (!line.empty()) {
        write_line(output, "got[" + line + "]");
      }
    }
  }
}
