// What a Session is behind its public face: one implementation per backend (the unelevated
// session in src/win/session.cpp, the runner session of the elevated backend in
// src/win/elevated/runner_session.cpp). Session's methods (src/api/session.cpp) forward to it;
// their contracts are the ones include/winsandbox/session.hpp documents. Portable (no
// <windows.h>): the api layer includes it on every platform.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/session.hpp"

namespace winsandbox {

struct Session::Impl {
  virtual ~Impl() = default;
  virtual void write_stdin(std::string_view bytes) = 0;
  virtual void close_stdin() = 0;
  virtual void resize(TerminalSize size) = 0;
  virtual void terminate() = 0;
  virtual std::optional<std::int32_t> wait(std::optional<std::chrono::milliseconds> timeout) = 0;
  virtual std::string take_stdout() = 0;
  virtual std::string take_stderr() = 0;
  virtual bool is_tty() const = 0;
  virtual std::uint32_t process_id() const = 0;
  virtual const std::vector<std::string>& warnings() const = 0;
};

}  // namespace winsandbox
