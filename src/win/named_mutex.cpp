#include "win/named_mutex.hpp"

#include <algorithm>

#include "win/unicode.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {

NamedMutexLock NamedMutexLock::acquire(const std::string& name, std::chrono::milliseconds timeout) {
  UniqueHandle mutex(CreateMutexW(nullptr, FALSE, to_wide(name).c_str()));
  if (!mutex) throw_last_error("CreateMutexW(" + name + ")");
  const auto ms = std::clamp<long long>(timeout.count(), 0, INFINITE - 1);
  switch (WaitForSingleObject(mutex.get(), static_cast<DWORD>(ms))) {
    case WAIT_OBJECT_0:
    case WAIT_ABANDONED: return NamedMutexLock(std::move(mutex));
    case WAIT_TIMEOUT:
      throw Error(ErrorCode::io_error, "timed out after " + std::to_string(timeout.count()) +
                                           " ms waiting for mutex " + name);
    default: throw_last_error("WaitForSingleObject(" + name + ")");
  }
}

NamedMutexLock::~NamedMutexLock() {
  if (mutex_) ReleaseMutex(mutex_.get());
}

}  // namespace winsandbox::win
