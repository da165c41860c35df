#include "win/setup/secrets_file.hpp"

#include <filesystem>
#include <system_error>

#include "common/atomic_file.hpp"
#include "common/base64.hpp"
#include "common/json_cursor.hpp"
#include "plan/setup_plan.hpp"
#include "win/unicode.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {
namespace {

std::filesystem::path file_of(const WinPath& sandbox_home) {
  return std::filesystem::path(to_wide(secrets_file_path(sandbox_home).str()));
}

Json slot_json(const SandboxAccountCredentials& account, std::string_view real_user,
               SecretProtector& protector) {
  const std::vector<std::uint8_t> blob =
      protector.protect(account.password, secret_entropy(real_user, account.user_name));
  return Json{{"username", account.user_name},
              {"password", base64_encode(std::string_view(
                               reinterpret_cast<const char*>(blob.data()), blob.size()))}};
}

[[noreturn]] void throw_unusable(const WinPath& sandbox_home, const std::string& why) {
  throw Error(ErrorCode::setup_required,
              "the sandbox account secrets " + secrets_file_path(sandbox_home).str() +
                  " are unusable (" + why + "): run the elevated setup again");
}

}  // namespace

std::string secret_entropy(std::string_view real_user, std::string_view account_name) {
  std::string entropy = "winsandbox-secret\n";
  entropy += real_user;
  entropy += '\n';
  entropy += account_name;
  return entropy;
}

void write_sandbox_secrets(const WinPath& sandbox_home, const SandboxSecrets& secrets,
                           SecretProtector& protector) {
  Json document = Json::object();
  document["version"] = kSecretsFileVersion;
  document["real_user"] = secrets.real_user;
  document["offline"] = slot_json(secrets.offline, secrets.real_user, protector);
  document["online"] = slot_json(secrets.online, secrets.real_user, protector);
  write_file_atomically(file_of(sandbox_home), dump_state_json(document));
}

std::optional<SandboxAccountCredentials> load_sandbox_credentials(const WinPath& sandbox_home,
                                                                  NetworkIdentity identity,
                                                                  SecretProtector& protector) {
  std::optional<std::string> text;
  try {
    text = read_file_if_exists(file_of(sandbox_home));
  } catch (const Error& error) {
    throw_unusable(sandbox_home, error.what());
  }
  if (!text) return std::nullopt;
  std::string real_user;
  std::string user_name;
  std::vector<std::uint8_t> blob;
  try {
    const Json document = parse_json(*text, ErrorCode::invalid_argument);
    const JsonCursor root(document, ErrorCode::invalid_argument);
    root.reject_unknown_fields({"version", "real_user", "offline", "online"});
    const std::uint64_t version = root.field("version").unsigned_integer();
    if (version != kSecretsFileVersion) {
      root.field("version").fail("version " + std::to_string(version) + ", expected " +
                                 std::to_string(kSecretsFileVersion));
    }
    real_user = root.field("real_user").string();
    const JsonCursor slot = root.field(identity == NetworkIdentity::offline ? "offline" : "online");
    slot.reject_unknown_fields({"username", "password"});
    user_name = slot.field("username").string();
    const JsonCursor password = slot.field("password");
    const std::optional<std::string> bytes = base64_decode(password.string());
    if (!bytes) password.fail("not base64");
    blob.assign(bytes->begin(), bytes->end());
  } catch (const Error& error) {
    throw_unusable(sandbox_home, error.what());
  }
  try {
    return SandboxAccountCredentials{
        user_name, protector.unprotect(blob, secret_entropy(real_user, user_name))};
  } catch (const Error& error) {
    throw_unusable(sandbox_home, error.what());
  }
}

bool remove_sandbox_secrets(const WinPath& sandbox_home) {
  std::error_code error;
  const bool removed = std::filesystem::remove(file_of(sandbox_home), error);
  if (error) {
    throw Error(ErrorCode::io_error,
                "cannot remove " + secrets_file_path(sandbox_home).str() + ": " + error.message());
  }
  return removed;
}

}  // namespace winsandbox::win
