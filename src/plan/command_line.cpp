#include "winsandbox/command_line.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

bool is_separator(char c) {
  return c == ' ' || c == '\t';
}

// Windows ends an unquoted program name at any character in U+0001..U+0020.
bool ends_program_name(char c) {
  return static_cast<unsigned char>(c) <= 0x20;
}

void reject_nul(std::string_view text, std::string_view what) {
  if (text.find('\0') != std::string_view::npos) {
    throw Error(ErrorCode::invalid_argument, std::string(what) + " may not contain NUL");
  }
}

void append_program(std::string& out, const std::string& program) {
  if (program.find('"') != std::string::npos) {
    throw Error(
        ErrorCode::invalid_argument,
        "the program name `" + program + "` contains '\"', which no command line can carry");
  }
  bool needs_quotes = program.empty();
  for (char c : program) needs_quotes = needs_quotes || ends_program_name(c);
  if (!needs_quotes) {
    out += program;
    return;
  }
  // Inside a quoted program name backslashes are literal, so nothing is escaped.
  out += '"';
  out += program;
  out += '"';
}

void append_argument(std::string& out, const std::string& arg) {
  const bool needs_quotes = arg.empty() || arg.find_first_of(" \t\n\r\"") != std::string::npos;
  if (!needs_quotes) {
    out += arg;
    return;
  }
  out += '"';
  std::size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"') {
      // 2n+1 backslashes: n literal ones, then an escaped quote.
      out.append(2 * backslashes + 1, '\\');
    } else {
      out.append(backslashes, '\\');
    }
    out += c;
    backslashes = 0;
  }
  // The closing quote must not be escaped: double the trailing run.
  out.append(2 * backslashes, '\\');
  out += '"';
}

// ---- batch scripts (cmd.exe's rules; see quote_batch_command_line) ----

bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20;
}

// What cmd.exe (or the script re-expanding its parameters) would interpret.
bool cmd_interprets(char c) {
  return std::string_view("\"%!^&|<>").find(c) != std::string_view::npos ||
         (is_control(c) && c != '\t');
}

// What splits or needs quoting, per cmd.exe (`cmd /?`), but is literal inside quotes.
bool cmd_needs_quotes(char c) {
  return std::string_view(" \t,;=()[]{}'+`~").find(c) != std::string_view::npos;
}

// `U+000A` for a control character, `'&'` for any other.
std::string describe_char(char c) {
  if (!is_control(c)) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(c);
  return std::string("U+00") + kHex[byte >> 4] + kHex[byte & 0xF];
}

// `text` for a message, control characters as `<U+000A>` (a NUL would end what()).
std::string shown(std::string_view text) {
  std::string out;
  for (const char c : text) out += is_control(c) ? "<" + describe_char(c) + ">" : std::string(1, c);
  return out;
}

// The first character of `text` cmd.exe would interpret, if any.
std::optional<char> first_interpreted(std::string_view text) {
  for (const char c : text) {
    if (cmd_interprets(c)) return c;
  }
  return std::nullopt;
}

// Parses the program name starting at `pos`; returns the position after it.
std::size_t parse_program(std::string_view line, std::size_t pos, CommandLineDialect dialect,
                          std::string& program) {
  if (dialect == CommandLineDialect::command_line_to_argv_w) {
    if (line[pos] == '"') {
      const std::size_t close = line.find('"', pos + 1);
      const std::size_t end = close == std::string_view::npos ? line.size() : close;
      program.assign(line.substr(pos + 1, end - pos - 1));
      return close == std::string_view::npos ? line.size() : close + 1;
    }
    std::size_t end = pos;
    while (end < line.size() && !ends_program_name(line[end])) ++end;
    program.assign(line.substr(pos, end - pos));
    // A space or tab run is skipped by the caller. Another control character that ends the name
    // is dropped here (what Windows does with it is not verified; quote_command_line never
    // produces one outside quotes).
    return end < line.size() && !is_separator(line[end]) ? end + 1 : end;
  }
  bool in_quotes = false;
  for (; pos < line.size(); ++pos) {
    const char c = line[pos];
    if (c == '"') {
      in_quotes = !in_quotes;
    } else if (!in_quotes && is_separator(c)) {
      break;
    } else {
      program += c;
    }
  }
  return pos;
}

// Parses one ordinary argument starting at `pos` (not a separator); returns the end position.
std::size_t parse_argument(std::string_view line, std::size_t pos, CommandLineDialect dialect,
                           std::string& arg) {
  bool in_quotes = false;
  while (pos < line.size()) {
    std::size_t backslashes = 0;
    while (pos < line.size() && line[pos] == '\\') {
      ++backslashes;
      ++pos;
    }
    if (pos < line.size() && line[pos] == '"') {
      arg.append(backslashes / 2, '\\');
      if (backslashes % 2 == 1) {
        arg += '"';
        ++pos;
        continue;
      }
      if (in_quotes && pos + 1 < line.size() && line[pos + 1] == '"') {
        // `""` inside quotes: a literal quote. The pre-2008 rule also ends the quoted span.
        arg += '"';
        pos += 2;
        in_quotes = dialect == CommandLineDialect::msvc_crt;
        continue;
      }
      in_quotes = !in_quotes;
      ++pos;
      continue;
    }
    arg.append(backslashes, '\\');
    if (pos == line.size()) break;
    if (!in_quotes && is_separator(line[pos])) break;
    arg += line[pos];
    ++pos;
  }
  return pos;
}

}  // namespace

std::string quote_command_line(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    throw Error(ErrorCode::invalid_argument, "cannot build a command line from an empty argv");
  }
  for (const auto& arg : argv) reject_nul(arg, "command-line arguments");
  std::string out;
  append_program(out, argv.front());
  for (std::size_t i = 1; i < argv.size(); ++i) {
    out += ' ';
    append_argument(out, argv[i]);
  }
  return out;
}

std::string quote_batch_command_line(const std::string& script,
                                     const std::vector<std::string>& argv) {
  if (argv.empty()) {
    throw Error(ErrorCode::invalid_argument, "cannot build a command line from an empty argv");
  }
  // Inside the quotes around the path only `"`, `%`, `!` and control characters still act.
  for (const char c : script) {
    if (c == '"' || c == '%' || c == '!' || is_control(c)) {
      throw Error(ErrorCode::invalid_argument,
                  "the batch script path `" + shown(script) + "` contains " + describe_char(c) +
                      ", which cmd.exe would interpret even inside quotes");
    }
  }
  std::string out = "\"" + script + "\"";
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (const auto c = first_interpreted(arg)) {
      throw Error(ErrorCode::invalid_argument,
                  "argument " + std::to_string(i) + " `" + shown(arg) + "` of the batch script `" +
                      shown(script) + "` contains " + describe_char(*c) +
                      ", which cmd.exe would interpret: batch scripts run through cmd.exe, which "
                      "parses their command line again, so it cannot be passed safely (run "
                      "`cmd /c` explicitly to hand cmd.exe a command line of your own)");
    }
    out += ' ';
    const bool needs_quotes = arg.empty() || std::any_of(arg.begin(), arg.end(), cmd_needs_quotes);
    if (needs_quotes) out += '"';
    out += arg;
    if (needs_quotes) out += '"';
  }
  return out;
}

std::vector<std::string> parse_command_line(std::string_view line, CommandLineDialect dialect) {
  reject_nul(line, "a command line");
  std::vector<std::string> argv;
  if (line.empty()) return argv;
  std::string program;
  std::size_t pos = parse_program(line, 0, dialect, program);
  argv.push_back(std::move(program));
  while (true) {
    while (pos < line.size() && is_separator(line[pos])) ++pos;
    if (pos == line.size()) break;
    std::string arg;
    pos = parse_argument(line, pos, dialect, arg);
    argv.push_back(std::move(arg));
  }
  return argv;
}

}  // namespace winsandbox
