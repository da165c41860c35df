// Win32 fixtures of the self-test (docs/selftest.md#fixtures).
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <winioctl.h>
// clang-format on

#include "win/selftest_fixtures.hpp"

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "win/random.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {
namespace {

// The mount-point layout of REPARSE_DATA_BUFFER (declared by the DDK, not by the SDK headers
// mingw ships).
struct MountPointReparseBuffer {
  DWORD ReparseTag;
  WORD ReparseDataLength;
  WORD Reserved;
  WORD SubstituteNameOffset;
  WORD SubstituteNameLength;
  WORD PrintNameOffset;
  WORD PrintNameLength;
  WCHAR PathBuffer[1];
};

constexpr std::size_t kReparseHeaderSize = 8;  // tag + data length + reserved

}  // namespace

bool running_under_wine() noexcept {
  const HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

void create_junction(const std::filesystem::path& link, const std::filesystem::path& target) {
  std::wstring substitute = L"\\??\\" + std::filesystem::absolute(target).wstring();
  if (substitute.back() != L'\\' && substitute.size() == 7) substitute += L'\\';  // \??\C: -> C:\ .
  const std::wstring print = std::filesystem::absolute(target).wstring();
  if (!CreateDirectoryW(link.c_str(), nullptr)) throw_last_error("CreateDirectoryW (junction)");
  UniqueHandle directory(CreateFileW(link.c_str(), GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                                     FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
                                     nullptr));
  if (directory.get() == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    RemoveDirectoryW(link.c_str());
    throw win32_error("CreateFileW (junction)", error);
  }
  const std::size_t substitute_bytes = substitute.size() * sizeof(WCHAR);
  const std::size_t print_bytes = print.size() * sizeof(WCHAR);
  const std::size_t path_bytes = substitute_bytes + sizeof(WCHAR) + print_bytes + sizeof(WCHAR);
  std::vector<std::uint8_t> buffer(offsetof(MountPointReparseBuffer, PathBuffer) + path_bytes);
  auto* reparse = reinterpret_cast<MountPointReparseBuffer*>(buffer.data());
  reparse->ReparseTag = IO_REPARSE_TAG_MOUNT_POINT;
  reparse->ReparseDataLength = static_cast<WORD>(buffer.size() - kReparseHeaderSize);
  reparse->SubstituteNameOffset = 0;
  reparse->SubstituteNameLength = static_cast<WORD>(substitute_bytes);
  reparse->PrintNameOffset = static_cast<WORD>(substitute_bytes + sizeof(WCHAR));
  reparse->PrintNameLength = static_cast<WORD>(print_bytes);
  std::memcpy(reparse->PathBuffer, substitute.c_str(), substitute_bytes + sizeof(WCHAR));
  std::memcpy(reinterpret_cast<std::uint8_t*>(reparse->PathBuffer) + reparse->PrintNameOffset,
              print.c_str(), print_bytes + sizeof(WCHAR));
  DWORD returned = 0;
  if (!DeviceIoControl(directory.get(), FSCTL_SET_REPARSE_POINT, buffer.data(),
                       static_cast<DWORD>(buffer.size()), nullptr, 0, &returned, nullptr)) {
    const DWORD error = GetLastError();
    directory.reset();
    RemoveDirectoryW(link.c_str());
    throw win32_error("DeviceIoControl(FSCTL_SET_REPARSE_POINT)", error);
  }
}

void create_hard_link(const std::filesystem::path& link, const std::filesystem::path& existing) {
  if (!CreateHardLinkW(link.c_str(), existing.c_str(), nullptr)) {
    throw_last_error("CreateHardLinkW");
  }
}

void remove_tree_without_following(const std::filesystem::path& path) {
  const DWORD attributes = GetFileAttributesW(path.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) return;  // missing
  const bool directory = (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  const bool link = (attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
  if (attributes & FILE_ATTRIBUTE_READONLY) {
    SetFileAttributesW(path.c_str(), attributes & ~FILE_ATTRIBUTE_READONLY);
  }
  if (directory && !link) {
    WIN32_FIND_DATAW entry{};
    const std::wstring pattern = (path / L"*").wstring();
    UniqueFindHandle find(FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &entry,
                                           FindExSearchNameMatch, nullptr, 0));
    if (find.get() != INVALID_HANDLE_VALUE) {
      do {
        const std::wstring name = entry.cFileName;
        if (name != L"." && name != L"..") remove_tree_without_following(path / name);
      } while (FindNextFileW(find.get(), &entry));
    }
  }
  const BOOL removed = directory ? RemoveDirectoryW(path.c_str()) : DeleteFileW(path.c_str());
  if (!removed && GetLastError() != ERROR_FILE_NOT_FOUND) {
    throw win32_error("remove " + to_utf8(path.wstring()), GetLastError());
  }
}

void delete_registry_tree(const std::string& key) {
  const std::size_t separator = key.find('\\');
  const std::string root = key.substr(0, separator);
  HKEY hive = nullptr;
  if (root == "HKLM") hive = HKEY_LOCAL_MACHINE;
  if (root == "HKCU") hive = HKEY_CURRENT_USER;
  if (hive == nullptr || separator == std::string::npos) {
    throw Error(ErrorCode::invalid_argument, "not an HKLM or HKCU key: " + key);
  }
  const LSTATUS status = RegDeleteTreeW(hive, to_wide(key.substr(separator + 1)).c_str());
  if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) {
    throw win32_error("RegDeleteTreeW " + key, static_cast<DWORD>(status));
  }
}

ServedPipe::ServedPipe() : name_("\\\\.\\pipe\\winsandbox-selftest-" + random_hex(16)) {
  pipe_.reset(CreateNamedPipeW(to_wide(name_).c_str(), PIPE_ACCESS_INBOUND,
                               PIPE_TYPE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1, 4096,
                               4096, 0, nullptr));
  if (pipe_.get() == INVALID_HANDLE_VALUE) throw_last_error("CreateNamedPipeW");
}

HeldMutex::HeldMutex() : name_("Local\\winsandbox-selftest-" + random_hex(16)) {
  mutex_.reset(CreateMutexW(nullptr, FALSE, to_wide(name_).c_str()));
  if (!mutex_) throw_last_error("CreateMutexW");
}

struct LoopbackHttpResponder::State {
  WSADATA wsa{};
  SOCKET listener = INVALID_SOCKET;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::thread thread;
};

LoopbackHttpResponder::LoopbackHttpResponder() : state_(std::make_unique<State>()) {
  if (WSAStartup(MAKEWORD(2, 2), &state_->wsa) != 0) {
    throw Error(ErrorCode::win32_call_failed, "WSAStartup failed");
  }
  state_->listener = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int length = sizeof(address);
  if (state_->listener == INVALID_SOCKET ||
      ::bind(state_->listener, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(state_->listener, 16) != 0 ||
      ::getsockname(state_->listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = WSAGetLastError();
    if (state_->listener != INVALID_SOCKET) ::closesocket(state_->listener);
    WSACleanup();
    throw win32_error("loopback listener", static_cast<DWORD>(error));
  }
  state_->port = ntohs(address.sin_port);
  state_->thread = std::thread([state = state_.get()] {
    static constexpr char kAnswer[] =
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nprobe-ok";
    while (!state->stopping) {
      const SOCKET client = ::accept(state->listener, nullptr, nullptr);
      if (client == INVALID_SOCKET) continue;  // closed by the destructor, or a failed accept
      char request[2048];
      ::recv(client, request, sizeof(request), 0);  // the request line is not looked at
      ::send(client, kAnswer, static_cast<int>(sizeof(kAnswer) - 1), 0);
      ::shutdown(client, SD_BOTH);
      ::closesocket(client);
    }
  });
}

LoopbackHttpResponder::~LoopbackHttpResponder() {
  state_->stopping = true;
  ::closesocket(state_->listener);  // ends the blocked accept
  if (state_->thread.joinable()) state_->thread.join();
  WSACleanup();
}

std::uint16_t LoopbackHttpResponder::port() const {
  return state_->port;
}

}  // namespace winsandbox::win
