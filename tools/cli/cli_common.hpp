// Shared plumbing of the winsandbox CLI: exit codes, input, error reporting.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/error.hpp"

namespace winsandbox::cli {

// Exit codes of docs/architecture.md#errors for the non-executing commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSandboxError = 125;

struct GlobalOptions {
  bool json = false;  // machine-readable output and errors
};

// The program's arguments (argv[0] included) as UTF-8. On Windows the C runtime's argv is in
// the ANSI code page, which cannot hold most text, so they are read from the wide command line
// instead (Error(invalid_argument) for text UTF-8 cannot hold, an unpaired surrogate).
std::vector<std::string> utf8_arguments(int argc, char** argv);

// A UTF-8 path (every argument is UTF-8) as a std::filesystem::path: on Windows files are then
// opened by their wide names, never through the ANSI code page.
std::filesystem::path utf8_path(std::string_view text);

// While alive, a console this process writes to shows our UTF-8 output as text: on Windows its
// output code page is switched to UTF-8 (a console otherwise decodes the bytes in its own code
// page) and restored afterwards. Output redirected to files and pipes is UTF-8 either way.
class Utf8ConsoleOutput {
public:
  Utf8ConsoleOutput();
  ~Utf8ConsoleOutput();
  Utf8ConsoleOutput(const Utf8ConsoleOutput&) = delete;
  Utf8ConsoleOutput& operator=(const Utf8ConsoleOutput&) = delete;

private:
  unsigned previous_code_page_ = 0;  // 0: nothing to restore
};

// Contents of FILE, or of standard input for "-". Throws Error(io_error).
std::string read_input(const std::string& file_or_dash);

// Prints `error` (text on stderr, or {"error":{...}} on stdout with --json); returns 125.
int report_error(const Error& error, const GlobalOptions& options);

// Writes one line of output (the result) to stdout.
void print_line(const std::string& text);

}  // namespace winsandbox::cli
