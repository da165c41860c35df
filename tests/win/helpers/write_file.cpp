// ws_write_file <path>: creates <path> (replacing it) and writes "x". Prints "ok" and exits 0,
// or prints "error <code>" and exits with the GetLastError code.
#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 2) return 92;
  const HANDLE file = CreateFileW(argv[1], GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                                  FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    ws_helper::out("error " + std::to_string(error));
    ExitProcess(error);
  }
  DWORD written = 0;
  const BOOL ok = WriteFile(file, "x", 1, &written, nullptr);
  const DWORD error = GetLastError();
  CloseHandle(file);
  if (!ok) {
    ws_helper::out("error " + std::to_string(error));
    ExitProcess(error);
  }
  ws_helper::out("ok");
  return 0;
}
