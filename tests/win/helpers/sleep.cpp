// ws_sleep <milliseconds>: sleeps, then exits 0 without reading or writing anything.
#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 2) return 92;
  Sleep(static_cast<DWORD>(ws_helper::number(argv[1])));
  return 0;
}
