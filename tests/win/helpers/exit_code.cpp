// ws_exit_code <code>: writes "out" to stdout and "err" to stderr, then exits with <code>
// (decimal or 0x..., e.g. 0xC0000005).
#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 2) return 92;
  const auto code = static_cast<UINT>(ws_helper::number(argv[1]));
  ws_helper::out("out");
  ws_helper::err("err");
  ExitProcess(code);
}
