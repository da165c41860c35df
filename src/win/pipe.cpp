#include "win/pipe.hpp"

#include "win/random.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {

Pipe create_pipe(PipeDirection direction, DWORD buffer_bytes) {
  const bool child_reads = direction == PipeDirection::child_reads;
  const std::wstring name = to_wide("\\\\.\\pipe\\winsandbox-io-" +
                                    std::to_string(GetCurrentProcessId()) + "-" + random_hex(16));
  Pipe pipe;
  pipe.parent_end.reset(CreateNamedPipeW(
      name.c_str(),
      (child_reads ? PIPE_ACCESS_OUTBOUND : PIPE_ACCESS_INBOUND) | FILE_FLAG_OVERLAPPED |
          FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
      /*nMaxInstances=*/1, buffer_bytes, buffer_bytes, /*nDefaultTimeOut=*/0, nullptr));
  if (!pipe.parent_end) throw_last_error("CreateNamedPipeW");

  // The child's end gets the attribute right for its direction too, as anonymous pipes have:
  // programs query or set the pipe mode on their std handles.
  const DWORD access =
      child_reads ? (GENERIC_READ | FILE_WRITE_ATTRIBUTES) : (GENERIC_WRITE | FILE_READ_ATTRIBUTES);
  pipe.child_end.reset(
      CreateFileW(name.c_str(), access, 0, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!pipe.child_end) throw_last_error("CreateFileW(pipe client)");
  return pipe;
}

}  // namespace winsandbox::win
