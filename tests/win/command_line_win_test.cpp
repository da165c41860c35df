// quote_command_line and parse_command_line against the real shell32 CommandLineToArgvW.
// Under Wine this is Wine's shell32, which models Windows' rules (including the pre-2008 `""`
// rule); Wine differs only in ending an unquoted program name at space/tab alone, a case the
// tables avoid. The MSVC CRT dialect cannot be checked here: no CRT export parses an arbitrary
// string, so it is covered by the portable test only.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

// shellapi.h needs windows.h first.
// clang-format off
#include <windows.h>
#include <shellapi.h>
// clang-format on

#include "../plan/command_line_cases.hpp"
#include "test_support.hpp"
#include "win/unicode.hpp"
#include "winsandbox/command_line.hpp"

namespace winsandbox::win {
namespace {

struct LocalFreeDeleter {
  void operator()(LPWSTR* argv) const noexcept { LocalFree(argv); }
};

std::vector<std::string> command_line_to_argv_w(const std::string& line) {
  const std::wstring wide = to_wide(line);
  int argc = 0;
  std::unique_ptr<LPWSTR, LocalFreeDeleter> argv(CommandLineToArgvW(wide.c_str(), &argc));
  if (!argv) {
    ADD_FAILURE() << "CommandLineToArgvW failed: " << GetLastError();
    return {};
  }
  std::vector<std::string> result;
  for (int i = 0; i < argc; ++i) result.push_back(to_utf8(argv.get()[i]));
  return result;
}

TEST(CommandLineWin, QuotedHardCasesParseBackThroughCommandLineToArgvW) {
  for (const auto& c : testing::quoting_cases()) {
    SCOPED_TRACE(c.name);
    const std::string line = quote_command_line(c.argv);
    ASSERT_EQ(line, c.command_line);
    EXPECT_EQ(command_line_to_argv_w(line), c.argv);
  }
}

TEST(CommandLineWin, PortableParserAgreesWithCommandLineToArgvW) {
  for (const auto& c : testing::parsing_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(command_line_to_argv_w(c.command_line), c.argv_command_line_to_argv_w);
    EXPECT_EQ(parse_command_line(c.command_line), c.argv_command_line_to_argv_w);
  }
}

}  // namespace
}  // namespace winsandbox::win
