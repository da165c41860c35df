// The desktop a sandboxed child's windows live on. A child on the user's desktop can send
// window messages to, and read the screen of, every other program there; a private desktop
// cuts that off. Behaviour: docs/execution.md#desktop.
#pragma once

#include <string>

#include "win/handles.hpp"

namespace winsandbox::win {

// The interactive desktop. Passed explicitly (not left empty) because under restricted tokens an
// unset lpDesktop makes some programs (PowerShell) fail with STATUS_DLL_INIT_FAILED.
inline constexpr char kDefaultDesktop[] = "Winsta0\\Default";

class PrivateDesktop {
public:
  // A new desktop `winsandbox-desktop-<128-bit random hex>` in the current window station whose
  // DACL is replaced by one grant of DESKTOP_ALL_ACCESS to the logon SID of this process's
  // token (which every token create_restricted_token derives from it also carries, both as a
  // group and as a restricting SID). Closed on destruction: keep it alive until the child has
  // started (and for a session, until it ends).
  static PrivateDesktop create();

  // The value for STARTUPINFO::lpDesktop: "Winsta0\<name>".
  const std::string& startup_name() const noexcept { return startup_name_; }

private:
  PrivateDesktop(UniqueDesktop desktop, std::string startup_name)
      : desktop_(std::move(desktop)), startup_name_(std::move(startup_name)) {}

  UniqueDesktop desktop_;
  std::string startup_name_;
};

}  // namespace winsandbox::win
