// ws_token_info: prints its own primary token's user as "user <S-...>" and integrity level as
// "integrity <RID, hex>", then its restricting SIDs, one per line, as "restricting <S-...>". If
// the system cannot answer the restricting SIDs (Wine: ERROR_INVALID_FUNCTION) it prints
// "unsupported <code>" and exits 3.
// clang-format off
#include "helper_io.hpp"  // windows.h, which sddl.h needs first
#include <sddl.h>
// clang-format on

namespace {

std::string sid_text(PSID sid) {
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) ExitProcess(4);
  const std::string result = ws_helper::utf8(text);
  LocalFree(text);
  return result;
}

// GetTokenInformation(class) into a buffer big enough; exits 5 when the query fails.
std::string token_information(HANDLE token, TOKEN_INFORMATION_CLASS info_class) {
  DWORD size = 0;
  GetTokenInformation(token, info_class, nullptr, 0, &size);
  std::string buffer(size + sizeof(void*), '\0');
  if (!GetTokenInformation(token, info_class, buffer.data(), size, &size)) ExitProcess(5);
  return buffer;
}

}  // namespace

int wmain() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return 2;
  const std::string user = token_information(token, TokenUser);
  ws_helper::out("user " + sid_text(reinterpret_cast<const TOKEN_USER*>(user.data())->User.Sid) +
                 "\n");
  const std::string label = token_information(token, TokenIntegrityLevel);
  const PSID integrity = reinterpret_cast<const TOKEN_MANDATORY_LABEL*>(label.data())->Label.Sid;
  const DWORD rid = *GetSidSubAuthority(integrity, *GetSidSubAuthorityCount(integrity) - 1);
  char hex[16];
  wsprintfA(hex, "%lx", rid);
  ws_helper::out(std::string("integrity ") + hex + "\n");
  DWORD size = 0;
  GetTokenInformation(token, TokenRestrictedSids, nullptr, 0, &size);
  if (size == 0) size = sizeof(TOKEN_GROUPS);
  std::string buffer(size + sizeof(void*), '\0');
  auto* groups = reinterpret_cast<TOKEN_GROUPS*>(buffer.data());
  if (!GetTokenInformation(token, TokenRestrictedSids, groups, size, &size)) {
    ws_helper::out("unsupported " + std::to_string(GetLastError()) + "\n");
    ExitProcess(3);
  }
  for (DWORD i = 0; i < groups->GroupCount; ++i) {
    ws_helper::out("restricting " + sid_text(groups->Groups[i].Sid) + "\n");
  }
  CloseHandle(token);
  return 0;
}
