// Internal logging helpers on top of winsandbox::logger() (include/winsandbox/logging.hpp).
#pragma once

#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "winsandbox/error.hpp"
#include "winsandbox/logging.hpp"

namespace winsandbox::log {

template <typename... Args>
void debug(spdlog::format_string_t<Args...> format, Args&&... args) {
  logger()->debug(format, std::forward<Args>(args)...);
}

template <typename... Args>
void info(spdlog::format_string_t<Args...> format, Args&&... args) {
  logger()->info(format, std::forward<Args>(args)...);
}

template <typename... Args>
void warn(spdlog::format_string_t<Args...> format, Args&&... args) {
  logger()->warn(format, std::forward<Args>(args)...);
}

// Logs a refusal or failure at info with its stable code, so a host can see why a command did
// not run without parsing messages.
void refusal(std::string_view operation, const Error& error);

// One step of a long operation: logs "<step> done in <ms> ms[: detail]" at debug when it ends
// normally, "<step> failed after <ms> ms" at info when an exception leaves it.
class TimedStep {
public:
  explicit TimedStep(std::string step);
  ~TimedStep();
  TimedStep(const TimedStep&) = delete;
  TimedStep& operator=(const TimedStep&) = delete;

  // Extra words for the closing record (e.g. "3 ACEs written").
  void set_detail(std::string detail) { detail_ = std::move(detail); }
  double elapsed_ms() const;

private:
  std::string step_;
  std::string detail_;
  std::chrono::steady_clock::time_point start_;
  int uncaught_at_start_;
};

}  // namespace winsandbox::log
