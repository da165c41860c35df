// Windows command lines: argv -> one string for CreateProcessW, and the reverse parse.
//
// A Windows child receives one string, not an argv; the child splits it itself, usually with
// the MSVC C runtime's startup code or with shell32's CommandLineToArgvW. The two agree on
// everything `quote_command_line` produces, so every child sees the argv the caller meant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace winsandbox {

// Builds the command line for `argv` (UTF-8 in, UTF-8 out; the Win32 layer converts to UTF-16).
//
// argv[0] (the program) is parsed by different, simpler rules than the other arguments: a
// quoted program name runs to the next `"` with no backslash escapes. So argv[0] is emitted
// verbatim, wrapped in `"` when it is empty or contains a character <= U+0020 (Windows' own
// CommandLineToArgvW ends an unquoted program name at any of them); backslashes are never
// doubled. argv[0] cannot contain `"` (no parser can give it back, and no Windows file name
// holds one): Error(invalid_argument).
//
// Every other argument follows docs/execution.md#quoting: it is emitted as is
// unless it is empty or contains space, tab, LF, CR or `"`; otherwise it is wrapped in `"`,
// each `"` becomes `\"` with the backslashes before it doubled, and backslashes before the
// closing quote are doubled. The output never contains `""` inside a quoted argument, the one
// construct on which CommandLineToArgvW and the post-2008 CRT disagree.
//
// Arguments are joined with single spaces. Throws Error(invalid_argument) when argv is empty,
// when any argument contains NUL (a Windows string cannot carry it), or for a `"` in argv[0].
// (Deliberate fix over the reference, which quotes argv[0] like any argument and so doubles a
// program path's trailing backslash inside quotes.)
std::string quote_command_line(const std::vector<std::string>& argv);

// Builds the command line for running the batch script `script` (a `.bat` / `.cmd` file, as
// resolve_program found it) with the arguments argv[1..]. Refuses what cannot be passed safely.
//
// Why a separate rule: CreateProcess runs a batch script as `cmd.exe /c "<command line>"`
// (Wine: `cmd.exe /s /c "..."`; the outer quotes are stripped again), so cmd.exe, not the C
// runtime, parses the line: `%` expands variables even inside quotes, `"` toggles quoting and
// nothing escapes it (a backslash is an ordinary character), and `^ & | < >` outside quotes
// escape, chain and redirect commands. CreateProcess passes no `/V:OFF`, so delayed expansion
// follows the registry (`Software\Microsoft\Command Processor\DelayedExpansion`, machine or
// user) and may be on: then `!` expands variables too, quotes or not. The script itself then
// often re-expands its parameters unquoted (`%~1`, `%*`), where the operators act again. So
// those characters are refused outright, not quoted (the "BatBadBut" class of injection);
// quoting is used only to keep an argument in one piece.
//
// argv[0] is replaced by `script`, always quoted, so cmd.exe runs the file that was resolved
// instead of searching for argv[0] again (with its own rules). For argv[1..], by character:
//
// | character in the argument                  | result                                        |
// |--------------------------------------------|-----------------------------------------------|
// | `"`  (quoting cannot be escaped)           | refused                                       |
// | `%`  (variable expansion, even in quotes)  | refused                                       |
// | `!`  (delayed expansion may be on)         | refused                                       |
// | `^ & | < >`  (escape, chain, pipe, redirect)| refused                                      |
// | CR, LF (end the command), NUL, and every   | refused                                       |
// |   other control character but tab          |                                               |
// | space, tab, `, ; =` (cmd.exe's parameter   | the argument is wrapped in `"`; nothing       |
// |   separators), `( ) [ ] { } ' + \` ~`       | inside is escaped (backslashes stay single:    |
// |   (documented by `cmd /?` as needing quotes)| cmd.exe gives them no meaning)                |
// | the empty argument                         | `""`                                          |
// | anything else (letters, digits, `\ / : . - | emitted as is                                 |
// |   _ @ # $ * ?`, non-ASCII)                  |                                               |
//
// So the script's `%1` is the argument (in quotes if it was wrapped) and `%~1` is exactly the
// argument. The script path is always quoted and may not contain `"`, `%`, `!` or control
// characters. Refusals are Error(invalid_argument) naming the argument (by position and value)
// and the character. To hand cmd.exe something it should interpret, run `cmd /c` explicitly:
// cmd.exe is then the program and the caller owns the quoting.
std::string quote_batch_command_line(const std::string& script,
                                     const std::vector<std::string>& argv);

// How the child will split its command line.
//
// | dialect                | argv[0]                                   | `""` inside quotes       |
// |------------------------|-------------------------------------------|--------------------------|
// | command_line_to_argv_w | `"..."` up to the next `"`, else up to the | literal `"`, and the | |
// (shell32; also the    | first char <= U+0020; no escapes; the next | quoted span ends (the    |
// |  pre-2008 msvcrt rule) | argument starts right after                | pre-2008 rule) | |
// msvc_crt (VS2008+ CRT, | quotes toggle and are dropped, no escapes; | literal `"`, the quoted  |
// |  the UCRT)             | ends at space/tab outside quotes           | span goes on |
//
// The remaining arguments follow the shared rules: space and tab separate arguments outside
// quotes; 2n backslashes before `"` give n backslashes and the quote toggles quoting; 2n+1
// give n backslashes and a literal `"`; backslashes elsewhere are literal; `""` outside quotes
// is an empty argument. An unterminated quote runs to the end of the line.
//
// Known divergence: Wine's CommandLineToArgvW ends an unquoted program name only at space or
// tab, Windows at any character <= U+0020; this parser follows Windows (the quoter quotes all
// such program names, so its output parses the same under both).
enum class CommandLineDialect { command_line_to_argv_w, msvc_crt };

// Splits a command line into its argv (UTF-8; non-ASCII bytes are copied through). An empty
// line gives an empty vector (Windows substitutes the module path there, which a portable parser
// cannot know). Throws Error(invalid_argument) if the line contains NUL.
std::vector<std::string> parse_command_line(
    std::string_view command_line,
    CommandLineDialect dialect = CommandLineDialect::command_line_to_argv_w);

}  // namespace winsandbox
