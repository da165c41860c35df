// Hard cases for Windows command-line quoting, shared by the portable test
// (tests/plan/command_line_test.cpp) and the Win32 test against the real CommandLineToArgvW
// (tests/win/command_line_win_test.cpp).
#pragma once

#include <string>
#include <vector>

namespace winsandbox::testing {

// argv -> the exact command line quote_command_line must produce (and parse back to argv).
struct QuotingCase {
  const char* name;
  std::vector<std::string> argv;
  std::string command_line;
};

inline const std::vector<QuotingCase>& quoting_cases() {
  static const std::vector<QuotingCase> cases = {
      {"plain words", {"prog.exe", "a", "b"}, R"(prog.exe a b)"},
      {"program only", {"prog.exe"}, R"(prog.exe)"},
      // docs/execution.md#quoting.
      {"reference: quoted pwsh path inside cmd /c",
       {"cmd.exe", "/c",
        R"("C:\Program Files\PowerShell\7\pwsh.exe" -NoProfile -EncodedCommand abc==)"},
       R"(cmd.exe /c "\"C:\Program Files\PowerShell\7\pwsh.exe\" -NoProfile -EncodedCommand abc==")"},
      {"reference: pwsh -Command with quotes",
       {"pwsh.exe", "-Command", R"(Write-Output "hello world")"},
       R"(pwsh.exe -Command "Write-Output \"hello world\"")"},
      {"reference: empty argument", {"p", ""}, R"(p "")"},
      {"reference: backslash without space is untouched", {"p", R"(a\b)"}, R"(p a\b)"},
      {"reference: trailing backslash doubled before closing quote",
       {"p", R"(a b\)"},
       R"(p "a b\\")"},
      {"reference: embedded quotes", {"p", R"(say "hi")"}, R"(p "say \"hi\"")"},
      {"reference: backslash before quote", {"p", R"(x\"y)"}, R"(p "x\\\"y")"},
      // Whitespace and control characters.
      {"tab", {"p", "a\tb"}, "p \"a\tb\""},
      {"newline and carriage return", {"p", "line1\nline2", "a\rb"}, "p \"line1\nline2\" \"a\rb\""},
      {"leading and trailing spaces", {"p", " lead", "trail "}, R"(p " lead" "trail ")"},
      {"only spaces", {"p", "   "}, R"(p "   ")"},
      {"several empty arguments", {"p", "", "", "x", ""}, R"(p "" "" x "")"},
      // Quotes.
      {"lone quote", {"p", R"(")"}, R"(p "\"")"},
      {"two quotes", {"p", R"("")"}, R"(p "\"\"")"},
      {"doubled quote inside text", {"p", R"(a""b)"}, R"(p "a\"\"b")"},
      {"quote at the end", {"p", R"(end")"}, R"(p "end\"")"},
      {"quote at the start", {"p", R"("start)"}, R"(p "\"start")"},
      // Runs of backslashes.
      {"lone backslash", {"p", R"(\)"}, R"(p \)"},
      {"backslash then quote", {"p", R"(\")"}, R"(p "\\\"")"},
      {"two backslashes before a quote", {"p", R"(a\\"b)"}, R"(p "a\\\\\"b")"},
      {"three backslashes before a quote", {"p", R"(a\\\"b)"}, R"(p "a\\\\\\\"b")"},
      {"three trailing backslashes with a space", {"p", R"(c d\\\)"}, R"(p "c d\\\\\\")"},
      {"trailing backslashes without a space stay single", {"p", R"(C:\dir\\)"}, R"(p C:\dir\\)"},
      {"UNC-looking argument with a space",
       {"p", R"(\\server\share dir\)"},
       R"(p "\\server\share dir\\")"},
      {"backslashes not before a quote stay single inside quotes",
       {"p", R"(a\\b c)"},
       R"(p "a\\b c")"},
      // The program name (argv[0]) has its own rules: no escapes.
      {"program path with spaces and a trailing backslash",
       {R"(C:\My Tools\)", "x"},
       R"("C:\My Tools\" x)"},
      {"program path with spaces",
       {R"(C:\Program Files\Git\cmd\git.exe)", "status"},
       R"("C:\Program Files\Git\cmd\git.exe" status)"},
      {"empty program name", {"", "x"}, R"("" x)"},
      {"program name with a tab", {"a\tb.exe"}, "\"a\tb.exe\""},
      {"program name with a control character",
       {"a\x01"
        "b.exe",
        "y"},
       "\"a\x01"
       "b.exe\" y"},
      // Unicode (UTF-8 here, UTF-16 for Windows).
      {"unicode",
       {"C:\\Program Files\\\xC3\x9Cn\xC3\xAF\\prog.exe",
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88",
        "\xF0\x9F\x98\x80", "caf\xC3\xA9\\\"x"},
       "\"C:\\Program Files\\\xC3\x9Cn\xC3\xAF\\prog.exe\" "
       "\"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88\" "
       "\xF0\x9F\x98\x80 \"caf\xC3\xA9\\\\\\\"x\""},
  };
  return cases;
}

// A command line (not necessarily one the quoter would produce) -> what CommandLineToArgvW
// returns for it. Checks the portable parser against the real shell32 function under Wine.
struct ParsingCase {
  const char* name;
  std::string command_line;
  std::vector<std::string> argv_command_line_to_argv_w;
  std::vector<std::string> argv_msvc_crt;
};

inline const std::vector<ParsingCase>& parsing_cases() {
  static const std::vector<ParsingCase> cases = {
      {"doubled quote inside quotes", R"(p "a""b" c)", {"p", R"(a"b c)"}, {"p", R"(a"b)", "c"}},
      {"tripled quotes", R"(p """a""")", {"p", R"("a")"}, {"p", R"("a")"}},
      {"quote run outside quotes", R"(p """" x)", {"p", R"(" x)"}, {"p", R"(")", "x"}},
      {"text after a quoted program name", R"("a"b c)", {"a", "b", "c"}, {"ab", "c"}},
      {"quote inside an unquoted program name", R"(a"b c)", {R"(a"b)", "c"}, {"ab c"}},
      {"program name keeps its backslashes",
       R"("C:\x\" arg)",
       {R"(C:\x\)", "arg"},
       {R"(C:\x\)", "arg"}},
      {"unterminated quote runs to the end",
       R"(p "unterminated  x)",
       {"p", "unterminated  x"},
       {"p", "unterminated  x"}},
      {"leading space gives an empty program name", R"(  p)", {"", "p"}, {"", "p"}},
      {"tabs and runs of spaces separate", "p \t a  \t b\t", {"p", "a", "b"}, {"p", "a", "b"}},
      {"even backslashes before a quote",
       R"(p a\\\\"b c")",
       {"p", R"(a\\b c)"},
       {"p", R"(a\\b c)"}},
      {"odd backslashes before a quote", R"(p a\\\"b)", {"p", R"(a\"b)"}, {"p", R"(a\"b)"}},
      {"backslashes elsewhere are literal",
       R"(p a\\b\ c\)",
       {"p", R"(a\\b\)", R"(c\)"},
       {"p", R"(a\\b\)", R"(c\)"}},
      {"empty quoted argument", R"(p "" "")", {"p", "", ""}, {"p", "", ""}},
      {"quotes join adjacent text", R"(p a"b c"d e)", {"p", "ab cd", "e"}, {"p", "ab cd", "e"}},
  };
  return cases;
}

}  // namespace winsandbox::testing
