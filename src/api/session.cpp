// The portable part of the session API: the legacy adapter, and the whole API off Windows
// (where no Session can be made). The Windows implementation is src/win/session.cpp.
#include "winsandbox/session.hpp"

#include "api/legacy_adapter.hpp"
#include "common/log.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {

Session spawn_session_for_policy(const std::string& policy, const std::string& policy_cwd,
                                 SessionRequest request) {
  convert_legacy_policy("session", "spawn_session_for_policy", policy, policy_cwd, request.profile,
                        request.binding);
  return spawn_session_for_permission_profile(request);  // logs its own refusals
}

#if !defined(_WIN32)
struct Session::Impl {};

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

// Unreachable: no Session exists off Windows.
void Session::write_stdin(std::string_view) {
  throw_unsupported_platform("Session");
}
void Session::close_stdin() {
  throw_unsupported_platform("Session");
}
void Session::resize(TerminalSize) {
  throw_unsupported_platform("Session");
}
void Session::terminate() {
  throw_unsupported_platform("Session");
}
bool Session::is_tty() const {
  throw_unsupported_platform("Session");
}
std::optional<std::int32_t> Session::wait(std::optional<std::chrono::milliseconds>) {
  throw_unsupported_platform("Session");
}
std::optional<std::int32_t> Session::exit_code() {
  throw_unsupported_platform("Session");
}
std::string Session::take_stdout() {
  throw_unsupported_platform("Session");
}
std::string Session::take_stderr() {
  throw_unsupported_platform("Session");
}
const std::vector<std::string>& Session::warnings() const {
  throw_unsupported_platform("Session");
}

Session spawn_session_for_permission_profile(const SessionRequest&) {
  try {
    throw_unsupported_platform("spawn_session_for_permission_profile");
  } catch (const Error& error) {
    log::refusal("session", error);
    throw;
  }
}

std::int32_t run_session_in_this_terminal(SessionRequest, TerminalMode, const SessionSpawner&) {
  throw_unsupported_platform("run_session_in_this_terminal");
}
#endif

}  // namespace winsandbox
