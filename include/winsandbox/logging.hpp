// The library's logger: one named spdlog logger, `winsandbox`, that the host can replace.
//
// By default it writes to stderr and is silent below `warn`. Each capture and session logs its
// steps with their durations at `debug` (resolve, capability SIDs, ACL sync, token, spawn, exit)
// and every refusal with its error code at `info`. A host that wants the records in its own log
// installs its logger (any name, any sinks, any level) with set_logger().
#pragma once

#include <memory>
#include <string_view>

namespace spdlog {
class logger;
}  // namespace spdlog

namespace winsandbox {

inline constexpr std::string_view kLoggerName = "winsandbox";

// Replaces the library's logger; nullptr restores the default (stderr, level warn). Thread-safe:
// records already being written go to the logger they started with.
void set_logger(std::shared_ptr<spdlog::logger> logger);

// The logger the library writes to now (never null).
std::shared_ptr<spdlog::logger> logger();

}  // namespace winsandbox
