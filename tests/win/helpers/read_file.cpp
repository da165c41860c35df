// ws_read_file <path>: opens <path> for reading and reads it. Prints "ok <bytes>" and exits 0,
// or prints "error <code>" and exits with the GetLastError code.
#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 2) return 92;
  const HANDLE file = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                                  FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    ws_helper::out("error " + std::to_string(error));
    ExitProcess(error);
  }
  char buffer[4096];
  DWORD got = 0;
  unsigned long long total = 0;
  BOOL ok = TRUE;
  while ((ok = ReadFile(file, buffer, sizeof buffer, &got, nullptr)) && got > 0) total += got;
  const DWORD error = GetLastError();
  CloseHandle(file);
  if (!ok) {
    ws_helper::out("error " + std::to_string(error));
    ExitProcess(error);
  }
  ws_helper::out("ok " + std::to_string(total));
  return 0;
}
