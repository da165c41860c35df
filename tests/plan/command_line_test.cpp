#include "winsandbox/command_line.hpp"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "command_line_cases.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::parsing_cases;
using testing::quoting_cases;

TEST(QuoteCommandLine, HardCasesProduceTheExactLineAndParseBackUnderBothDialects) {
  for (const auto& c : quoting_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(quote_command_line(c.argv), c.command_line);
    EXPECT_EQ(parse_command_line(c.command_line, CommandLineDialect::command_line_to_argv_w),
              c.argv);
    EXPECT_EQ(parse_command_line(c.command_line, CommandLineDialect::msvc_crt), c.argv);
  }
}

TEST(QuoteCommandLine, RejectsWhatNoCommandLineCanCarry) {
  EXPECT_WS_ERROR(quote_command_line({}), ErrorCode::invalid_argument, "empty argv");
  EXPECT_WS_ERROR(quote_command_line({"p", std::string("a\0b", 3)}), ErrorCode::invalid_argument,
                  "may not contain NUL");
  EXPECT_WS_ERROR(quote_command_line({std::string("p\0", 2)}), ErrorCode::invalid_argument,
                  "may not contain NUL");
  EXPECT_WS_ERROR(quote_command_line({R"(C:\a"b.exe)", "x"}), ErrorCode::invalid_argument,
                  "contains '\"'");
  // A quote is fine in every other argument.
  EXPECT_EQ(quote_command_line({"p", R"(a"b)"}), R"(p "a\"b")");
}

// Random argv over the characters that matter: every one must survive quote -> parse under
// both dialects. (Fixed seed: a failure is reproducible.)
TEST(QuoteCommandLine, RandomArgvRoundTripsUnderBothDialects) {
  const std::vector<std::string> alphabet = {"a", " ", "\t", "\\", "\"", "\n", "\xC3\xA9", "Z"};
  const std::vector<std::string> program_alphabet = {"a", " ", "\t", "\\", "\xC3\xA9", "."};
  std::mt19937 rng(20240917);
  auto random_text = [&](const std::vector<std::string>& letters) {
    std::string text;
    const int length = std::uniform_int_distribution<int>(0, 8)(rng);
    for (int i = 0; i < length; ++i) {
      text += letters[std::uniform_int_distribution<std::size_t>(0, letters.size() - 1)(rng)];
    }
    return text;
  };
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> argv = {random_text(program_alphabet)};
    const int extra = std::uniform_int_distribution<int>(0, 4)(rng);
    for (int i = 0; i < extra; ++i) argv.push_back(random_text(alphabet));
    const std::string line = quote_command_line(argv);
    ASSERT_EQ(parse_command_line(line, CommandLineDialect::command_line_to_argv_w), argv) << line;
    ASSERT_EQ(parse_command_line(line, CommandLineDialect::msvc_crt), argv) << line;
  }
}

TEST(ParseCommandLine, FollowsEachDialect) {
  for (const auto& c : parsing_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(parse_command_line(c.command_line, CommandLineDialect::command_line_to_argv_w),
              c.argv_command_line_to_argv_w);
    EXPECT_EQ(parse_command_line(c.command_line, CommandLineDialect::msvc_crt), c.argv_msvc_crt);
  }
}

TEST(ParseCommandLine, DefaultsToCommandLineToArgvW) {
  EXPECT_EQ(parse_command_line(R"(p "a""b" c)"), (std::vector<std::string>{"p", R"(a"b c)"}));
}

TEST(ParseCommandLine, EmptyLineGivesNoArguments) {
  EXPECT_TRUE(parse_command_line("").empty());
  EXPECT_TRUE(parse_command_line("", CommandLineDialect::msvc_crt).empty());
}

TEST(ParseCommandLine, ProgramNameEndsAtAnyControlCharacterForCommandLineToArgvW) {
  // Windows ends an unquoted program name at any character <= U+0020; the CRT only at space
  // and tab.
  EXPECT_EQ(parse_command_line("a\x01"
                               "b c")
                .front(),
            "a");
  EXPECT_EQ(parse_command_line("a\x01"
                               "b c",
                               CommandLineDialect::msvc_crt),
            (std::vector<std::string>{"a\x01"
                                      "b",
                                      "c"}));
}

TEST(ParseCommandLine, RejectsNul) {
  EXPECT_WS_ERROR(parse_command_line(std::string_view("p a\0b", 5)), ErrorCode::invalid_argument,
                  "may not contain NUL");
}

}  // namespace
}  // namespace winsandbox
