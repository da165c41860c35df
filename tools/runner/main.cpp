// winsandbox-runner.exe: the elevated backend's command runner. All of it is in the library
// (src/win/elevated/runner_main.hpp), where it is tested; this is the entry point.
#include <string>
#include <vector>

#include "win/elevated/runner_main.hpp"

int wmain(int argc, wchar_t** argv) {
  std::vector<std::wstring> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return winsandbox::win::run_runner(args);
}
