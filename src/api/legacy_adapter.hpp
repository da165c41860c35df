// The legacy policy-string adapters' one conversion (Windows hosts only: it reads the disk).
#pragma once

#include <string>

#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// `policy` (parse_policy_string) -> profile_from_legacy_policy against `policy_cwd`, which is
// also the one workspace root.
void convert_legacy_policy(const std::string& policy, const std::string& policy_cwd,
                           PermissionProfile& profile, ProfileBinding& binding);

// Throws Error(unsupported_platform) naming `what`.
[[noreturn]] void throw_unsupported_platform(std::string_view what);

}  // namespace winsandbox
