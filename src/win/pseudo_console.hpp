// A pseudo console (ConPTY) with our ends of its two pipes. The command attached to it sees a
// real console; everything it prints arrives on the output pipe as UTF-8 text with VT
// sequences (stdout and stderr merged), and the bytes written to the input pipe are what the
// console reads as keyboard input. Behaviour: docs/execution.md#pseudo-console.
#pragma once

#include <cstdint>

#include <windows.h>

#include "win/handles.hpp"

namespace winsandbox::win {

class PseudoConsole {
public:
  // CreatePseudoConsole with `cols` x `rows` and PSEUDOCONSOLE_RESIZE_QUIRK (as the reference).
  // Throws Error(invalid_argument) for a zero or out-of-range size, Error(win32_call_failed)
  // when the system refuses.
  static PseudoConsole create(std::uint16_t cols, std::uint16_t rows);

  // The value for PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE (LaunchRequest::pseudo_console).
  HPCON get() const noexcept { return console_.get(); }
  // Our write end of the console's input (FILE_FLAG_OVERLAPPED) and read end of its output
  // (FILE_FLAG_OVERLAPPED); each can be taken once.
  UniqueHandle take_input() noexcept { return std::move(input_); }
  UniqueHandle take_output() noexcept { return std::move(output_); }

  // ResizePseudoConsole. Throws as create().
  void resize(std::uint16_t cols, std::uint16_t rows);

  // ClosePseudoConsole: the console host ends, the attached processes lose their console, and
  // the output pipe reaches end-of-file once its last bytes are read. Someone must be reading
  // the output pipe: on older Windows versions this waits until the host has flushed it.
  void close() noexcept { console_.reset(); }

private:
  PseudoConsole() = default;

  UniquePseudoConsole console_;
  UniqueHandle input_;
  UniqueHandle output_;
};

}  // namespace winsandbox::win
