// Fuzz target: permission profile JSON (profile_from_json), then resolution and the ACL plan.
//
// Input: profile JSON text (any shape the codec accepts: tagged, legacy untagged, aliases).
// Properties:
// * rejection is Error(invalid_profile) only;
// * an accepted profile serializes, and its serialization parses back to an equal profile and
//   re-serializes byte for byte (the codec's output is canonical);
// * the runtime-permissions view round-trips (from_runtime_permissions of enforcement(),
//   file_system_policy(), network() gives the profile back);
// * the legacy projection either succeeds or throws unsupported_legacy_projection /
//   invalid_profile;
// * resolving it against a fixed snapshot either fails with a code resolve() documents or
//   gives a result that satisfies check_resolved (explain, ACL plan, no-op refresh).
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox::fuzz {
namespace {

// A small repository with the shapes resolution cares about: protected metadata, a gitdir
// pointer, a junction, a second drive, a remote drive and a temp dir.
constexpr std::string_view kSnapshot = R"({"nodes":[
  {"path":"C:\\repo\\sub","type":"dir"},
  {"path":"C:\\repo\\.git","type":"file","content":"gitdir: C:\\gits\\repo"},
  {"path":"C:\\gits\\repo\\hooks","type":"dir"},
  {"path":"C:\\repo\\.agents","type":"dir"},
  {"path":"C:\\repo\\.env","type":"file","content":"SECRET=1"},
  {"path":"C:\\repo\\app\\.env","type":"file"},
  {"path":"C:\\repo\\app\\src\\main.cpp","type":"file"},
  {"path":"C:\\repo\\link","type":"symlink","target":"D:\\scratch"},
  {"path":"D:\\scratch\\.git","type":"dir"},
  {"path":"C:\\Users\\dev\\AppData\\Local\\Temp","type":"dir"},
  {"path":"C:\\alias","type":"junction","target":"C:\\repo"}],
 "remote_drives":["L:"]})";

const SnapshotFileSystem& snapshot() {
  static const SnapshotFileSystem fs = SnapshotFileSystem::from_json(kSnapshot);
  return fs;
}

}  // namespace

void check_profile_json(std::string_view input) {
  std::optional<PermissionProfile> profile;
  try {
    profile = profile_from_json(input);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_profile}, "profile_from_json");
    return;
  }

  const std::string json = profile_to_json(*profile);
  const PermissionProfile again = profile_from_json(json);
  WS_FUZZ_CHECK(again == *profile, "parse(to_json(p)) != p for " + escape_bytes(json));
  WS_FUZZ_CHECK(profile_to_json(again) == json, escape_bytes(json));

  const PermissionProfile rebuilt = PermissionProfile::from_runtime_permissions(
      profile->enforcement(), profile->file_system_policy(), profile->network());
  WS_FUZZ_CHECK(rebuilt == *profile, "runtime permissions lose " + escape_bytes(json));

  const WinPath repo = WinPath::parse("C:\\repo");
  try {
    (void)policy_to_json(legacy_policy_from_profile(*profile, repo));
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::unsupported_legacy_projection, ErrorCode::invalid_profile},
                       "legacy_policy_from_profile");
  }

  Environment env;
  env.set("TEMP", "C:\\Users\\dev\\AppData\\Local\\Temp");
  env.set("HTTP_PROXY", "http://127.0.0.1:3128");
  const ProfileBinding binding{{repo, WinPath::parse("D:\\scratch")}};
  // One resolution per input (the expensive part); the input's length picks the proxy option.
  const ResolveOptions options{.proxy_enforced = input.size() % 2 == 1};
  std::optional<ResolvedPermissions> resolved;
  try {
    resolved =
        resolve(*profile, binding, WinPath::parse("C:\\repo\\sub"), env, snapshot(), options);
  } catch (const Error& e) {
    require_documented(
        e,
        {ErrorCode::profile_not_managed, ErrorCode::filesystem_unrestricted,
         ErrorCode::full_disk_write, ErrorCode::unc_path_unsupported, ErrorCode::invalid_profile,
         ErrorCode::invalid_glob, ErrorCode::writable_root_redirected,
         // Not in resolve.hpp's list, thrown for a device-path root (reported).
         ErrorCode::invalid_path},
        "resolve");
    return;
  }
  WS_FUZZ_CHECK(!options.proxy_enforced || resolved->network.identity == NetworkIdentity::offline,
                "an enforced proxy must run as the offline identity");
  check_resolved(*resolved, snapshot());
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_profile_json)
