// JSON codec of PermissionProfile: golden strings matching the reference crate
// (docs/profiles.md#wire-format), input aliases, and every rejection.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox {
namespace {

using Mode = FileSystemAccessMode;

// docs/profiles.md#workspace-write, PermissionProfile::workspace_write() serialized.
constexpr std::string_view kWorkspaceWriteJson =
    R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
    R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"},)"
    R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"},)"
    R"({"path":{"type":"special","value":{"kind":"slash_tmp"}},"access":"write"},)"
    R"({"path":{"type":"special","value":{"kind":"tmpdir"}},"access":"write"},)"
    R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".git"}},"access":"read"},)"
    R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".agents"}},"access":"read"},)"
    R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".codex"}},"access":"read"}]},)"
    R"("network":"restricted"})";

constexpr std::string_view kReadOnlyJson =
    R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"}]},"network":"restricted"})";

RestrictedFileSystem restricted_of(const PermissionProfile& profile) {
  const auto* fs = profile.restricted_file_system();
  EXPECT_NE(fs, nullptr);
  return fs ? *fs : RestrictedFileSystem{};
}

TEST(ProfileJson, WorkspaceWriteSerializesExactlyAsReference) {
  EXPECT_EQ(profile_to_json(PermissionProfile::workspace_write()), kWorkspaceWriteJson);
}

TEST(ProfileJson, ReadOnlySerializesExactlyAsReference) {
  EXPECT_EQ(profile_to_json(PermissionProfile::read_only()), kReadOnlyJson);
}

TEST(ProfileJson, GoldenStringsRoundTripByteForByte) {
  const std::string_view goldens[] = {
      kWorkspaceWriteJson,
      kReadOnlyJson,
      R"({"type":"disabled"})",
      R"({"type":"external","network":"enabled"})",
      R"({"type":"external","network":"restricted"})",
      R"({"type":"managed","file_system":{"type":"unrestricted"},"network":"enabled"})",
      R"({"type":"managed","file_system":{"type":"restricted","entries":[]},"network":"restricted"})",
      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"glob_pattern","pattern":"**/*.env"},"access":"deny"}],"glob_scan_max_depth":2},"network":"restricted"})",
      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"path","path":"C:\\repo\\docs"},"access":"read"}]},"network":"enabled"})",
      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"unknown","path":":future","subpath":"x"}},"access":"write"},{"path":{"type":"special","value":{"kind":"minimal"}},"access":"read"}]},"network":"restricted"})",
  };
  for (const auto golden : goldens) {
    EXPECT_EQ(profile_to_json(profile_from_json(golden)), golden);
  }
}

TEST(ProfileJson, DecodesTypedValues) {
  const auto profile = profile_from_json(
      R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
      R"({"path":{"type":"path","path":"c:/repo/docs"},"access":"read"},)"
      R"({"path":{"type":"special","value":{"kind":"project_roots","subpath":".git"}},"access":"deny"}]},)"
      R"("network":"enabled"})");
  const auto fs = restricted_of(profile);
  ASSERT_EQ(fs.entries.size(), 2u);
  EXPECT_EQ(std::get<WinPath>(fs.entries[0].path).str(), "C:\\repo\\docs");
  EXPECT_EQ(fs.entries[0].access, Mode::read);
  EXPECT_EQ(std::get<FileSystemSpecialPath>(fs.entries[1].path),
            FileSystemSpecialPath::project_roots(".git"));
  EXPECT_EQ(fs.entries[1].access, Mode::deny);
  EXPECT_EQ(profile.network(), NetworkAccess::enabled);
}

TEST(ProfileJson, NoneIsAcceptedAsDenyAndWrittenAsDeny) {
  const auto profile = profile_from_json(
      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"glob_pattern","pattern":"*.pem"},"access":"none"}]},"network":"restricted"})");
  EXPECT_EQ(restricted_of(profile).entries.at(0).access, Mode::deny);
  EXPECT_EQ(
      profile_to_json(profile),
      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"glob_pattern","pattern":"*.pem"},"access":"deny"}]},"network":"restricted"})");
}

// reference test legacy_current_working_directory_special_path_deserializes_as_project_roots
TEST(ProfileJson, CurrentWorkingDirectoryDeserializesAsProjectRoots) {
  const auto profile = profile_from_json(
      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"current_working_directory"}},"access":"write"}]},"network":"restricted"})");
  EXPECT_EQ(std::get<FileSystemSpecialPath>(restricted_of(profile).entries.at(0).path),
            FileSystemSpecialPath::project_roots());
  EXPECT_EQ(
      profile_to_json(profile),
      R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"}]},"network":"restricted"})");
}

// reference test permission_profile_deserializes_legacy_rollout_shape
TEST(ProfileJson, LegacyRolloutShapeWithCanonicalFileSystem) {
  const auto profile = profile_from_json(
      R"({"network":{"enabled":true},"file_system":{"entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"write"}],"glob_scan_max_depth":2}})");
  const PermissionProfile expected =
      ManagedProfile{RestrictedFileSystem{{{FileSystemSpecialPath::root(), Mode::write}}, 2u},
                     NetworkAccess::enabled};
  EXPECT_EQ(profile, expected);
}

TEST(ProfileJson, LegacyRolloutShapeEmptyObjectIsRestrictedWithNoEntries) {
  EXPECT_EQ(profile_from_json("{}"), PermissionProfile{});
  EXPECT_EQ(
      profile_to_json(profile_from_json("{}")),
      R"({"type":"managed","file_system":{"type":"restricted","entries":[]},"network":"restricted"})");
}

TEST(ProfileJson, LegacyRolloutShapeWithReadWriteLists) {
  const auto profile = profile_from_json(
      R"({"network":{"enabled":false},"file_system":{"write":["C:\\repo"],"read":["C:\\docs","D:\\ref"]}})");
  // Read paths come first, then write paths (docs/profiles.md#input-aliases).
  const RestrictedFileSystem expected{{{WinPath::parse("C:\\docs"), Mode::read},
                                       {WinPath::parse("D:\\ref"), Mode::read},
                                       {WinPath::parse("C:\\repo"), Mode::write}},
                                      {}};
  EXPECT_EQ(restricted_of(profile), expected);
  EXPECT_EQ(profile.network(), NetworkAccess::restricted);
}

TEST(ProfileJson, LegacyRolloutShapeNetworkWithoutEnabledIsRestricted) {
  EXPECT_EQ(profile_from_json(R"({"network":{}})").network(), NetworkAccess::restricted);
}

// reference test permission_profile_round_trip_preserves_glob_scan_max_depth
TEST(ProfileJson, GlobScanDepthRoundTrips) {
  const PermissionProfile profile = ManagedProfile{
      RestrictedFileSystem{{{GlobPattern{"**/*.env"}, Mode::deny}}, 2u}, NetworkAccess::restricted};
  EXPECT_EQ(profile_from_json(profile_to_json(profile)), profile);
}

TEST(ProfileJson, DisabledAndExternalRoundTrip) {
  const PermissionProfile disabled = DisabledProfile{};
  const PermissionProfile external = ExternalProfile{NetworkAccess::enabled};
  EXPECT_EQ(profile_from_json(profile_to_json(disabled)), disabled);
  EXPECT_EQ(profile_from_json(profile_to_json(external)), external);
}

struct BadProfileCase {
  const char* name;
  const char* json;
  const char* message_part;
};

class ProfileJsonRejects : public ::testing::TestWithParam<BadProfileCase> {};

TEST_P(ProfileJsonRejects, WithInvalidProfileNamingTheJsonPath) {
  EXPECT_WS_ERROR(profile_from_json(GetParam().json), ErrorCode::invalid_profile,
                  GetParam().message_part);
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, ProfileJsonRejects,
    ::testing::Values(
        BadProfileCase{"syntax", R"({"type":)", "invalid JSON"},
        BadProfileCase{"array", R"([])", "$: expected an object, got array"},
        BadProfileCase{"string", R"("managed")", "$: expected an object, got string"},
        BadProfileCase{"number", R"(5)", "$: expected an object, got number"},
        BadProfileCase{"null", R"(null)", "$: expected an object, got null"},
        BadProfileCase{"unknown_profile_type", R"({"type":"sandboxed"})",
                       "$.type: unknown profile type `sandboxed`"},
        BadProfileCase{"type_not_string", R"({"type":1})", "$.type: expected a string"},
        BadProfileCase{"managed_missing_file_system", R"({"type":"managed","network":"enabled"})",
                       "$: missing required field `file_system`"},
        BadProfileCase{"managed_missing_network",
                       R"({"type":"managed","file_system":{"type":"unrestricted"}})",
                       "$: missing required field `network`"},
        BadProfileCase{"external_missing_network", R"({"type":"external"})",
                       "$: missing required field `network`"},
        BadProfileCase{"unknown_network", R"({"type":"external","network":"open"})",
                       "$.network: unknown network policy `open`"},
        BadProfileCase{"unknown_fs_type",
                       R"({"type":"managed","file_system":{"type":"partial"},"network":"enabled"})",
                       "$.file_system.type: unknown file_system type `partial`"},
        BadProfileCase{
            "restricted_missing_entries",
            R"({"type":"managed","file_system":{"type":"restricted"},"network":"enabled"})",
            "$.file_system: missing required field `entries`"},
        BadProfileCase{
            "zero_glob_depth",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[],"glob_scan_max_depth":0},"network":"enabled"})",
            "$.file_system.glob_scan_max_depth: glob_scan_max_depth must be at least 1"},
        BadProfileCase{
            "negative_glob_depth",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[],"glob_scan_max_depth":-1},"network":"enabled"})",
            "$.file_system.glob_scan_max_depth: expected a non-negative integer"},
        BadProfileCase{
            "unknown_path_type",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"url","path":"x"},"access":"read"}]},"network":"enabled"})",
            "$.file_system.entries[0].path.type: unknown path type `url`"},
        BadProfileCase{
            "unknown_special_kind",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"home"}},"access":"read"}]},"network":"enabled"})",
            "$.file_system.entries[0].path.value.kind: unknown special path kind `home`"},
        BadProfileCase{
            "unknown_access",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"execute"}]},"network":"enabled"})",
            "$.file_system.entries[0].access: unknown access mode `execute`"},
        BadProfileCase{
            "missing_access",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}}}]},"network":"enabled"})",
            "$.file_system.entries[0]: missing required field `access`"},
        BadProfileCase{
            "missing_path",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"access":"read"}]},"network":"enabled"})",
            "$.file_system.entries[0]: missing required field `path`"},
        BadProfileCase{
            "relative_path",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"},{"path":{"type":"path","path":"docs"},"access":"read"}]},"network":"enabled"})",
            "$.file_system.entries[1].path.path: expected an absolute path, got \"docs\""},
        BadProfileCase{
            "drive_relative_path",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"path","path":"C:docs"},"access":"read"}]},"network":"enabled"})",
            "$.file_system.entries[0].path.path: expected an absolute path"},
        BadProfileCase{
            "unknown_missing_path",
            R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"unknown"}},"access":"read"}]},"network":"enabled"})",
            "$.file_system.entries[0].path.value: missing required field `path`"},
        BadProfileCase{"legacy_unknown_field", R"({"file_system":{},"sandbox":true})",
                       "$: unknown field `sandbox`"},
        BadProfileCase{"legacy_relative_read", R"({"file_system":{"read":["relative\\dir"]}})",
                       "$.file_system.read[0]: expected an absolute path"},
        BadProfileCase{"legacy_mixed_forms", R"({"file_system":{"entries":[],"read":[]}})",
                       "$.file_system: unknown field `read`"},
        BadProfileCase{"legacy_network_not_object", R"({"network":true})",
                       "$.network: expected an object"},
        BadProfileCase{"legacy_zero_depth",
                       R"({"file_system":{"entries":[],"glob_scan_max_depth":0}})",
                       "glob_scan_max_depth must be at least 1"}),
    [](const ::testing::TestParamInfo<BadProfileCase>& info) { return info.param.name; });

TEST(FileSystemAccessMode, OrdersByConflictPrecedence) {
  EXPECT_LT(Mode::read, Mode::write);
  EXPECT_LT(Mode::write, Mode::deny);
  EXPECT_TRUE(can_read(Mode::write));
  EXPECT_FALSE(can_read(Mode::deny));
  EXPECT_FALSE(can_write(Mode::read));
  EXPECT_TRUE(can_write(Mode::write));
}

}  // namespace
}  // namespace winsandbox
