// The portable part of the session API: the legacy adapter, Session forwarding to its backend's
// implementation (win/session_impl.hpp), and the refusals off Windows, where no Session can be
// made. The Windows implementations are src/win/session.cpp and src/win/elevated/.
#include "winsandbox/session.hpp"

#include "api/legacy_adapter.hpp"
#include "common/log.hpp"
#include "win/session_impl.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {

Session spawn_session_for_policy(const std::string& policy, const std::string& policy_cwd,
                                 SessionRequest request) {
  convert_legacy_policy("session", "spawn_session_for_policy", policy, policy_cwd, request.profile,
                        request.binding);
  return spawn_session_for_permission_profile(request);  // logs its own refusals
}

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

void Session::write_stdin(std::string_view bytes) {
  impl_->write_stdin(bytes);
}
void Session::close_stdin() {
  impl_->close_stdin();
}
void Session::resize(TerminalSize size) {
  impl_->resize(size);
}
void Session::terminate() {
  impl_->terminate();
}
std::optional<std::int32_t> Session::wait(std::optional<std::chrono::milliseconds> timeout) {
  return impl_->wait(timeout);
}
std::optional<std::int32_t> Session::exit_code() {
  return impl_->wait(std::chrono::milliseconds(0));
}
std::string Session::take_stdout() {
  return impl_->take_stdout();
}
std::string Session::take_stderr() {
  return impl_->take_stderr();
}
bool Session::is_tty() const {
  return impl_->is_tty();
}
std::uint32_t Session::process_id() const {
  return impl_->process_id();
}
const std::vector<std::string>& Session::warnings() const {
  return impl_->warnings();
}

#if !defined(_WIN32)
// No Session exists off Windows: every way to make one refuses.
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
