// winsandbox-setup.exe: the elevated setup helper. All of it is in the library
// (src/win/setup/setup_helper.hpp), where it is tested; this is the entry point.
//
// Usage: winsandbox-setup.exe --request-pipe=\\.\pipe\winsandbox-setup-<32 hex> --parent-pid=<pid>
// Exit 0: success; 1: failure (<sandbox home>\.sandbox\setup_error.json says why); 2: usage.
#include <string>
#include <vector>

#include "win/setup/setup_helper.hpp"

int wmain(int argc, wchar_t** argv) {
  std::vector<std::wstring> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return winsandbox::win::run_setup_helper(args);
}
