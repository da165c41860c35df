// ws_token_info: prints the restricting SIDs of its own primary token, one per line, as
// "restricting <S-...>". If the system cannot answer (Wine: ERROR_INVALID_FUNCTION) it prints
// "unsupported <code>" and exits 3.
// clang-format off
#include "helper_io.hpp"  // windows.h, which sddl.h needs first
#include <sddl.h>
// clang-format on

int wmain() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return 2;
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
    wchar_t* text = nullptr;
    if (!ConvertSidToStringSidW(groups->Groups[i].Sid, &text)) return 4;
    ws_helper::out("restricting " + ws_helper::utf8(text) + "\n");
    LocalFree(text);
  }
  CloseHandle(token);
  return 0;
}
