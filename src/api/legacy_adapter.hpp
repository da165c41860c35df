// The legacy policy-string adapters' one conversion (Windows hosts only: it reads the disk).
#pragma once

#include <string>
#include <string_view>

#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// `policy` (parse_policy_string) -> profile_from_legacy_policy against `policy_cwd`, which is
// also the one workspace root. Off Windows: Error(unsupported_platform) naming `entry_point`.
// A refusal is logged as `kind` (log::refusal) before it is rethrown.
void convert_legacy_policy(std::string_view kind, std::string_view entry_point,
                           const std::string& policy, const std::string& policy_cwd,
                           PermissionProfile& profile, ProfileBinding& binding);

// Throws Error(unsupported_platform) naming `what`.
[[noreturn]] void throw_unsupported_platform(std::string_view what);

}  // namespace winsandbox
