#include "win/setup/setup_channel.hpp"

#include <algorithm>

#include <sddl.h>

#include "ipc/frame_body.hpp"
#include "win/elevated/pipe_stream.hpp"
#include "win/overlapped_io.hpp"
#include "win/random.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {
namespace {

constexpr DWORD kPipeBufferBytes = 64 * 1024;
constexpr std::chrono::milliseconds kPollInterval{50};

DWORD wait_milliseconds(std::chrono::milliseconds timeout) {
  return static_cast<DWORD>(std::clamp<long long>(timeout.count(), 0, INFINITE - 1));
}

[[noreturn]] void fail(const std::string& what) {
  throw Error(ErrorCode::setup_failed, "helper_failed (stage channel): " + what);
}

// "D:P(A;;GA;;;<caller>)(A;;GA;;;SY)(A;;GA;;;BA)": protected, nothing inherited.
UniqueSecurityDescriptor pipe_descriptor() {
  const UniqueHandle token = open_current_process_token(TOKEN_QUERY);
  const std::wstring sddl = L"D:P(A;;GA;;;" + to_wide(token_user_sid(token.get()).to_string()) +
                            L")(A;;GA;;;SY)" + L"(A;;GA;;;BA)";
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1,
                                                            &descriptor, nullptr)) {
    throw_last_error("ConvertStringSecurityDescriptorToSecurityDescriptorW");
  }
  return UniqueSecurityDescriptor(descriptor);
}

void connect_helper(HANDLE pipe, HANDLE helper_process, std::chrono::milliseconds timeout) {
  const UniqueHandle event = make_manual_reset_event();
  OVERLAPPED overlapped{};
  overlapped.hEvent = event.get();
  if (ConnectNamedPipe(pipe, &overlapped)) return;
  const DWORD error = GetLastError();
  if (error == ERROR_PIPE_CONNECTED) return;
  if (error != ERROR_IO_PENDING) throw win32_error("ConnectNamedPipe(setup request)", error);
  const HANDLE handles[] = {event.get(), helper_process};
  const DWORD waited = WaitForMultipleObjects(2, handles, FALSE, wait_milliseconds(timeout));
  if (waited == WAIT_OBJECT_0) {
    DWORD ignored = 0;
    if (!GetOverlappedResult(pipe, &overlapped, &ignored, FALSE)) {
      throw_last_error("ConnectNamedPipe(setup request)");
    }
    return;
  }
  const DWORD wait_error = GetLastError();
  cancel_io_and_wait(pipe, overlapped);
  if (waited == WAIT_OBJECT_0 + 1) {
    DWORD code = 0;
    GetExitCodeProcess(helper_process, &code);
    fail("the setup helper exited with code " + std::to_string(code) +
         " before it took its request");
  }
  if (waited == WAIT_TIMEOUT) {
    fail("the setup helper did not connect to its request pipe within " +
         std::to_string(timeout.count()) + " ms");
  }
  throw win32_error("WaitForMultipleObjects(setup request connect)", wait_error);
}

}  // namespace

bool is_setup_pipe_name(std::string_view name) noexcept {
  const std::string_view prefix = kSetupPipePrefix;
  if (name.size() != prefix.size() + 32 || name.substr(0, prefix.size()) != prefix) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

SetupChannelServer SetupChannelServer::create() {
  const UniqueSecurityDescriptor descriptor = pipe_descriptor();
  SECURITY_ATTRIBUTES attributes{sizeof(attributes), descriptor.get(), FALSE};
  SetupChannelServer server;
  server.name_ = kSetupPipePrefix + random_hex(16);
  server.pipe_ = UniqueHandle(CreateNamedPipeW(
      to_wide(server.name_).c_str(),
      PIPE_ACCESS_OUTBOUND | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
      /*nMaxInstances=*/1, kPipeBufferBytes, kPipeBufferBytes, /*nDefaultTimeOut=*/0, &attributes));
  if (!server.pipe_) throw_last_error("CreateNamedPipeW(" + server.name_ + ")");
  return server;
}

void SetupChannelServer::send(std::string_view request_json, HANDLE helper_process,
                              std::chrono::milliseconds timeout) {
  if (!pipe_) fail("the request was already sent");
  const std::string frame = encode_frame_body(request_json);  // checks the size first
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  connect_helper(pipe_.get(), helper_process, timeout);
  ULONG client = 0;
  if (!GetNamedPipeClientProcessId(pipe_.get(), &client)) {
    throw_last_error("GetNamedPipeClientProcessId(setup request)");
  }
  const DWORD helper_id = GetProcessId(helper_process);
  if (client != helper_id) {
    pipe_.reset();  // the pipe is compromised: nobody gets the request through it
    fail("process " + std::to_string(client) +
         " connected to the setup request pipe, not the setup helper (process " +
         std::to_string(helper_id) + "); refusing it");
  }
  const auto left = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 deadline - std::chrono::steady_clock::now()),
                             std::chrono::milliseconds(1));
  try {
    PipeByteWriter(pipe_.get(), "setup request pipe", helper_process, left).write_all(frame);
  } catch (const Error& error) {
    fail(std::string("sending the request: ") + error.what());
  }
  // The pipe stays open (closing the server end early could drop what the helper has not read
  // yet); the helper closes its end after the one frame.
}

std::string receive_setup_request(const std::string& pipe_name, DWORD parent_pid,
                                  std::chrono::milliseconds timeout) {
  if (!is_setup_pipe_name(pipe_name)) {
    throw Error(ErrorCode::invalid_argument,
                "`" + pipe_name + "` is not a setup request pipe name");
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const UniqueHandle parent(OpenProcess(SYNCHRONIZE, FALSE, parent_pid));
  if (!parent) {
    const DWORD error = GetLastError();
    throw Error(ErrorCode::setup_failed,
                "request_invalid (stage request): the parent process " +
                    std::to_string(parent_pid) + " cannot be watched (it may have exited)",
                error);
  }
  const auto check = [&] {
    if (WaitForSingleObject(parent.get(), 0) == WAIT_OBJECT_0) {
      throw Error(ErrorCode::setup_failed, "request_invalid (stage request): the parent process " +
                                               std::to_string(parent_pid) +
                                               " exited before it sent the request");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error(ErrorCode::setup_failed, "request_invalid (stage request): no request within " +
                                               std::to_string(timeout.count()) + " ms");
    }
  };
  // SECURITY_IDENTIFICATION: the pipe's owner (the unelevated caller) may identify this elevated
  // process but never impersonate it.
  UniqueHandle pipe;
  for (;;) {
    pipe = UniqueHandle(CreateFileW(
        to_wide(pipe_name).c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING,
        FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr));
    if (pipe) break;
    const DWORD error = GetLastError();
    if (error != ERROR_PIPE_BUSY && error != ERROR_FILE_NOT_FOUND) {
      throw win32_error("CreateFileW(" + pipe_name + ")", error);
    }
    check();
    WaitForSingleObject(parent.get(), wait_milliseconds(kPollInterval));
  }
  PipeByteReader reader(pipe.get(), "setup request pipe");
  reader.set_idle(kPollInterval, check);
  std::optional<std::string> body = read_frame_body(reader);
  if (!body) {
    throw Error(ErrorCode::setup_failed,
                "request_invalid (stage request): the request pipe closed before a request came");
  }
  return std::move(*body);
}

}  // namespace winsandbox::win
