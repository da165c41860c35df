// Pipes for a child's standard streams. Our end is overlapped, so one thread can wait on all
// streams, the process and a deadline at once and cancel whatever is pending (no thread can
// get stuck in a blocking ReadFile/WriteFile). The child's end is an ordinary synchronous
// handle, which is what console programs and C runtimes expect for stdin/stdout/stderr.
#pragma once

#include <windows.h>

#include "win/handles.hpp"

namespace winsandbox::win {

enum class PipeDirection {
  child_reads,   // the child's stdin: we write
  child_writes,  // the child's stdout/stderr: we read
};

struct Pipe {
  UniqueHandle parent_end;  // FILE_FLAG_OVERLAPPED, never inheritable
  UniqueHandle child_end;   // synchronous, not inheritable until a launch makes it so
};

inline constexpr DWORD kDefaultPipeBufferBytes = 64 * 1024;

// A connected pair over a uniquely named pipe (\\.\pipe\winsandbox-io-<pid>-<128-bit random>,
// first instance only, local clients only), so nobody can pre-create or join it.
Pipe create_pipe(PipeDirection direction, DWORD buffer_bytes = kDefaultPipeBufferBytes);

}  // namespace winsandbox::win
