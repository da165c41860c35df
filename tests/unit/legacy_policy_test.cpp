// Legacy SandboxPolicy: JSON, policy strings, and the bridges to and from PermissionProfile
// (docs/profiles.md#legacy-bridges).
#include "winsandbox/legacy_policy.hpp"

#include <gtest/gtest.h>

#include "fake_file_system.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using Mode = FileSystemAccessMode;
using testing::FakeFileSystem;

WinPath p(std::string_view text) {
  return WinPath::parse(text);
}
FileSystemSandboxEntry entry(FileSystemPath path, Mode access) {
  return {std::move(path), access};
}
PermissionProfile managed(std::vector<FileSystemSandboxEntry> entries,
                          NetworkAccess network = NetworkAccess::restricted) {
  return ManagedProfile{RestrictedFileSystem{std::move(entries), {}}, network};
}

TEST(PolicyJson, GoldenStringsRoundTripByteForByte) {
  const std::string_view goldens[] = {
      R"({"type":"danger-full-access"})",
      R"({"type":"read-only"})",
      R"({"type":"read-only","network_access":true})",
      R"({"type":"external-sandbox","network_access":"restricted"})",
      R"({"type":"external-sandbox","network_access":"enabled"})",
      R"({"type":"workspace-write","writable_roots":["C:\\extra"],"network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false})",
      R"({"type":"workspace-write","network_access":true,"exclude_tmpdir_env_var":true,"exclude_slash_tmp":false})",
  };
  for (const auto golden : goldens) EXPECT_EQ(policy_to_json(policy_from_json(golden)), golden);
}

TEST(PolicyJson, DefaultsAndIgnoredFields) {
  EXPECT_EQ(policy_from_json(R"({"type":"workspace-write"})"),
            SandboxPolicy{WorkspaceWritePolicy{}});
  EXPECT_EQ(policy_from_json(R"({"type":"external-sandbox"})"),
            SandboxPolicy{ExternalSandboxPolicy{NetworkAccess::restricted}});
  EXPECT_EQ(policy_from_json(R"({"type":"read-only","future_field":1})"),
            SandboxPolicy{ReadOnlyPolicy{}});
  EXPECT_EQ(
      policy_to_json(WorkspaceWritePolicy{}),
      R"({"type":"workspace-write","network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false})");
}

TEST(PolicyJson, Rejections) {
  EXPECT_WS_ERROR(policy_from_json(R"({"type":"sandbox"})"), ErrorCode::invalid_policy,
                  "$.type: unknown policy type `sandbox`");
  EXPECT_WS_ERROR(policy_from_json(R"({"network_access":true})"), ErrorCode::invalid_policy,
                  "$: missing required field `type`");
  EXPECT_WS_ERROR(policy_from_json(R"({"type":"workspace-write","writable_roots":["rel"]})"),
                  ErrorCode::invalid_policy, "$.writable_roots[0]: expected an absolute path");
  EXPECT_WS_ERROR(policy_from_json(R"({"type":"read-only","network_access":"yes"})"),
                  ErrorCode::invalid_policy, "$.network_access: expected a boolean");
  EXPECT_WS_ERROR(policy_from_json("[]"), ErrorCode::invalid_policy, "$: expected an object");
}

// reference tests parses_read_only_policy, rejects_external_sandbox_preset/_json
TEST(PolicyString, Presets) {
  EXPECT_EQ(parse_policy_string("read-only"), SandboxPolicy{ReadOnlyPolicy{}});
  EXPECT_EQ(parse_policy_string("workspace-write"), SandboxPolicy{WorkspaceWritePolicy{}});
  EXPECT_EQ(parse_policy_string(R"({"type":"read-only"})"), SandboxPolicy{ReadOnlyPolicy{}});
}

TEST(PolicyString, RejectsUnsandboxableModes) {
  constexpr const char* kMessage = "DangerFullAccess and ExternalSandbox are not supported";
  EXPECT_WS_ERROR(parse_policy_string("external-sandbox"), ErrorCode::invalid_policy, kMessage);
  EXPECT_WS_ERROR(parse_policy_string("danger-full-access"), ErrorCode::invalid_policy, kMessage);
  EXPECT_WS_ERROR(parse_policy_string(R"({"type":"external-sandbox","network_access":"enabled"})"),
                  ErrorCode::invalid_policy, kMessage);
  EXPECT_WS_ERROR(parse_policy_string(R"({"type":"danger-full-access"})"),
                  ErrorCode::invalid_policy, kMessage);
}

TEST(PolicyString, PresetsAreExactAndCaseSensitive) {
  EXPECT_WS_ERROR(parse_policy_string(" read-only"), ErrorCode::invalid_policy, "invalid JSON");
  EXPECT_WS_ERROR(parse_policy_string("Read-Only"), ErrorCode::invalid_policy,
                  "neither a preset (read-only, workspace-write) nor a valid JSON policy");
  EXPECT_WS_ERROR(parse_policy_string(""), ErrorCode::invalid_policy, "invalid JSON");
}

// reference test permission_profile_presets_match_legacy_defaults
TEST(LegacyBridge, PresetsMatchLegacyDefaults) {
  const FakeFileSystem fs;
  EXPECT_EQ(profile_from_legacy_policy(ReadOnlyPolicy{}, p("C:\\repo"), fs),
            PermissionProfile::read_only());
  EXPECT_EQ(profile_from_legacy_policy(ReadOnlyPolicy{true}, p("C:\\repo"), fs).network(),
            NetworkAccess::enabled);
}

TEST(LegacyBridge, DisabledAndExternalRoundTrip) {
  const FakeFileSystem fs;
  const WinPath cwd = p("C:\\repo");
  EXPECT_EQ(profile_from_legacy_policy(DangerFullAccessPolicy{}, cwd, fs),
            PermissionProfile(DisabledProfile{}));
  EXPECT_EQ(legacy_policy_from_profile(DisabledProfile{}, cwd),
            SandboxPolicy{DangerFullAccessPolicy{}});
  const SandboxPolicy external = ExternalSandboxPolicy{NetworkAccess::enabled};
  EXPECT_EQ(profile_from_legacy_policy(external, cwd, fs),
            PermissionProfile(ExternalProfile{NetworkAccess::enabled}));
  EXPECT_EQ(legacy_policy_from_profile(profile_from_legacy_policy(external, cwd, fs), cwd),
            external);
}

// reference test legacy_workspace_write_projection_preserves_symbolic_project_root, in its
// `_for_cwd` form (legacy_workspace_write_projection_accepts_relative_cwd): the symbolic
// entries, then the cwd's always-protected `.codex` carve-out.
TEST(LegacyBridge, WorkspaceWriteKeepsSymbolicProjectRootAndProtectsCwdCodex) {
  const FakeFileSystem fs;
  const WorkspaceWritePolicy policy{{}, false, true, true};
  const auto profile = profile_from_legacy_policy(policy, p("C:\\repo"), fs);
  EXPECT_EQ(
      profile_to_json(profile),
      R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
      R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"},)"
      R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"},)"
      R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".git"}},"access":"read"},)"
      R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".agents"}},"access":"read"},)"
      R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".codex"}},"access":"read"},)"
      R"({"path":{"type":"path","path":"C:\\repo\\.codex"},"access":"read"}]},"network":"restricted"})");
}

TEST(LegacyBridge, WorkspaceWriteCarvesOutExistingCwdAndRootMetadata) {
  FakeFileSystem fs;
  fs.dir("C:\\repo\\.git")
      .dir("C:\\repo\\.agents")
      .file("D:\\extra\\.git", "gitdir: D:\\gits\\x")
      .dir("D:\\gits\\x");
  const WorkspaceWritePolicy policy{{p("D:\\extra")}, true, false, false};
  const auto profile = profile_from_legacy_policy(policy, p("C:\\repo"), fs);
  const std::vector<FileSystemSandboxEntry> expected{
      entry(FileSystemSpecialPath::root(), Mode::read),
      entry(FileSystemSpecialPath::project_roots(), Mode::write),
      entry(FileSystemSpecialPath::slash_tmp(), Mode::write),
      entry(FileSystemSpecialPath::tmpdir(), Mode::write),
      entry(p("D:\\extra"), Mode::write),
      entry(FileSystemSpecialPath::project_roots(".git"), Mode::read),
      entry(FileSystemSpecialPath::project_roots(".agents"), Mode::read),
      entry(FileSystemSpecialPath::project_roots(".codex"), Mode::read),
      entry(p("D:\\gits\\x"), Mode::read),
      entry(p("D:\\extra\\.git"), Mode::read),
      entry(p("C:\\repo\\.git"), Mode::read),
      entry(p("C:\\repo\\.agents"), Mode::read),
      entry(p("C:\\repo\\.codex"), Mode::read),
  };
  ASSERT_NE(profile.restricted_file_system(), nullptr);
  EXPECT_EQ(profile.restricted_file_system()->entries, expected);
  EXPECT_EQ(profile.network(), NetworkAccess::enabled);
}

TEST(LegacyBridge, WorkspaceWriteProjectsBackToTheSamePolicy) {
  const FakeFileSystem fs;
  const WinPath cwd = p("C:\\repo");
  for (const WorkspaceWritePolicy& policy :
       {WorkspaceWritePolicy{}, WorkspaceWritePolicy{{p("D:\\extra")}, true, true, false},
        WorkspaceWritePolicy{{}, false, false, true}}) {
    EXPECT_EQ(legacy_policy_from_profile(profile_from_legacy_policy(policy, cwd, fs), cwd),
              SandboxPolicy{policy});
  }
}

TEST(LegacyBridge, ProfileToLegacyPresets) {
  const WinPath cwd = p("C:\\repo");
  EXPECT_EQ(legacy_policy_from_profile(PermissionProfile::read_only(), cwd),
            SandboxPolicy{ReadOnlyPolicy{}});
  EXPECT_EQ(legacy_policy_from_profile(PermissionProfile::workspace_write(), cwd),
            SandboxPolicy{WorkspaceWritePolicy{}});
  EXPECT_EQ(legacy_policy_from_profile(
                ManagedProfile{UnrestrictedFileSystem{}, NetworkAccess::enabled}, cwd),
            SandboxPolicy{DangerFullAccessPolicy{}});
  EXPECT_EQ(legacy_policy_from_profile(
                ManagedProfile{UnrestrictedFileSystem{}, NetworkAccess::restricted}, cwd),
            SandboxPolicy{ExternalSandboxPolicy{NetworkAccess::restricted}});
}

// reference test unknown_special_paths_are_ignored_by_legacy_bridge
TEST(LegacyBridge, UnknownSpecialPathsAreIgnored) {
  const auto profile =
      managed({entry(FileSystemSpecialPath::root(), Mode::read),
               entry(FileSystemSpecialPath::unknown(":future_special_path"), Mode::write)});
  EXPECT_EQ(legacy_policy_from_profile(profile, p("C:\\repo")), SandboxPolicy{ReadOnlyPolicy{}});
}

TEST(LegacyBridge, ExactCwdWriteIsTheWorkspaceRootAndOtherWritesAreRoots) {
  const auto profile =
      managed({entry(FileSystemSpecialPath::root(), Mode::read), entry(p("c:\\REPO"), Mode::write),
               entry(p("D:\\extra"), Mode::write),
               entry(FileSystemSpecialPath::project_roots("build"), Mode::write),
               entry(p("D:\\extra"), Mode::write), entry(p("C:\\repo\\secret"), Mode::deny)},
              NetworkAccess::enabled);
  const SandboxPolicy expected =
      WorkspaceWritePolicy{{p("D:\\extra"), p("C:\\repo\\build")}, true, true, true};
  EXPECT_EQ(legacy_policy_from_profile(profile, p("C:\\repo")), expected);
}

TEST(LegacyBridge, FullDiskWriteProjectsToUnsandboxedModes) {
  const auto restricted = managed({entry(FileSystemSpecialPath::root(), Mode::write)});
  EXPECT_EQ(legacy_policy_from_profile(restricted, p("C:\\repo")),
            SandboxPolicy{ExternalSandboxPolicy{NetworkAccess::restricted}});
  const auto online =
      managed({entry(FileSystemSpecialPath::root(), Mode::write)}, NetworkAccess::enabled);
  EXPECT_EQ(legacy_policy_from_profile(online, p("C:\\repo")),
            SandboxPolicy{DangerFullAccessPolicy{}});
}

// reference test root_write_with_read_only_child_is_not_full_disk_write: the projection errors.
TEST(LegacyBridge, WritesOutsideTheWorkspaceCannotBeProjected) {
  const char* kMessage =
      "permissions profile requests filesystem writes outside the workspace root";
  const WinPath cwd = p("C:\\repo");
  EXPECT_WS_ERROR(
      legacy_policy_from_profile(managed({entry(FileSystemSpecialPath::root(), Mode::write),
                                          entry(p("C:\\repo\\docs"), Mode::read)}),
                                 cwd),
      ErrorCode::unsupported_legacy_projection, kMessage);
  EXPECT_WS_ERROR(
      legacy_policy_from_profile(managed({entry(FileSystemSpecialPath::root(), Mode::read),
                                          entry(p("D:\\scratch"), Mode::write)}),
                                 cwd),
      ErrorCode::unsupported_legacy_projection, kMessage);
  EXPECT_WS_ERROR(legacy_policy_from_profile(
                      managed({entry(FileSystemSpecialPath::tmpdir(), Mode::write)}), cwd),
                  ErrorCode::unsupported_legacy_projection, kMessage);
}

}  // namespace
}  // namespace winsandbox
