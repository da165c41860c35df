// Shared plumbing of the winsandbox CLI: exit codes, input, error reporting.
#pragma once

#include <string>

#include "winsandbox/error.hpp"

namespace winsandbox::cli {

// Exit codes of DESIGN §5 for the non-executing commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSandboxError = 125;

struct GlobalOptions {
  bool json = false;  // machine-readable output and errors
};

// Contents of FILE, or of standard input for "-". Throws Error(io_error).
std::string read_input(const std::string& file_or_dash);

// Prints `error` (text on stderr, or {"error":{...}} on stdout with --json); returns 125.
int report_error(const Error& error, const GlobalOptions& options);

// Writes one line of output (the result) to stdout.
void print_line(const std::string& text);

}  // namespace winsandbox::cli
