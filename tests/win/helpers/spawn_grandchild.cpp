// ws_spawn_grandchild <grandchild_sleep_ms> <own_sleep_ms> [<ready_file>]: starts ws_sleep.exe
// (next to this program) as a grandchild that inherits our standard handles, writes
// "<grandchild pid>\n" to stdout, creates <ready_file> if given (so a test can act once the
// grandchild exists), sleeps <own_sleep_ms> and exits 0. Tests use the pid to check the grandchild
// is gone.
#include <string>

#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 3 && argc != 4) return 92;
  wchar_t self[MAX_PATH];
  const DWORD length = GetModuleFileNameW(nullptr, self, MAX_PATH);
  if (length == 0 || length == MAX_PATH) return 93;
  std::wstring directory(self, length);
  directory.resize(directory.find_last_of(L'\\') + 1);
  const std::wstring sleeper = directory + L"ws_sleep.exe";
  std::wstring command_line = L"ws_sleep.exe " + std::wstring(argv[1]);

  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  PROCESS_INFORMATION info{};
  if (!CreateProcessW(sleeper.c_str(), command_line.data(), nullptr, nullptr, TRUE, 0, nullptr,
                      nullptr, &startup, &info)) {
    return 94;
  }
  ws_helper::out(std::to_string(info.dwProcessId) + "\n");
  CloseHandle(info.hThread);
  CloseHandle(info.hProcess);
  if (argc == 4) {
    const HANDLE ready = CreateFileW(argv[3], GENERIC_WRITE, 0, nullptr, CREATE_NEW, 0, nullptr);
    if (ready == INVALID_HANDLE_VALUE) return 95;
    CloseHandle(ready);
  }
  Sleep(static_cast<DWORD>(ws_helper::number(argv[2])));
  return 0;
}
