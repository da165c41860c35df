// The trivial command of bench_capture_wine: writes one line to stdout and exits 0. WriteFile,
// not stdio, so that the bytes are exact (no text-mode CRLF translation).
#include <windows.h>

int main() {
  static const char kLine[] = "hello from bench_child\n";
  DWORD written = 0;
  WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), kLine, sizeof kLine - 1, &written, nullptr);
  return written == sizeof kLine - 1 ? 0 : 1;
}
