// The one restricted-token builder every spawn path uses (capture, session, elevated runner,
// unelevated), and the token queries the tests use to prove what a child received.
// Behaviour: docs/execution.md#restricted-token.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <windows.h>

#include "win/handles.hpp"
#include "win/sid.hpp"
#include "win/win32_error.hpp"

namespace winsandbox::win {

// Access a base token needs for create_restricted_token (the restricted token inherits the
// base handle's access, and the builder adjusts its default DACL and privileges).
inline constexpr DWORD kBaseTokenAccess = TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY |
                                          TOKEN_ADJUST_DEFAULT | TOKEN_ADJUST_SESSIONID |
                                          TOKEN_ADJUST_PRIVILEGES;

// The calling process's primary token, opened with `access`.
UniqueHandle open_current_process_token(DWORD access = kBaseTokenAccess);

// GetTokenInformation with the usual two calls (size, then data), typed: `T` is the structure
// the information class returns (TOKEN_GROUPS, TOKEN_USER, ...).
template <typename T>
TypedBuffer<T> get_token_information(HANDLE token, TOKEN_INFORMATION_CLASS info_class) {
  DWORD size = 0;
  GetTokenInformation(token, info_class, nullptr, 0, &size);  // fails by design: sizing call
  if (size == 0) size = sizeof(T);  // some classes report nothing; ask with the fixed size
  TypedBuffer<T> buffer(size);
  if (!GetTokenInformation(token, info_class, buffer.get(), size, &size)) {
    throw_last_error("GetTokenInformation(class " + std::to_string(info_class) + ")");
  }
  return buffer;
}

struct RestrictedTokenSpec {
  // Capability SIDs ("S-1-5-21-a-b-c-d"), in the order they go into the token. Non-empty: a
  // write-restricted token with no capability SID could write nowhere a caller intended.
  std::vector<std::string> capability_sids{};
  // SIDs placed after the capabilities (the elevated runner adds its token user SID and the
  // network-proxy SID here). They do not get an entry in the default DACL.
  std::vector<std::string> extra_restricting_sids{};
};

namespace test {
struct UnrestrictedTokenForTests;  // tests/win only: a plain child for engine tests
}  // namespace test

// A primary token a child process may be started with (LaunchRequest, CaptureRequest). Only
// create_restricted_token makes one: there is no default, null or raw-HANDLE construction, so
// no launch can fall back to the caller's own token by omission. (The one other maker is the
// test-only test::UnrestrictedTokenForTests, defined in tests/win and nowhere else.) Move-only;
// owns its handle.
class SandboxToken {
public:
  SandboxToken(SandboxToken&&) noexcept = default;
  SandboxToken& operator=(SandboxToken&&) noexcept = default;
  SandboxToken(const SandboxToken&) = delete;
  SandboxToken& operator=(const SandboxToken&) = delete;
  ~SandboxToken() = default;

  HANDLE get() const noexcept { return handle_.get(); }

private:
  explicit SandboxToken(UniqueHandle handle) noexcept : handle_(std::move(handle)) {}
  friend SandboxToken create_restricted_token(HANDLE base_token, const RestrictedTokenSpec& spec);
  friend struct test::UnrestrictedTokenForTests;
  UniqueHandle handle_;
};

// How a launch request names its token: a reference (never null, never defaulted) to a token
// the caller keeps alive for the launch.
using SandboxTokenRef = std::reference_wrapper<const SandboxToken>;

// Builds the sandbox token from `base_token` (opened with kBaseTokenAccess):
// * CreateRestrictedToken(DISABLE_MAX_PRIVILEGE | LUA_TOKEN | WRITE_RESTRICTED), no disabled
//   SIDs, no deleted privileges (DISABLE_MAX_PRIVILEGE already drops all but
//   SeChangeNotifyPrivilege);
// * restricting SIDs, in this exact order: capability SIDs, extra SIDs, the base token's logon
//   SID, Everyone (S-1-1-0). WRITE_RESTRICTED means they are checked for write access only;
// * default DACL: GENERIC_ALL for the logon SID, Everyone and each capability SID, so the child
//   can create pipes and other objects (PowerShell pipelines need that);
// * SeChangeNotifyPrivilege enabled (directory traversal).
// Throws Error(invalid_argument) for an empty capability list or a malformed SID string,
// Error(win32_call_failed) when the base token has no logon SID (nor its linked token) or a
// call fails.
SandboxToken create_restricted_token(HANDLE base_token, const RestrictedTokenSpec& spec);

// The restricting SIDs of `token`, as strings, in token order (empty for an unrestricted
// token).
std::vector<std::string> restricting_sids(HANDLE token);

// The token's logon SID (the group with SE_GROUP_LOGON_ID), falling back to the linked token
// (the other half of a split admin token). nullopt if neither has one.
std::optional<Sid> find_logon_sid(HANDLE token);

// The token's user SID.
Sid token_user_sid(HANDLE token);

// TokenElevation: the token is elevated (UAC's full administrator token, or UAC off).
bool token_is_elevated(HANDLE token);

}  // namespace winsandbox::win
