// The sandbox home holds the sandbox's own state (capability SIDs, applied ACLs, setup marker,
// secrets): a sandboxed command must never be able to write it.
#pragma once

#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// Throws Error(invalid_profile) when a writable root overlaps `sandbox_home` (equal, inside it
// or containing it): the root's capability SID would let the command rewrite the state that
// decides its own permissions. The home is compared as spelled and canonicalized through `fs`
// (a junction alias or an 8.3 name such as `C:\Users\RUNNER~1` names the same directory); the
// writable roots are canonical already. Every backend calls this one check.
void require_sandbox_home_outside_writable_roots(const ResolvedPermissions& resolved,
                                                 const WinPath& sandbox_home,
                                                 const FileSystemView& fs);

}  // namespace winsandbox
