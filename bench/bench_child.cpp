// The child of the Wine capture benchmarks. Without arguments (or with a word) it writes one line
// to stdout and exits 0 (bench_capture_wine's trivial command); with a byte count it writes that
// many bytes to stdout, byte i being 'a' + i % 26, in 63 KiB writes (bench_elevated_wine's
// flood). WriteFile, not stdio, so that the bytes are exact (no text-mode CRLF translation).
#include <cstdlib>
#include <string>

#include <windows.h>

namespace {

bool write_all(const char* data, DWORD size) {
  DWORD written = 0;
  return WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), data, size, &written, nullptr) &&
         written == size;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && argv[1][0] >= '0' && argv[1][0] <= '9') {
    unsigned long long remaining = std::strtoull(argv[1], nullptr, 10);
    // 2 520 times the alphabet (63 KiB): every chunk starts at 'a', so the stream is one
    // continuous pattern, byte i being 'a' + i % 26.
    std::string chunk(26 * 2520, '\0');
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>('a' + i % 26);
    while (remaining > 0) {
      const DWORD size = static_cast<DWORD>(remaining < chunk.size() ? remaining : chunk.size());
      if (!write_all(chunk.data(), size)) return 1;
      remaining -= size;
    }
    return 0;
  }
  static const char kLine[] = "hello from bench_child\n";
  return write_all(kLine, sizeof kLine - 1) ? 0 : 1;
}
