// RAII owners for every Win32 resource the library holds. This is the one place that calls
// CloseHandle / FindClose / LocalFree / CloseDesktop / ClosePseudoConsole /
// FreeEnvironmentStringsW / DeleteProcThreadAttributeList / RegCloseKey / FreeLibrary;
// everything else holds one of these types (the WIL `unique_any` pattern). Resources of one
// subsystem only (netapi32 buffers, the WFP engine, COM) keep their traits next to their one
// user, built on UniqueResource all the same.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include <windows.h>

namespace winsandbox::win {

// Owns one resource described by `Traits`:
//   using pointer = ...;                       the raw type
//   static pointer invalid() noexcept;         the "no resource" value
//   static bool is_valid(pointer) noexcept;    some APIs have two invalid values
//   static void close(pointer) noexcept;
// Move-only. `put()` releases the current resource and hands out the address of the raw
// value for out-parameters: `OpenProcessToken(process, access, token.put())`.
template <typename Traits>
class UniqueResource {
public:
  using pointer = typename Traits::pointer;

  UniqueResource() noexcept = default;
  explicit UniqueResource(pointer value) noexcept : value_(value) {}
  ~UniqueResource() { reset(); }

  UniqueResource(const UniqueResource&) = delete;
  UniqueResource& operator=(const UniqueResource&) = delete;
  UniqueResource(UniqueResource&& other) noexcept : value_(other.release()) {}
  UniqueResource& operator=(UniqueResource&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }

  pointer get() const noexcept { return value_; }
  bool is_valid() const noexcept { return Traits::is_valid(value_); }
  explicit operator bool() const noexcept { return is_valid(); }

  [[nodiscard]] pointer release() noexcept { return std::exchange(value_, Traits::invalid()); }
  void reset(pointer value = Traits::invalid()) noexcept {
    const pointer old = std::exchange(value_, value);
    if (Traits::is_valid(old)) Traits::close(old);
  }
  pointer* put() noexcept {
    reset();
    return &value_;
  }

private:
  pointer value_ = Traits::invalid();
};

struct HandleTraits {
  using pointer = HANDLE;
  static pointer invalid() noexcept { return nullptr; }
  // Kernel APIs disagree on the failure value (NULL vs INVALID_HANDLE_VALUE); neither is owned.
  // (INVALID_HANDLE_VALUE is also the current-process pseudo handle, which needs no closing.)
  static bool is_valid(pointer h) noexcept { return h != nullptr && h != INVALID_HANDLE_VALUE; }
  static void close(pointer h) noexcept { ::CloseHandle(h); }
};

// A directory search from FindFirstFile(Ex)W, which fails with INVALID_HANDLE_VALUE and is
// closed with FindClose, never CloseHandle.
struct FindHandleTraits {
  using pointer = HANDLE;
  static pointer invalid() noexcept { return INVALID_HANDLE_VALUE; }
  static bool is_valid(pointer h) noexcept { return h != nullptr && h != INVALID_HANDLE_VALUE; }
  static void close(pointer h) noexcept { ::FindClose(h); }
};

// Memory the system allocated with LocalAlloc and the caller must LocalFree. `T` is the pointer
// type the API hands out (PSID, PSECURITY_DESCRIPTOR, PACL, LPWSTR, ...).
template <typename T>
struct LocalMemoryTraits {
  static_assert(std::is_pointer_v<T>, "LocalFree'd memory is held through a pointer type");
  using pointer = T;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer p) noexcept { return p != nullptr; }
  static void close(pointer p) noexcept { ::LocalFree(p); }
};

struct DesktopTraits {
  using pointer = HDESK;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer p) noexcept { return p != nullptr; }
  static void close(pointer p) noexcept { ::CloseDesktop(p); }
};

struct PseudoConsoleTraits {
  using pointer = HPCON;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer p) noexcept { return p != nullptr && p != INVALID_HANDLE_VALUE; }
  static void close(pointer p) noexcept { ::ClosePseudoConsole(p); }
};

// The block GetEnvironmentStringsW returns.
struct EnvironmentStringsTraits {
  using pointer = LPWCH;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer p) noexcept { return p != nullptr; }
  static void close(pointer p) noexcept { ::FreeEnvironmentStringsW(p); }
};

// An open registry key (RegOpenKeyExW / RegCreateKeyExW).
struct RegistryKeyTraits {
  using pointer = HKEY;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer key) noexcept { return key != nullptr; }
  static void close(pointer key) noexcept { ::RegCloseKey(key); }
};

// A module LoadLibraryW loaded.
struct LibraryTraits {
  using pointer = HMODULE;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer p) noexcept { return p != nullptr; }
  static void close(pointer p) noexcept { ::FreeLibrary(p); }
};

// Kernel object handles: files, pipes, events, processes, threads, tokens, jobs.
using UniqueHandle = UniqueResource<HandleTraits>;
using UniqueFindHandle = UniqueResource<FindHandleTraits>;
using UniqueDesktop = UniqueResource<DesktopTraits>;
using UniquePseudoConsole = UniqueResource<PseudoConsoleTraits>;
using UniqueEnvironmentStrings = UniqueResource<EnvironmentStringsTraits>;
using UniqueRegistryKey = UniqueResource<RegistryKeyTraits>;
using UniqueLibrary = UniqueResource<LibraryTraits>;

// Outputs of ConvertStringSidToSidW (PSID), ConvertStringSecurityDescriptorToSecurityDescriptorW
// (PSECURITY_DESCRIPTOR), SetEntriesInAclW (PACL), FormatMessageW (LPWSTR), ...
template <typename T>
using UniqueLocalPtr = UniqueResource<LocalMemoryTraits<T>>;
using UniqueSecurityDescriptor = UniqueLocalPtr<PSECURITY_DESCRIPTOR>;
using UniqueLocalSid = UniqueLocalPtr<PSID>;

// A buffer for variable-length structures returned by two-call APIs (GetTokenInformation,
// QueryInformationJobObject, ...): aligned for `T`, sized in bytes.
template <typename T>
class TypedBuffer {
public:
  TypedBuffer() = default;
  explicit TypedBuffer(std::size_t bytes) : storage_((bytes + sizeof(Unit) - 1) / sizeof(Unit)) {}

  T* get() noexcept { return reinterpret_cast<T*>(storage_.data()); }
  const T* get() const noexcept { return reinterpret_cast<const T*>(storage_.data()); }
  T* operator->() noexcept { return get(); }
  const T* operator->() const noexcept { return get(); }
  std::size_t size_bytes() const noexcept { return storage_.size() * sizeof(Unit); }

private:
  // max_align_t storage: every Win32 structure is at most pointer/8-byte aligned.
  using Unit = std::max_align_t;
  std::vector<Unit> storage_;
};

// A PROC_THREAD_ATTRIBUTE_LIST for STARTUPINFOEXW. The list stores pointers to the attribute
// values, so this object owns the values too and must outlive the CreateProcess* call.
// Not copyable or movable (the list points into itself).
class ProcThreadAttributeList {
public:
  explicit ProcThreadAttributeList(DWORD attribute_count);
  ~ProcThreadAttributeList();
  ProcThreadAttributeList(const ProcThreadAttributeList&) = delete;
  ProcThreadAttributeList& operator=(const ProcThreadAttributeList&) = delete;

  // PROC_THREAD_ATTRIBUTE_HANDLE_LIST: only these (inheritable) handles are inherited.
  void set_handle_list(std::vector<HANDLE> handles);
  // PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE: the HPCON value itself is the attribute value.
  void set_pseudo_console(HPCON pseudo_console);
  // PROC_THREAD_ATTRIBUTE_JOB_LIST.
  void set_job_list(std::vector<HANDLE> jobs);

  LPPROC_THREAD_ATTRIBUTE_LIST get() noexcept {
    return reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(buffer_.get());
  }

private:
  void update(DWORD_PTR attribute, void* value, std::size_t size, const char* what);

  TypedBuffer<std::byte> buffer_;
  bool initialized_ = false;
  // Stable storage for the values (the list keeps pointers to them).
  std::vector<HANDLE> handle_list_;
  std::vector<HANDLE> job_list_;
};

}  // namespace winsandbox::win
