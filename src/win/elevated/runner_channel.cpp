#include "win/elevated/runner_channel.hpp"

#include <sddl.h>

#include "win/overlapped_io.hpp"
#include "win/random.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {
namespace {

// The runner's output pipe holds a megabyte, so the runner rarely waits for this process to
// read (output frames are up to ~87 KiB each); its input pipe carries small control frames.
constexpr DWORD kOutputPipeBufferBytes = 1024 * 1024;
constexpr DWORD kInputPipeBufferBytes = 64 * 1024;

// "D:P(A;;GA;;;<sid>)...": protected (nothing inherited), GENERIC_ALL for each client only.
UniqueSecurityDescriptor client_only_descriptor(const std::vector<Sid>& clients) {
  if (clients.empty()) {
    throw Error(ErrorCode::invalid_argument, "a runner pipe needs at least one client account");
  }
  std::wstring sddl = L"D:P";
  for (const Sid& sid : clients) sddl += L"(A;;GA;;;" + to_wide(sid.to_string()) + L")";
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1,
                                                            &descriptor, nullptr)) {
    throw_last_error("ConvertStringSecurityDescriptorToSecurityDescriptorW");
  }
  return UniqueSecurityDescriptor(descriptor);
}

UniqueHandle create_server_end(const std::wstring& name, DWORD direction, DWORD buffer_bytes,
                               PSECURITY_DESCRIPTOR descriptor) {
  SECURITY_ATTRIBUTES attributes{sizeof(attributes), descriptor, FALSE};
  UniqueHandle pipe(CreateNamedPipeW(
      name.c_str(), direction | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
      /*nMaxInstances=*/1, buffer_bytes, buffer_bytes, /*nDefaultTimeOut=*/0, &attributes));
  if (!pipe) throw_last_error("CreateNamedPipeW(" + to_utf8(name) + ")");
  return pipe;
}

void connect_one(HANDLE pipe, const char* which, HANDLE runner_process, DWORD runner_id,
                 std::chrono::milliseconds timeout) {
  const UniqueHandle event = make_manual_reset_event();
  OVERLAPPED overlapped{};
  overlapped.hEvent = event.get();
  if (!ConnectNamedPipe(pipe, &overlapped)) {
    const DWORD error = GetLastError();
    if (error == ERROR_IO_PENDING) {
      const HANDLE handles[] = {event.get(), runner_process};
      const DWORD waited = WaitForMultipleObjects(
          2, handles, FALSE,
          static_cast<DWORD>(std::min<long long>(timeout.count(), INFINITE - 1)));
      if (waited != WAIT_OBJECT_0) {
        const DWORD wait_error = GetLastError();
        cancel_io_and_wait(pipe, overlapped);
        if (waited == WAIT_OBJECT_0 + 1) {
          DWORD code = 0;
          GetExitCodeProcess(runner_process, &code);
          throw Error(ErrorCode::runner_failed,
                      std::string("connect: the runner exited with code ") +
                          std::to_string(static_cast<std::int32_t>(code)) +
                          " before it connected to its " + which + " pipe");
        }
        if (waited == WAIT_TIMEOUT) {
          throw Error(ErrorCode::runner_failed,
                      std::string("connect: the runner did not connect to its ") + which +
                          " pipe within " + std::to_string(timeout.count()) + " ms");
        }
        throw win32_error("WaitForMultipleObjects(runner connect)", wait_error);
      }
      DWORD ignored = 0;
      if (!GetOverlappedResult(pipe, &overlapped, &ignored, FALSE)) {
        throw_last_error(std::string("ConnectNamedPipe(runner ") + which + ")");
      }
    } else if (error != ERROR_PIPE_CONNECTED) {
      throw win32_error(std::string("ConnectNamedPipe(runner ") + which + ")", error);
    }
  }
  ULONG client = 0;
  if (!GetNamedPipeClientProcessId(pipe, &client)) {
    throw_last_error(std::string("GetNamedPipeClientProcessId(runner ") + which + ")");
  }
  if (client != runner_id) {
    throw Error(ErrorCode::runner_failed,
                std::string("connect: process ") + std::to_string(client) +
                    " connected to the runner's " + which + " pipe, not the runner (process " +
                    std::to_string(runner_id) + "); refusing it");
  }
}

}  // namespace

RunnerChannel RunnerChannel::create(const std::vector<Sid>& clients) {
  const UniqueSecurityDescriptor descriptor = client_only_descriptor(clients);
  RunnerChannel channel;
  const std::wstring base = to_wide("\\\\.\\pipe\\winsandbox-runner-" + random_hex(16));
  channel.input_name_ = base + L"-in";
  channel.output_name_ = base + L"-out";
  channel.input_ = create_server_end(channel.input_name_, PIPE_ACCESS_OUTBOUND,
                                     kInputPipeBufferBytes, descriptor.get());
  channel.output_ = create_server_end(channel.output_name_, PIPE_ACCESS_INBOUND,
                                      kOutputPipeBufferBytes, descriptor.get());
  channel.output_reader_ = std::make_unique<PipeByteReader>(
      channel.output_.get(), "runner output pipe", kOutputPipeBufferBytes);
  return channel;
}

void RunnerChannel::connect(HANDLE runner_process, DWORD runner_id,
                            std::chrono::milliseconds timeout) {
  connect_one(input_.get(), "input", runner_process, runner_id, timeout);
  connect_one(output_.get(), "output", runner_process, runner_id, timeout);
  runner_process_ = runner_process;
}

void RunnerChannel::send(const IpcMessage& message,
                         std::optional<std::chrono::milliseconds> limit) {
  std::unique_lock lock(*send_mutex_, std::defer_lock);
  if (!limit) {
    lock.lock();
  } else if (!lock.try_lock_for(*limit)) {
    throw Error(ErrorCode::runner_failed,
                "the runner's input is busy: another frame has been waiting to be taken");
  }
  if (!input_) throw Error(ErrorCode::runner_failed, "the runner's input is closed");
  PipeByteWriter writer(input_.get(), "runner input pipe", runner_process_, limit);
  FrameWriter(writer).write(message);
}

void RunnerChannel::send_raw_for_tests(std::string_view bytes) {
  const std::lock_guard lock(*send_mutex_);
  PipeByteWriter(input_.get(), "runner input pipe", runner_process_).write_all(bytes);
}

std::optional<IpcMessage> RunnerChannel::receive(std::chrono::milliseconds every,
                                                 const std::function<void()>& idle) {
  output_reader_->set_idle(every, idle);
  return FrameReader(*output_reader_).read();
}

void RunnerChannel::close_input() noexcept {
  input_.reset();
}

}  // namespace winsandbox::win
