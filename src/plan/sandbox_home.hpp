// The sandbox home holds the sandbox's own state (capability SIDs, applied ACLs, setup marker,
// secrets): a sandboxed command must never be able to write it.
#pragma once

#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// Throws Error(invalid_profile) when a writable root overlaps `sandbox_home` (equal, inside it
// or containing it): the root's capability SID would let the command rewrite the state that
// decides its own permissions.
void require_sandbox_home_outside_writable_roots(const ResolvedPermissions& resolved,
                                                 const WinPath& sandbox_home);

}  // namespace winsandbox
