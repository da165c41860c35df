#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>

#include "common/log.hpp"

namespace winsandbox {
namespace {

// Installs a logger that writes "<level>|<message>" lines to a string, and restores the
// default when the test ends.
class LoggingTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(records_);
    auto host = std::make_shared<spdlog::logger>("host", sink);
    // "\n" on every platform (spdlog's default end of line is "\r\n" on Windows).
    host->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%l|%v", spdlog::pattern_time_type::local, "\n"));
    host->set_level(spdlog::level::debug);
    set_logger(host);
  }
  void TearDown() override { set_logger(nullptr); }
  std::string records() const { return records_.str(); }

  std::ostringstream records_;
};

TEST_F(LoggingTest, HostLoggerReceivesTheLibrarysRecords) {
  log::debug("resolve {}", "started");
  EXPECT_EQ(records(), "debug|resolve started\n");
}

TEST_F(LoggingTest, TimedStepLogsItsDurationAndDetailAtDebug) {
  {
    log::TimedStep step("acl sync");
    step.set_detail("2 ACEs written");
  }
  EXPECT_TRUE(records().starts_with("debug|acl sync done in ")) << records();
  EXPECT_TRUE(records().ends_with(" ms: 2 ACEs written\n")) << records();
}

TEST_F(LoggingTest, TimedStepLeftByAnExceptionLogsTheFailureAtInfo) {
  try {
    log::TimedStep step("token");
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(records().starts_with("info|token failed after ")) << records();
}

TEST_F(LoggingTest, RefusalNamesTheStableCode) {
  log::refusal("capture", Error(ErrorCode::elevated_backend_required, "reads are restricted"));
  EXPECT_EQ(records(), "info|capture refused: elevated_backend_required: reads are restricted\n");
}

TEST(LoggingDefault, IsNamedWinsandboxAndSilentBelowWarn) {
  set_logger(nullptr);
  const auto current = logger();
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->name(), kLoggerName);
  EXPECT_FALSE(current->should_log(spdlog::level::info));
  EXPECT_TRUE(current->should_log(spdlog::level::warn));
}

}  // namespace
}  // namespace winsandbox
