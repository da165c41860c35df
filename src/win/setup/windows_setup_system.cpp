// make_windows_setup_system, GUID text and DpapiSecretProtector (windows_setup_system.hpp).
#include "win/setup/windows_setup_system.hpp"

#include <cstdio>
#include <memory>
#include <string>

// clang-format off
#include <windows.h>  // first: dpapi.h needs its types
#include <dpapi.h>
// clang-format on

#include "win/handles.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// DATA_BLOB over caller memory (DPAPI only reads its inputs).
DATA_BLOB blob_of(std::string_view bytes) {
  DATA_BLOB blob{};
  blob.cbData = static_cast<DWORD>(bytes.size());
  blob.pbData = reinterpret_cast<BYTE*>(const_cast<char*>(bytes.data()));
  return blob;
}

constexpr DWORD kDpapiFlags = CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN;

}  // namespace

GUID parse_guid(std::string_view text) {
  // {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}: 38 characters.
  const auto invalid = [&] {
    return Error(ErrorCode::invalid_argument,
                 "not a GUID of the form {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}: \"" +
                     std::string(text) + "\"");
  };
  if (text.size() != 38 || text.front() != '{' || text.back() != '}') throw invalid();
  std::uint8_t bytes[16] = {};
  std::size_t count = 0;
  for (std::size_t i = 1; i < 37;) {
    if (i == 9 || i == 14 || i == 19 || i == 24) {
      if (text[i] != '-') throw invalid();
      ++i;
      continue;
    }
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) throw invalid();
    bytes[count++] = static_cast<std::uint8_t>(high * 16 + low);
    i += 2;
  }
  GUID guid{};
  guid.Data1 = (static_cast<unsigned long>(bytes[0]) << 24) |
               (static_cast<unsigned long>(bytes[1]) << 16) |
               (static_cast<unsigned long>(bytes[2]) << 8) | bytes[3];
  guid.Data2 = static_cast<unsigned short>((bytes[4] << 8) | bytes[5]);
  guid.Data3 = static_cast<unsigned short>((bytes[6] << 8) | bytes[7]);
  for (int i = 0; i < 8; ++i) guid.Data4[i] = bytes[8 + i];
  return guid;
}

std::string format_guid(const GUID& guid) {
  char text[39];
  std::snprintf(text, sizeof(text), "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
                static_cast<unsigned long>(guid.Data1), guid.Data2, guid.Data3, guid.Data4[0],
                guid.Data4[1], guid.Data4[2], guid.Data4[3], guid.Data4[4], guid.Data4[5],
                guid.Data4[6], guid.Data4[7]);
  return text;
}

std::vector<std::uint8_t> DpapiSecretProtector::protect(std::string_view secret,
                                                        std::string_view entropy) {
  DATA_BLOB input = blob_of(secret);
  DATA_BLOB entropy_blob = blob_of(entropy);
  DATA_BLOB output{};
  if (!::CryptProtectData(&input, nullptr, entropy.empty() ? nullptr : &entropy_blob, nullptr,
                          nullptr, kDpapiFlags, &output)) {
    throw_last_error("CryptProtectData");
  }
  const UniqueLocalPtr<BYTE*> owned(output.pbData);
  return std::vector<std::uint8_t>(output.pbData, output.pbData + output.cbData);
}

std::string DpapiSecretProtector::unprotect(const std::vector<std::uint8_t>& blob,
                                            std::string_view entropy) {
  DATA_BLOB input{};
  input.cbData = static_cast<DWORD>(blob.size());
  input.pbData = const_cast<BYTE*>(blob.data());
  DATA_BLOB entropy_blob = blob_of(entropy);
  DATA_BLOB output{};
  if (!::CryptUnprotectData(&input, nullptr, entropy.empty() ? nullptr : &entropy_blob, nullptr,
                            nullptr, kDpapiFlags, &output)) {
    throw_last_error("CryptUnprotectData");
  }
  const UniqueLocalPtr<BYTE*> owned(output.pbData);
  std::string secret(reinterpret_cast<const char*>(output.pbData), output.cbData);
  ::SecureZeroMemory(output.pbData, output.cbData);
  return secret;
}

SetupSystem make_windows_setup_system() {
  SetupSystem system;
  system.name = "windows";
  system.accounts = std::make_unique<Win32LocalAccounts>();
  system.secrets = std::make_unique<DpapiSecretProtector>();
  system.firewall = std::make_unique<ComFirewallRules>();
  system.wfp = std::make_unique<FwpmWfpFilters>();
  system.files = std::make_unique<Win32FileDaclAccess>();
  return system;
}

}  // namespace winsandbox::win
