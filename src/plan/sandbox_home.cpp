#include "plan/sandbox_home.hpp"

#include "winsandbox/error.hpp"

namespace winsandbox {

void require_sandbox_home_outside_writable_roots(const ResolvedPermissions& resolved,
                                                 const WinPath& sandbox_home) {
  for (const auto& root : resolved.writable_roots) {
    if (root.root.is_within(sandbox_home) || sandbox_home.is_within(root.root)) {
      throw Error(ErrorCode::invalid_profile,
                  "writable root " + root.root.str() + " overlaps the sandbox home " +
                      sandbox_home.str() + "; the sandbox must not write its own state");
    }
  }
}

}  // namespace winsandbox
