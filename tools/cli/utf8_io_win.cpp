// Windows side of the CLI's text I/O (cli_common.hpp): arguments from the wide command line,
// and UTF-8 console output.
#include <string>
#include <vector>

// shellapi.h needs windows.h first.
// clang-format off
#include <windows.h>
#include <shellapi.h>
// clang-format on

#include "cli_common.hpp"
#include "win/handles.hpp"
#include "win/unicode.hpp"

namespace winsandbox::cli {

std::vector<std::string> utf8_arguments(int /*argc*/, char** /*argv*/) {
  int count = 0;
  const win::UniqueLocalPtr<LPWSTR*> wide(CommandLineToArgvW(GetCommandLineW(), &count));
  if (!wide) throw Error(ErrorCode::invalid_argument, "cannot split the command line");
  std::vector<std::string> arguments;
  arguments.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) arguments.push_back(win::to_utf8(wide.get()[i]));
  return arguments;
}

Utf8ConsoleOutput::Utf8ConsoleOutput() {
  const UINT current = GetConsoleOutputCP();  // 0 without a console
  if (current != 0 && current != CP_UTF8 && SetConsoleOutputCP(CP_UTF8)) {
    previous_code_page_ = current;
  }
}

Utf8ConsoleOutput::~Utf8ConsoleOutput() {
  if (previous_code_page_ != 0) SetConsoleOutputCP(previous_code_page_);
}

}  // namespace winsandbox::cli
