// The sandbox accounts' passwords at rest: `<sandbox_home>\.sandbox-secrets\sandbox_users.json`
// (docs/setup.md#secrets). Pretty JSON, written atomically:
//
//   {
//     "version": 1,
//     "real_user": "alice",
//     "offline": { "username": "WinSandboxOffline", "password": "<base64 of the blob>" },
//     "online":  { "username": "WinSandboxOnline",  "password": "<base64 of the blob>" }
//   }
//
// Each password is protected by the SecretProtector (DPAPI, machine scope, on the real machine)
// with the entropy secret_entropy(real_user, username): the blob only decrypts for that slot, so
// a blob copied into another user's file or swapped between the two accounts is refused. The
// entropy is not a secret (it is in the file): what keeps other users from the passwords is the
// directory's DACL (the real user, SYSTEM and Administrators only; the sandbox group denied).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "win/elevated/runner_launcher.hpp"
#include "win/setup/setup_system.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::win {

inline constexpr std::uint32_t kSecretsFileVersion = 1;

// "winsandbox-secret\n<real_user>\n<account>": the DPAPI optional entropy of one password.
std::string secret_entropy(std::string_view real_user, std::string_view account_name);

struct SandboxSecrets {
  std::string real_user;
  SandboxAccountCredentials offline;
  SandboxAccountCredentials online;
};

// Protects both passwords and replaces the file atomically (the directory must exist; the
// setup helper makes and locks it first). Throws Error (the protector's, or io_error).
void write_sandbox_secrets(const WinPath& sandbox_home, const SandboxSecrets& secrets,
                           SecretProtector& protector);

// The credentials of the account that runs `identity`'s commands; nullopt when the file is
// missing. A file that cannot be read, is not the format above, is another version, or whose
// blob does not unprotect: Error(setup_required, "...: run the elevated setup again"), so the
// caller repairs the setup.
std::optional<SandboxAccountCredentials> load_sandbox_credentials(const WinPath& sandbox_home,
                                                                  NetworkIdentity identity,
                                                                  SecretProtector& protector);

// Removes the file; false when there was none. Throws Error(io_error) otherwise.
bool remove_sandbox_secrets(const WinPath& sandbox_home);

}  // namespace winsandbox::win
