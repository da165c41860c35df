// Fuzz target: legacy Windows policy strings (parse_policy_string) and the legacy bridge.
//
// Input: a policy string — a preset name or a JSON policy.
// Properties:
// * rejection is Error(invalid_policy) only; danger-full-access and external-sandbox are never
//   accepted (they cannot be sandboxed);
// * an accepted policy serializes, and the JSON parses back to an equal policy, both through
//   policy_from_json and through parse_policy_string, and re-serializes byte for byte;
// * policy -> profile -> policy keeps the network flag and the exclude flags, keeps every
//   writable root other than the cwd (duplicates merged), and is a fixed point after one trip;
// * the profile made from it serializes and parses back equal.
#include <algorithm>
#include <variant>

#include "fuzz_support.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox::fuzz {
namespace {

const SnapshotFileSystem& snapshot() {
  static const SnapshotFileSystem fs = SnapshotFileSystem::from_json(R"({"nodes":[
    {"path":"C:\\repo\\.git","type":"dir"},
    {"path":"C:\\repo\\.agents","type":"dir"},
    {"path":"D:\\extra\\.git","type":"file","content":"gitdir: D:\\gits\\x"},
    {"path":"D:\\gits\\x","type":"dir"}]})");
  return fs;
}

}  // namespace

void check_policy_string(std::string_view input) {
  SandboxPolicy policy;
  try {
    policy = parse_policy_string(input);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_policy}, "parse_policy_string");
    return;
  }
  WS_FUZZ_CHECK(std::holds_alternative<ReadOnlyPolicy>(policy) ||
                    std::holds_alternative<WorkspaceWritePolicy>(policy),
                "accepted an unsandboxable policy: " + escape_bytes(input));

  const std::string json = policy_to_json(policy);
  WS_FUZZ_CHECK(policy_from_json(json) == policy, escape_bytes(json));
  WS_FUZZ_CHECK(parse_policy_string(json) == policy, escape_bytes(json));
  WS_FUZZ_CHECK(policy_to_json(policy_from_json(json)) == json, escape_bytes(json));

  const WinPath cwd = WinPath::parse("C:\\repo");
  const PermissionProfile profile = profile_from_legacy_policy(policy, cwd, snapshot());
  WS_FUZZ_CHECK(profile_from_json(profile_to_json(profile)) == profile, escape_bytes(json));

  const SandboxPolicy projected = legacy_policy_from_profile(profile, cwd);
  WS_FUZZ_CHECK(projected.index() == policy.index(), escape_bytes(json));
  if (const auto* original = std::get_if<WorkspaceWritePolicy>(&policy)) {
    const auto& back = std::get<WorkspaceWritePolicy>(projected);
    WS_FUZZ_CHECK(back.network_access == original->network_access, escape_bytes(json));
    WS_FUZZ_CHECK(back.exclude_tmpdir_env_var == original->exclude_tmpdir_env_var,
                  escape_bytes(json));
    WS_FUZZ_CHECK(back.exclude_slash_tmp == original->exclude_slash_tmp, escape_bytes(json));
    for (const auto& root : original->writable_roots) {
      const bool kept = std::count(back.writable_roots.begin(), back.writable_roots.end(), root) ==
                        (root == cwd ? 0 : 1);
      WS_FUZZ_CHECK(kept, root.str() + " in " + escape_bytes(json));
    }
    WS_FUZZ_CHECK(std::all_of(back.writable_roots.begin(), back.writable_roots.end(),
                              [&](const WinPath& root) {
                                return std::count(original->writable_roots.begin(),
                                                  original->writable_roots.end(), root) > 0;
                              }),
                  escape_bytes(json));
  } else {
    WS_FUZZ_CHECK(projected == policy, escape_bytes(json));
  }
  const SandboxPolicy twice =
      legacy_policy_from_profile(profile_from_legacy_policy(projected, cwd, snapshot()), cwd);
  WS_FUZZ_CHECK(twice == projected, escape_bytes(json));
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_policy_string)
