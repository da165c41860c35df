#include "cli_logging.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/logging.hpp"

namespace winsandbox::cli {
namespace {

// Appends each record to a file opened by its UTF-8 name (utf8_path: the wide name on
// Windows). spdlog's basic_file_sink opens a narrow name, which Windows reads in the ANSI code
// page, so a non-ASCII log path would name another file or none.
class AppendFileSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  explicit AppendFileSink(const std::string& name)
      : file_(utf8_path(name), std::ios::binary | std::ios::app) {
    if (!file_) throw Error(ErrorCode::io_error, "cannot open the log file `" + name + "`");
  }

protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    file_.write(formatted.data(), static_cast<std::streamsize>(formatted.size()));
  }
  void flush_() override { file_.flush(); }

private:
  std::ofstream file_;
};

}  // namespace

void add_log_options(CLI::App& app, LogOptions& options) {
  const std::map<std::string, spdlog::level::level_enum> levels{
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off}};
  app.add_option("--log-level", options.level,
                 "Library log records at LEVEL and above: trace|debug|info|warn|error|off; debug "
                 "shows each sandbox step with its duration, info every refusal with its code")
      ->transform(CLI::CheckedTransformer(levels, CLI::ignore_case))
      ->default_str("warn");
  app.add_option("--log-file", options.file, "Append the log records to PATH instead of stderr");
}

void install_logger(const LogOptions& options) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.file.empty()) {
    logger = std::make_shared<spdlog::logger>(std::string(kLoggerName),
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%n: %l: %v");
  } else {
    logger = std::make_shared<spdlog::logger>(std::string(kLoggerName),
                                              std::make_shared<AppendFileSink>(options.file));
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %n: %l: %v");
    logger->flush_on(spdlog::level::trace);  // every record is on disk when the command ends
  }
  logger->set_level(options.level);
  set_logger(std::move(logger));
}

}  // namespace winsandbox::cli
