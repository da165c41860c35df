// ws_desktop_name: prints the name of the desktop its thread runs on (e.g. `Default`).
#include "helper_io.hpp"

int wmain() {
  wchar_t name[256] = {};
  DWORD needed = 0;
  if (!GetUserObjectInformationW(GetThreadDesktop(GetCurrentThreadId()), UOI_NAME, name,
                                 sizeof(name), &needed)) {
    return 3;
  }
  ws_helper::out(ws_helper::utf8(name) + "\n");
  return 0;
}
