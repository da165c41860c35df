// ws_print_env: writes "cwd=<current directory>\n", then every entry of its environment block in
// block order, one per line, UTF-8.
#include "helper_io.hpp"

int wmain() {
  std::wstring cwd(32768, L'\0');
  cwd.resize(GetCurrentDirectoryW(static_cast<DWORD>(cwd.size()), cwd.data()));
  std::string text = "cwd=" + ws_helper::utf8(cwd) + "\n";
  wchar_t* block = GetEnvironmentStringsW();
  for (const wchar_t* entry = block; *entry != L'\0'; entry += wcslen(entry) + 1) {
    text += ws_helper::utf8(entry) + "\n";
  }
  FreeEnvironmentStringsW(block);
  ws_helper::out(text);
  return 0;
}
