// Fuzz target: Windows command-line quoting and parsing (quote_command_line /
// parse_command_line).
//
// Input: NUL-separated arguments (argv[0] first; a Windows argument cannot hold NUL, so NUL is
// the one byte free to act as the separator). The same bytes are also parsed as a raw command
// line.
// Properties:
// * round trip: parse(quote(argv)) == argv under both dialects (CommandLineToArgvW and the
//   MSVC CRT); quote() refuses only a `"` in argv[0] (Error(invalid_argument));
// * a quoted argument never contains `""` (the construct the two dialects read differently);
// * the raw line parses under both dialects, refusing (invalid_argument) exactly when it holds
//   a NUL; and re-quoting a parsed argv reproduces it: parse(quote(parse(line))) == parse(line);
// * batch scripts (quote_batch_command_line): argv[1..] is refused (invalid_argument) exactly
//   when an argument holds a character cmd.exe interprets (`" % ! ^ & | < >`, a control
//   character but tab); otherwise the line holds none of them and the script receives each
//   argument as exactly one parameter (`%~n` == argv[n]).
#include <algorithm>
#include <string>
#include <vector>

#include "../plan/batch_parameters.hpp"
#include "fuzz_support.hpp"
#include "winsandbox/command_line.hpp"

namespace winsandbox::fuzz {
namespace {

constexpr CommandLineDialect kDialects[] = {CommandLineDialect::command_line_to_argv_w,
                                            CommandLineDialect::msvc_crt};

std::vector<std::string> split_at_nul(std::string_view input) {
  std::vector<std::string> argv;
  std::size_t start = 0;
  while (true) {
    const std::size_t nul = input.find('\0', start);
    argv.emplace_back(input.substr(start, nul - start));
    if (nul == std::string_view::npos) return argv;
    start = nul + 1;
  }
}

std::string describe(const std::vector<std::string>& argv) {
  std::string out = "[";
  for (const auto& arg : argv) out += (out.size() > 1 ? ", \"" : "\"") + escape_bytes(arg) + "\"";
  return out + "]";
}

// Quotes `argv`; nullopt when quote() refuses it, which it may only for a `"` in argv[0].
std::optional<std::string> quote_documented(const std::vector<std::string>& argv) {
  try {
    return quote_command_line(argv);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_argument}, "quote_command_line");
    WS_FUZZ_CHECK(!argv.empty() && argv[0].find('"') != std::string::npos,
                  std::string("refused ") + describe(argv) + ": " + e.what());
    return std::nullopt;
  }
}

void check_round_trip(const std::vector<std::string>& argv) {
  const std::optional<std::string> line = quote_documented(argv);
  if (!line) return;
  for (const CommandLineDialect dialect : kDialects) {
    const std::vector<std::string> parsed = parse_command_line(*line, dialect);
    WS_FUZZ_CHECK(parsed == argv, describe(argv) + " -> " + escape_bytes(*line) + " -> " +
                                      describe(parsed) + " (dialect " +
                                      std::to_string(static_cast<int>(dialect)) + ")");
  }
  // Outside argv[0], a `"` that opens or closes quoting is never followed by another `"`.
  // Find quoted spans by scanning with the shared escape rules.
  bool quoted = false;
  std::size_t backslashes = 0;
  std::size_t i = 0;
  if ((*line)[0] == '"') {
    i = line->find('"', 1) + 1;  // argv[0] never contains `"`, so the span ends at the next one
  }
  for (; i < line->size(); ++i) {
    const char c = (*line)[i];
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"' && backslashes % 2 == 0) {
      WS_FUZZ_CHECK(!(quoted && i + 1 < line->size() && (*line)[i + 1] == '"'),
                    "`\"\"` inside quotes: " + escape_bytes(*line));
      quoted = !quoted;
    }
    backslashes = 0;
  }
}

bool cmd_interprets(char c) {
  return std::string_view("\"%!^&|<>").find(c) != std::string_view::npos ||
         (static_cast<unsigned char>(c) < 0x20 && c != '\t');
}

void check_batch(const std::vector<std::string>& argv) {
  static const std::string kScript = "C:\\scripts\\run.cmd";
  bool interpretable = false;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    interpretable = interpretable || std::any_of(argv[i].begin(), argv[i].end(), cmd_interprets);
  }
  std::string line;
  try {
    line = quote_batch_command_line(kScript, argv);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_argument}, "quote_batch_command_line");
    WS_FUZZ_CHECK(interpretable, std::string("refused ") + describe(argv) + ": " + e.what());
    return;
  }
  WS_FUZZ_CHECK(!interpretable, "accepted " + describe(argv) + " as " + escape_bytes(line));
  std::vector<std::string> expected = argv;
  expected[0] = kScript;
  const std::vector<std::string> received = testing::batch_parameters_without_quotes(line);
  WS_FUZZ_CHECK(received == expected,
                describe(argv) + " -> " + escape_bytes(line) + " -> " + describe(received));
}

}  // namespace

void check_command_line(std::string_view input) {
  check_round_trip(split_at_nul(input));
  check_batch(split_at_nul(input));

  const bool has_nul = input.find('\0') != std::string_view::npos;
  for (const CommandLineDialect dialect : kDialects) {
    std::vector<std::string> argv;
    try {
      argv = parse_command_line(input, dialect);
    } catch (const Error& e) {
      require_documented(e, {ErrorCode::invalid_argument}, "parse_command_line");
      WS_FUZZ_CHECK(has_nul, std::string("refused a line without NUL: ") + e.what());
      continue;
    }
    WS_FUZZ_CHECK(!has_nul, "accepted a line with NUL: " + escape_bytes(input));
    WS_FUZZ_CHECK(argv.empty() == input.empty(), escape_bytes(input));
    if (!argv.empty()) check_round_trip(argv);
  }
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_command_line)
