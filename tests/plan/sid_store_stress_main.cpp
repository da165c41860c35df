// Stress helper for the two-process capability SID store test: adds `count` roots
// `C:\stress\<prefix>\<i>` to the store in `<store_dir>` one transaction at a time, each time
// together with the shared root `C:\stress\shared`, with the system CSPRNG, and prints
// `<identity> <sid>` for every root it was handed. Exit code 0 on success, 1 on an error
// (message on stderr), 2 on bad usage.
#include <cstdio>
#include <exception>
#include <string>

#include "plan/capability_sid_store.hpp"
#include "plan/random_source.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <store_dir> <prefix> <count>\n", argv[0]);
    return 2;
  }
  try {
    winsandbox::CapabilitySidStore store(argv[1], winsandbox::system_random_source());
    const int count = std::stoi(argv[3]);
    const auto shared = winsandbox::WinPath::parse("C:\\stress\\shared");
    for (int i = 0; i < count; ++i) {
      const auto mine = winsandbox::WinPath::parse(std::string("C:\\stress\\") + argv[2] + "\\" +
                                                   std::to_string(i));
      for (const auto& root : store.assign({mine, shared}).writable_roots) {
        std::printf("%s %s\n", root.root.identity().c_str(), root.sid.c_str());
      }
    }
    for (const auto& warning : store.warnings())
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    return store.warnings().empty() ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
}
