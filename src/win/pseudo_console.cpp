#include "win/pseudo_console.hpp"

#include <limits>
#include <string>

#include "win/pipe.hpp"
#include "win/win32_error.hpp"

#ifndef PSEUDOCONSOLE_RESIZE_QUIRK
// Not in every SDK's headers: conhost then skips repainting the whole buffer on a resize.
#define PSEUDOCONSOLE_RESIZE_QUIRK 0x2
#endif

namespace winsandbox::win {
namespace {

COORD console_size(std::uint16_t cols, std::uint16_t rows) {
  constexpr auto kMax = static_cast<std::uint16_t>(std::numeric_limits<SHORT>::max());
  if (cols == 0 || rows == 0 || cols > kMax || rows > kMax) {
    throw Error(ErrorCode::invalid_argument, "a terminal size must be 1 to " +
                                                 std::to_string(kMax) + " columns and rows, not " +
                                                 std::to_string(cols) + "x" + std::to_string(rows));
  }
  return COORD{static_cast<SHORT>(cols), static_cast<SHORT>(rows)};
}

}  // namespace

PseudoConsole PseudoConsole::create(std::uint16_t cols, std::uint16_t rows) {
  const COORD size = console_size(cols, rows);
  Pipe input = create_pipe(PipeDirection::child_reads);
  Pipe output = create_pipe(PipeDirection::child_writes);
  PseudoConsole console;
  const HRESULT created = CreatePseudoConsole(size, input.child_end.get(), output.child_end.get(),
                                              PSEUDOCONSOLE_RESIZE_QUIRK, console.console_.put());
  if (FAILED(created)) throw hresult_error("CreatePseudoConsole", created);
  // The console host holds its own duplicates of the child ends; ours would keep the output
  // pipe from ever reaching end-of-file.
  console.input_ = std::move(input.parent_end);
  console.output_ = std::move(output.parent_end);
  return console;
}

void PseudoConsole::resize(std::uint16_t cols, std::uint16_t rows) {
  const COORD size = console_size(cols, rows);
  if (!console_) throw Error(ErrorCode::invalid_argument, "the pseudo console is closed");
  const HRESULT resized = ResizePseudoConsole(console_.get(), size);
  if (FAILED(resized)) throw hresult_error("ResizePseudoConsole", resized);
}

}  // namespace winsandbox::win
