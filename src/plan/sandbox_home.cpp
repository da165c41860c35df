#include "plan/sandbox_home.hpp"

#include "resolve/entries.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {

void require_sandbox_home_outside_writable_roots(const ResolvedPermissions& resolved,
                                                 const WinPath& sandbox_home,
                                                 const FileSystemView& fs) {
  const WinPath canonical_home = normalize_through(fs, sandbox_home);
  for (const auto& root : resolved.writable_roots) {
    for (const WinPath* home : {&sandbox_home, &canonical_home}) {
      if (root.root.is_within(*home) || home->is_within(root.root)) {
        throw Error(ErrorCode::invalid_profile,
                    "writable root " + root.root.str() + " overlaps the sandbox home " +
                        sandbox_home.str() + " (" + canonical_home.str() +
                        "); the sandbox must not write its own state");
      }
    }
  }
}

}  // namespace winsandbox
