// ws_find_window TITLE: looks for a top-level window named TITLE on its own desktop
// (FindWindowW) and prints "found" or "absent"; with a window found it also tries to post it a
// message and prints "posted" or "post denied".
#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 2) return 2;
  const HWND window = FindWindowW(nullptr, argv[1]);
  if (window == nullptr) {
    ws_helper::out("absent\n");
    return 0;
  }
  ws_helper::out(PostMessageW(window, WM_NULL, 0, 0) ? "found posted\n" : "found post denied\n");
  return 0;
}
