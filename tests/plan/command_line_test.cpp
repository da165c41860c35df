#include "winsandbox/command_line.hpp"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "batch_parameters.hpp"
#include "command_line_cases.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::batch_parameters_without_quotes;
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

// ---- batch scripts --------------------------------------------------------------------------

constexpr char kScript[] = R"(C:\tools\run.cmd)";

TEST(QuoteBatchCommandLine, AcceptedArgumentsAndTheirExactLine) {
  struct Case {
    std::vector<std::string> args;
    std::string line;  // after the quoted script path and a space
  };
  const std::vector<Case> cases = {
      {{"plain"}, "plain"},
      {{""}, R"("")"},
      {{"two words"}, R"("two words")"},
      {{"tab\there"}, "\"tab\there\""},
      {{"a,b", "a;b", "k=v"}, R"("a,b" "a;b" "k=v")"},
      {{"(x)", "[x]", "{x}", "it's", "a+b", "`x`", "~x"},
       R"q("(x)" "[x]" "{x}" "it's" "a+b" "`x`" "~x")q"},
      // Backslashes mean nothing to cmd.exe: never doubled, not even before the closing quote.
      {{R"(C:\dir with space\)", R"(tail\)", R"(\\server\share)"},
       R"("C:\dir with space\" tail\ \\server\share)"},
      {{"--flag", "/?", "a:b", "x.y", "@at", "#h", "$d", "*.ts", "a?b", "-_"},
       "--flag /? a:b x.y @at #h $d *.ts a?b -_"},
      {{"\xC3\xA9t\xC3\xA9"}, "\xC3\xA9t\xC3\xA9"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv{"run"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    SCOPED_TRACE(c.line);
    EXPECT_EQ(quote_batch_command_line(kScript, argv),
              std::string("\"") + kScript + "\" " + c.line);
  }
  // argv[0] as typed is replaced by the resolved script, always quoted.
  EXPECT_EQ(quote_batch_command_line(kScript, {"run"}), "\"C:\\tools\\run.cmd\"");
  EXPECT_EQ(quote_batch_command_line(R"(C:\My Tools (x86)\a&b.bat)", {"a&b", "1"}),
            R"("C:\My Tools (x86)\a&b.bat" 1)");
}

TEST(QuoteBatchCommandLine, RefusesWhatCmdExeWouldInterpret) {
  struct Case {
    std::string arg;
    std::string named;  // how the message names the character
  };
  const std::vector<Case> cases = {
      {R"(say "hi")", "'\"'"}, {"100%", "'%'"},     {"%PATH%", "'%'"},
      {"wow!", "'!'"},         {"^1.2.3", "'^'"},   {"a&calc", "'&'"},
      {"a|more", "'|'"},       {"<in", "'<'"},      {">out", "'>'"},
      {"a\rb", "U+000D"},      {"a\nb", "U+000A"},  {std::string("a\0b", 3), "U+0000"},
      {"\x1b[0m", "U+001B"},   {"a\x01", "U+0001"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.named);
    // Refused in any position, named by its position.
    EXPECT_WS_ERROR(quote_batch_command_line(kScript, {"run", "fine", c.arg}),
                    ErrorCode::invalid_argument, "argument 2 `");
    EXPECT_WS_ERROR(quote_batch_command_line(kScript, {"run", c.arg}), ErrorCode::invalid_argument,
                    "contains " + c.named + ", which cmd.exe would interpret");
  }
  // The message shows the argument (control characters spelled out) and the script.
  EXPECT_WS_ERROR(quote_batch_command_line(kScript, {"run", "a&calc"}), ErrorCode::invalid_argument,
                  "argument 1 `a&calc` of the batch script `C:\\tools\\run.cmd`");
  EXPECT_WS_ERROR(quote_batch_command_line(kScript, {"run", std::string("x\0y", 3)}),
                  ErrorCode::invalid_argument, "`x<U+0000>y`");
  // The script path: only what still acts inside quotes.
  for (const char* script : {R"(C:\100%\run.bat)", R"(C:\wow!\run.bat)", "C:\\a\"b\\run.bat"}) {
    SCOPED_TRACE(script);
    EXPECT_WS_ERROR(quote_batch_command_line(script, {"run"}), ErrorCode::invalid_argument,
                    "the batch script path");
  }
  EXPECT_WS_ERROR(quote_batch_command_line(kScript, {}), ErrorCode::invalid_argument, "empty argv");
}

// Random arguments over every character that is not refused, delimiters and quote triggers
// included: each is refused, or reaches the script as exactly one parameter (`%~n` == arg).
// (Fixed seed: a failure is reproducible.)
TEST(QuoteBatchCommandLine, RandomArgumentsArriveWholeOrAreRefused) {
  const std::vector<std::string> alphabet = {"a",  " ", "\t", ",", ";", "=", "(", ")", "\\",
                                             "[",  "'", "+",  "`", "~", "/", ":", "*", "\xC3\xA9",
                                             "\"", "%", "!",  "^", "&", "|", "<", ">", "\n"};
  std::mt19937 rng(20250311);
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> argv = {"run"};
    const int count = std::uniform_int_distribution<int>(1, 4)(rng);
    bool refusable = false;
    for (int i = 0; i < count; ++i) {
      std::string arg;
      const int length = std::uniform_int_distribution<int>(0, 6)(rng);
      for (int k = 0; k < length; ++k) {
        // Mostly harmless letters, so that accepted argv are common.
        const std::size_t pick = std::uniform_int_distribution<std::size_t>(0, 60)(rng);
        arg += alphabet[pick < alphabet.size() ? pick : 0];
      }
      refusable = refusable || arg.find_first_of("\"%!^&|<>\n") != std::string::npos;
      argv.push_back(arg);
    }
    std::string line;
    try {
      line = quote_batch_command_line(kScript, argv);
    } catch (const Error& error) {
      ASSERT_TRUE(refusable) << error.what();
      continue;
    }
    ASSERT_FALSE(refusable) << line;
    ++accepted;
    std::vector<std::string> expected = argv;
    expected[0] = kScript;
    ASSERT_EQ(batch_parameters_without_quotes(line), expected) << line;
  }
  EXPECT_GT(accepted, 500);
}

}  // namespace
}  // namespace winsandbox
