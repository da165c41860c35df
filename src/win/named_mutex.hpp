// A held named mutex (cross-process), released on destruction.
#pragma once

#include <chrono>
#include <string>

#include "win/handles.hpp"

namespace winsandbox::win {

class NamedMutexLock {
public:
  // Creates or opens the mutex `name` (e.g. `Local\winsandbox-acl-…`) and waits up to
  // `timeout` for it. An abandoned mutex (its holder died) is taken over: the state it guards
  // is written atomically, so there is nothing half-done to repair. Throws
  // Error(win32_call_failed) when the mutex cannot be created, Error(io_error) on timeout.
  static NamedMutexLock acquire(const std::string& name, std::chrono::milliseconds timeout);

  NamedMutexLock(NamedMutexLock&&) noexcept = default;
  NamedMutexLock& operator=(NamedMutexLock&&) = delete;
  NamedMutexLock(const NamedMutexLock&) = delete;
  NamedMutexLock& operator=(const NamedMutexLock&) = delete;
  ~NamedMutexLock();

private:
  explicit NamedMutexLock(UniqueHandle mutex) : mutex_(std::move(mutex)) {}
  UniqueHandle mutex_;
};

}  // namespace winsandbox::win
