// Legacy SandboxPolicy and policy strings, kept as thin adapters over PermissionProfile
// (docs/profiles.md#legacy-policies).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox {

// The legacy policy. JSON tagged by "type" (kebab-case).
//
// | variant            | JSON example                                                     |
// |--------------------|------------------------------------------------------------------|
// | danger-full-access | {"type":"danger-full-access"}                                    |
// | read-only          | {"type":"read-only"} / {"type":"read-only","network_access":true}|
// | external-sandbox   | {"type":"external-sandbox","network_access":"restricted"}        |
// | workspace-write    | {"type":"workspace-write","writable_roots":["C:\\x"],            |
// |                    |  "network_access":false,"exclude_tmpdir_env_var":false,          |
// |                    |  "exclude_slash_tmp":false}  (writable_roots omitted when empty) |
struct DangerFullAccessPolicy {
  friend bool operator==(const DangerFullAccessPolicy&, const DangerFullAccessPolicy&) = default;
};
struct ReadOnlyPolicy {
  bool network_access = false;
  friend bool operator==(const ReadOnlyPolicy&, const ReadOnlyPolicy&) = default;
};
struct ExternalSandboxPolicy {
  NetworkAccess network_access = NetworkAccess::restricted;
  friend bool operator==(const ExternalSandboxPolicy&, const ExternalSandboxPolicy&) = default;
};
struct WorkspaceWritePolicy {
  std::vector<WinPath> writable_roots;
  bool network_access = false;
  bool exclude_tmpdir_env_var = false;
  bool exclude_slash_tmp = false;
  friend bool operator==(const WorkspaceWritePolicy&, const WorkspaceWritePolicy&) = default;
};
using SandboxPolicy = std::variant<DangerFullAccessPolicy, ReadOnlyPolicy, ExternalSandboxPolicy,
                                   WorkspaceWritePolicy>;

// JSON codec. Unknown fields are ignored on input (as the reference does); errors throw
// Error(invalid_policy) naming the JSON path.
std::string policy_to_json(const SandboxPolicy& policy);
SandboxPolicy policy_from_json(std::string_view json);

// A Windows policy string: the exact presets `read-only` and `workspace-write`, otherwise a
// JSON policy. danger-full-access and external-sandbox (preset or JSON) are rejected with
// Error(invalid_policy): they cannot be sandboxed.
SandboxPolicy parse_policy_string(std::string_view text);

// Legacy policy → profile (docs/profiles.md#legacy-bridges). For workspace-write the profile also
// carries concrete read carve-outs for `cwd` (its `.codex` always; `.git` and `.agents` when `fs`
// shows them) and for each configured writable root.
PermissionProfile profile_from_legacy_policy(const SandboxPolicy& policy, const WinPath& cwd,
                                             const FileSystemView& fs);

// Profile → legacy policy (docs/profiles.md#legacy-bridges). Lossy: deny entries and read
// carve-outs are dropped. A profile that writes outside the workspace root without making the
// workspace root writable cannot be expressed and throws Error(unsupported_legacy_projection).
SandboxPolicy legacy_policy_from_profile(const PermissionProfile& profile, const WinPath& cwd);

}  // namespace winsandbox
