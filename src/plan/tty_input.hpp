// What the bytes a caller writes to a ConPTY session become before they reach the pseudo
// console (docs/execution.md#tty-input). Callers write Unix-style text (`ls\n`); a Windows
// console ends a line at CR and erases with DEL, so:
//
// | input byte                 | written   |
// |----------------------------|-----------|
// | LF, previous byte not CR   | CR        |
// | LF, previous byte CR       | (nothing) |
// | BS (0x08)                  | DEL (0x7F)|
// | anything else              | unchanged |
//
// "Previous byte" carries across calls, so a CRLF split between two writes still becomes one
// CR. UTF-8 sequences and other control bytes (Ctrl-C is 0x03) pass through untouched. Pipe
// sessions never use this: their bytes go to the child exactly as written.
#pragma once

#include <string>
#include <string_view>

namespace winsandbox {

class TtyInputNormalizer {
public:
  std::string normalize(std::string_view input);

private:
  bool previous_was_cr_ = false;
};

}  // namespace winsandbox
