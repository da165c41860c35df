// The CLI's --log-level and --log-file: the library's logger (winsandbox/logging.hpp) as the
// user asked for it.
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/common.h>

namespace winsandbox::cli {

struct LogOptions {
  spdlog::level::level_enum level = spdlog::level::warn;
  std::string file;  // UTF-8; empty: stderr
};

// Adds the global options --log-level trace|debug|info|warn|error|off and --log-file PATH.
void add_log_options(CLI::App& app, LogOptions& options);

// Installs a logger named winsandbox::kLoggerName at options.level, writing to stderr or
// appending to options.file. Throws Error(io_error) when the file cannot be opened.
void install_logger(const LogOptions& options);

}  // namespace winsandbox::cli
