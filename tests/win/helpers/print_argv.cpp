// ws_print_argv: writes each argument the C runtime parsed (argv[0] included), UTF-8, one per
// line ("\n").
#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += ws_helper::utf8(argv[i]) + "\n";
  ws_helper::out(text);
  return 0;
}
