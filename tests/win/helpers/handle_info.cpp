// ws_handle_info <handle value>...: writes "<value>=open\n" or "<value>=closed\n" for each value
// (decimal or 0x...), i.e. whether this process has a handle with that value. Inherited handles
// keep their value, so a parent can check which of its handles reached the child.
#include <string>

#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  std::string text;
  for (int i = 1; i < argc; ++i) {
    const auto value = static_cast<std::uintptr_t>(ws_helper::number(argv[i]));
    DWORD flags = 0;
    const bool open = GetHandleInformation(reinterpret_cast<HANDLE>(value), &flags) != FALSE;
    text += std::to_string(value) + (open ? "=open\n" : "=closed\n");
  }
  ws_helper::out(text);
  return 0;
}
