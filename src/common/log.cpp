#include "common/log.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>

namespace winsandbox {
namespace {

std::shared_ptr<spdlog::logger> make_default_logger() {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto made = std::make_shared<spdlog::logger>(std::string(kLoggerName), std::move(sink));
  made->set_level(spdlog::level::warn);
  made->set_pattern("%n: %l: %v");
  return made;
}

struct LoggerSlot {
  std::mutex mutex;
  std::shared_ptr<spdlog::logger> current = make_default_logger();
};

LoggerSlot& slot() {
  static LoggerSlot instance;
  return instance;
}

}  // namespace

void set_logger(std::shared_ptr<spdlog::logger> replacement) {
  LoggerSlot& s = slot();
  std::lock_guard lock(s.mutex);
  s.current = replacement ? std::move(replacement) : make_default_logger();
}

std::shared_ptr<spdlog::logger> logger() {
  LoggerSlot& s = slot();
  std::lock_guard lock(s.mutex);
  return s.current;
}

namespace log {

void refusal(std::string_view operation, const Error& error) {
  info("{} refused: {}: {}", operation, error_code_name(error.code()), error.what());
}

TimedStep::TimedStep(std::string step)
    : step_(std::move(step)),
      start_(std::chrono::steady_clock::now()),
      uncaught_at_start_(std::uncaught_exceptions()) {}

double TimedStep::elapsed_ms() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
      .count();
}

TimedStep::~TimedStep() {
  try {
    if (std::uncaught_exceptions() > uncaught_at_start_) {
      info("{} failed after {:.1f} ms", step_, elapsed_ms());
    } else if (detail_.empty()) {
      debug("{} done in {:.1f} ms", step_, elapsed_ms());
    } else {
      debug("{} done in {:.1f} ms: {}", step_, elapsed_ms(), detail_);
    }
  } catch (...) {
    // A logger that throws must not turn a finished step into a crash.
  }
}

}  // namespace log
}  // namespace winsandbox
