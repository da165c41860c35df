// ws_echo_stdin: copies stdin to stdout until end-of-file, then writes the byte count to stderr.
#include "helper_io.hpp"

int wmain() {
  const HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
  char buffer[4096];
  unsigned long long total = 0;
  for (;;) {
    DWORD read = 0;
    if (!ReadFile(input, buffer, sizeof(buffer), &read, nullptr) || read == 0) break;
    ws_helper::out(std::string_view(buffer, read));
    total += read;
  }
  ws_helper::err(std::to_string(total));
  return 0;
}
