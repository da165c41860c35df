// ws_write_bytes <stdout_bytes> <stderr_bytes>: writes the two streams interleaved in 16 KiB
// chunks. Byte i of stdout is 'a' + i % 26, byte i of stderr is 'A' + i % 26, so a reader can
// check any prefix exactly.
#include <algorithm>

#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 3) return 92;
  unsigned long long out_left = ws_helper::number(argv[1]);
  unsigned long long err_left = ws_helper::number(argv[2]);
  unsigned long long out_pos = 0;
  unsigned long long err_pos = 0;
  constexpr unsigned long long kChunk = 16 * 1024;
  std::string chunk;
  while (out_left > 0 || err_left > 0) {
    if (out_left > 0) {
      chunk.clear();
      for (unsigned long long n = std::min(out_left, kChunk); n > 0; --n, ++out_pos, --out_left) {
        chunk.push_back(static_cast<char>('a' + out_pos % 26));
      }
      ws_helper::out(chunk);
    }
    if (err_left > 0) {
      chunk.clear();
      for (unsigned long long n = std::min(err_left, kChunk); n > 0; --n, ++err_pos, --err_left) {
        chunk.push_back(static_cast<char>('A' + err_pos % 26));
      }
      ws_helper::err(chunk);
    }
  }
  return 0;
}
