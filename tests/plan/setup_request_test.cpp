// The setup request (roots, filters, denies, network), its JSON codec, the setup marker and
// drift detection.
#include "winsandbox/setup_request.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/text.hpp"
#include "fake_file_system.hpp"
#include "plan/setup_request.hpp"
#include "plan_test_support.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::empty_resolved;
using testing::FakeFileSystem;

const WinPath kHome = WinPath::parse("C:\\Users\\alice\\.winsandbox");

std::vector<WinPath> paths(std::initializer_list<std::string_view> texts) {
  std::vector<WinPath> out;
  for (const auto text : texts) out.push_back(WinPath::parse(text));
  return out;
}

std::vector<std::string> strs(const std::vector<WinPath>& list) {
  std::vector<std::string> out;
  for (const auto& path : list) out.push_back(path.str());
  return out;
}

Environment env_of(std::vector<Environment::Entry> entries) {
  Environment env;
  for (const auto& entry : entries) env.set(entry.first, entry.second);
  return env;
}

// A machine whose platform directories are NOT on C: (so a hard-coded `C:\Windows` shows up).
FakeFileSystem machine() {
  FakeFileSystem fs;
  fs.dir("C:\\Windows").dir("C:\\Program Files").dir("C:\\ProgramData");
  fs.dir("D:\\Win").dir("D:\\Apps").dir("D:\\Apps86").dir("E:\\Data");
  fs.dir("C:\\repo\\.git").dir("D:\\scratch");
  return fs;
}

Environment platform_env() {
  return env_of({{"SystemRoot", "D:\\Win"},
                 {"ProgramFiles", "D:\\Apps"},
                 {"ProgramFiles(x86)", "D:\\Apps86"},
                 {"ProgramData", "E:\\Data"}});
}

// ---- read roots: platform defaults -----------------------------------------------------------

TEST(SetupRequest, PlatformDefaultsComeFromTheChildEnvironment) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.include_platform_defaults = true;
  const auto request = build_setup_request(resolved, kHome, platform_env(), machine());
  EXPECT_EQ(strs(request.read_roots),
            (std::vector<std::string>{"D:\\Win", "D:\\Apps", "D:\\Apps86", "E:\\Data"}));
}

TEST(SetupRequest, PlatformDefaultVariablesMatchCaseInsensitivelyAndMissingOnesAreSkipped) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.include_platform_defaults = true;
  // ProgramFiles(x86) unset (32-bit Windows), ProgramData relative, SystemRoot in odd case.
  const auto env =
      env_of({{"SYSTEMROOT", "D:\\Win"}, {"programfiles", "D:\\Apps"}, {"ProgramData", "Data"}});
  const auto request = build_setup_request(resolved, kHome, env, machine());
  EXPECT_EQ(strs(request.read_roots), (std::vector<std::string>{"D:\\Win", "D:\\Apps"}));
}

TEST(SetupRequest, NoPlatformDefaultsWithoutTheVariables) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.include_platform_defaults = true;
  // C:\Windows exists, but nothing names it: never hard-coded.
  const auto request = build_setup_request(resolved, kHome, Environment{}, machine());
  EXPECT_TRUE(request.read_roots.empty()) << ::testing::PrintToString(strs(request.read_roots));
}

TEST(SetupRequest, PlatformDefaultsOnlyWhenIncludedOrFullDiskRead) {
  const auto resolved = empty_resolved("C:\\repo");
  const auto request = build_setup_request(resolved, kHome, platform_env(), machine());
  EXPECT_TRUE(request.read_roots.empty());
}

TEST(SetupRequest, MissingPlatformDirectoriesAreDropped) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.include_platform_defaults = true;
  auto env = platform_env();
  env.set("ProgramFiles(x86)", "D:\\NotThere");
  const auto request = build_setup_request(resolved, kHome, env, machine());
  EXPECT_EQ(strs(request.read_roots),
            (std::vector<std::string>{"D:\\Win", "D:\\Apps", "E:\\Data"}));
}

// ---- read / write roots from the permissions ---------------------------------------------------

TEST(SetupRequest, WriteRootsAreTheExistingWritableRootsAndLeaveTheReadList) {
  auto resolved = empty_resolved("C:\\repo\\sub");
  resolved.workspace_roots = paths({"C:\\repo"});
  resolved.token_mode = TokenMode::writable_roots_capability;
  resolved.writable_roots = {{WinPath::parse("C:\\repo"), paths({"C:\\repo\\.git"})},
                             {WinPath::parse("D:\\scratch"), {}},
                             {WinPath::parse("D:\\gone"), {}}};
  resolved.acl.allow_write = paths({"C:\\repo", "D:\\scratch"});
  resolved.readable_roots = paths({"E:\\Data", "C:\\repo"});
  const auto request = build_setup_request(resolved, kHome, Environment{}, machine());
  EXPECT_EQ(strs(request.write_roots), (std::vector<std::string>{"C:\\repo", "D:\\scratch"}));
  EXPECT_EQ(strs(request.read_roots), (std::vector<std::string>{"E:\\Data"}));
  EXPECT_EQ(strs(request.workspace_roots), (std::vector<std::string>{"C:\\repo"}));
}

TEST(SetupRequest, FullDiskReadAddsWorkspaceRootsAndCommandCwd) {
  auto resolved = empty_resolved("D:\\scratch");
  resolved.full_disk_read = true;
  resolved.workspace_roots = paths({"C:\\repo"});
  const auto request = build_setup_request(resolved, kHome, platform_env(), machine());
  EXPECT_EQ(strs(request.read_roots),
            (std::vector<std::string>{"D:\\Win", "D:\\Apps", "D:\\Apps86", "E:\\Data", "C:\\repo",
                                      "D:\\scratch"}));
}

TEST(SetupRequest, OverridesReplaceTheRootsAndPlatformDefaultsAreOptIn) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.full_disk_read = true;
  resolved.acl.allow_write = paths({"C:\\repo"});
  SetupRequestOptions options;
  options.read_roots = paths({"E:\\Data"});
  options.write_roots = paths({"D:\\scratch"});
  auto request = build_setup_request(resolved, kHome, platform_env(), machine(), options);
  EXPECT_EQ(strs(request.read_roots), (std::vector<std::string>{"E:\\Data"}));
  EXPECT_EQ(strs(request.write_roots), (std::vector<std::string>{"D:\\scratch"}));

  options.read_roots_include_platform_defaults = true;
  request = build_setup_request(resolved, kHome, platform_env(), machine(), options);
  EXPECT_EQ(strs(request.read_roots),
            (std::vector<std::string>{"D:\\Win", "D:\\Apps", "D:\\Apps86", "E:\\Data"}));
}

// ---- filter: the sandbox home and its state dirs ----------------------------------------------

TEST(SetupRequest, NeverGrantsTheSandboxHomeOrItsStateDirs) {
  FakeFileSystem fs = machine();
  const std::vector<std::string> forbidden = {
      "C:\\Users\\alice\\.winsandbox",
      "C:\\Users\\alice\\.winsandbox\\.sandbox",
      "C:\\Users\\alice\\.winsandbox\\.sandbox-bin",
      "C:\\Users\\alice\\.winsandbox\\.sandbox-secrets",
      "C:\\Users\\alice\\.winsandbox\\.SANDBOX-secrets\\inner",
      "c:\\users\\ALICE\\.WinSandbox",
  };
  for (const auto& path : forbidden) fs.dir(path);
  for (const auto& path : forbidden) {
    SCOPED_TRACE(path);
    auto resolved = empty_resolved("C:\\repo");
    SetupRequestOptions options;
    options.read_roots = paths({path, "E:\\Data"});
    options.write_roots = paths({path, "D:\\scratch"});
    const auto request = build_setup_request(resolved, kHome, Environment{}, fs, options);
    EXPECT_EQ(strs(request.read_roots), (std::vector<std::string>{"E:\\Data"}));
    EXPECT_EQ(strs(request.write_roots), (std::vector<std::string>{"D:\\scratch"}));
  }
}

TEST(SetupRequest, SandboxHomeFilterAppliesToResolvedWritableRoots) {
  FakeFileSystem fs = machine();
  fs.dir("C:\\Users\\alice\\.winsandbox\\.sandbox");
  auto resolved = empty_resolved("C:\\repo");
  resolved.acl.allow_write = paths({"C:\\repo", "C:\\Users\\alice\\.winsandbox\\.sandbox"});
  resolved.readable_roots = paths({"C:\\Users\\alice\\.winsandbox"});
  const auto request = build_setup_request(resolved, kHome, Environment{}, fs);
  EXPECT_EQ(strs(request.write_roots), (std::vector<std::string>{"C:\\repo"}));
  EXPECT_TRUE(request.read_roots.empty());
}

// ---- filter: user-profile secrets, %USERPROFILE% expansion ------------------------------------

TEST(SetupRequest, DropsEveryUserProfileSecretDirInAnyCase) {
  EXPECT_EQ(
      user_profile_secret_dirs(),
      (std::vector<std::string_view>{".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker",
                                     ".config", ".npm", ".pki", ".terraform.d", ".tsh", ".brev"}));
  const auto env = env_of({{"USERPROFILE", "C:\\Users\\alice"}});
  for (const auto name : user_profile_secret_dirs()) {
    std::string upper(name);
    for (auto& c : upper) c = ascii_upper(c);
    for (const std::string& spelling : {std::string(name), upper}) {
      SCOPED_TRACE(spelling);
      FakeFileSystem fs = machine();
      const std::string secret = "C:\\Users\\alice\\" + spelling;
      fs.dir(secret + "\\inner").dir("C:\\Users\\alice\\Documents");
      SetupRequestOptions options;
      options.read_roots = paths({secret, secret + "\\inner", "C:\\Users\\alice\\Documents"});
      options.write_roots = paths({secret + "\\inner", "D:\\scratch"});
      const auto request = build_setup_request(empty_resolved("C:\\repo"), kHome, env, fs, options);
      EXPECT_EQ(strs(request.read_roots),
                (std::vector<std::string>{"C:\\Users\\alice\\Documents"}));
      EXPECT_EQ(strs(request.write_roots), (std::vector<std::string>{"D:\\scratch"}));
    }
  }
}

TEST(SetupRequest, SecretNamesOutsideTheProfileTopLevelAreKept) {
  FakeFileSystem fs = machine();
  fs.dir("C:\\repo\\.config").dir("C:\\Users\\alice\\Documents\\.ssh");
  SetupRequestOptions options;
  options.read_roots = paths({"C:\\repo\\.config", "C:\\Users\\alice\\Documents\\.ssh"});
  const auto request =
      build_setup_request(empty_resolved("C:\\repo"), kHome,
                          env_of({{"USERPROFILE", "C:\\Users\\alice"}}), fs, options);
  EXPECT_EQ(strs(request.read_roots),
            (std::vector<std::string>{"C:\\repo\\.config", "C:\\Users\\alice\\Documents\\.ssh"}));
}

TEST(SetupRequest, UserProfileReadRootExpandsToItsOtherChildren) {
  FakeFileSystem fs = machine();
  fs.dir("C:\\Users\\alice\\Documents")
      .dir("C:\\Users\\alice\\AppData")
      .dir("C:\\Users\\alice\\.ssh")
      .dir("C:\\Users\\alice\\.AWS")
      .dir("C:\\Users\\alice\\.winsandbox\\.sandbox")
      .file("C:\\Users\\alice\\settings.json");
  auto resolved = empty_resolved("C:\\repo");
  resolved.full_disk_read = true;
  const auto env = env_of({{"UserProfile", "C:\\Users\\alice"}});
  const auto request = build_setup_request(resolved, kHome, env, fs);
  EXPECT_EQ(strs(request.read_roots),
            (std::vector<std::string>{"C:\\Users\\alice\\AppData", "C:\\Users\\alice\\Documents",
                                      "C:\\Users\\alice\\settings.json", "C:\\repo"}));
}

TEST(SetupRequest, UserProfileWriteRootExpandsToo) {
  FakeFileSystem fs = machine();
  fs.dir("C:\\Users\\alice\\Documents").dir("C:\\Users\\alice\\.kube");
  SetupRequestOptions options;
  options.write_roots = paths({"C:\\Users\\alice"});
  const auto request =
      build_setup_request(empty_resolved("C:\\repo"), kHome,
                          env_of({{"USERPROFILE", "C:\\Users\\alice"}}), fs, options);
  EXPECT_EQ(strs(request.write_roots), (std::vector<std::string>{"C:\\Users\\alice\\Documents"}));
}

// ---- denies, network, user, mode ----------------------------------------------------------------

TEST(SetupRequest, DenyListsMergeResolvedAndExtraPathsUnfiltered) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.deny_read = paths({"C:\\repo\\.env", "C:\\Users\\alice\\.winsandbox\\x"});
  resolved.acl.deny_write = paths({"C:\\repo\\.git"});
  resolved.acl.protect_missing = paths({"C:\\repo\\.codex"});
  SetupRequestOptions options;
  options.extra_deny_read = paths({"C:\\repo\\.env", "D:\\secret"});
  options.extra_deny_write = paths({"D:\\scratch\\keep"});
  const auto request = build_setup_request(resolved, kHome, Environment{}, machine(), options);
  EXPECT_EQ(strs(request.deny_read_paths),
            (std::vector<std::string>{"C:\\repo\\.env", "C:\\Users\\alice\\.winsandbox\\x",
                                      "D:\\secret"}));
  EXPECT_EQ(strs(request.deny_write_paths),
            (std::vector<std::string>{"C:\\repo\\.git", "C:\\repo\\.codex", "D:\\scratch\\keep"}));
}

TEST(SetupRequest, ProxyPortsAndLocalBindingOnlyForTheOfflineIdentity) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.network = {true, NetworkIdentity::offline, {1081, 8080}, true};
  auto request = build_setup_request(resolved, kHome, Environment{}, machine());
  EXPECT_EQ(request.network_identity, NetworkIdentity::offline);
  EXPECT_EQ(request.proxy_ports, (std::vector<std::uint16_t>{1081, 8080}));
  EXPECT_TRUE(request.allow_local_binding);

  resolved.network = {false, NetworkIdentity::online, {1081}, true};
  request = build_setup_request(resolved, kHome, Environment{}, machine());
  EXPECT_EQ(request.network_identity, NetworkIdentity::online);
  EXPECT_TRUE(request.proxy_ports.empty());
  EXPECT_FALSE(request.allow_local_binding);
}

TEST(SetupRequest, RealUserFromOptionsThenUsernameThenAdministrators) {
  const auto resolved = empty_resolved("C:\\repo");
  EXPECT_EQ(build_setup_request(resolved, kHome, Environment{}, machine()).real_user,
            "Administrators");
  EXPECT_EQ(
      build_setup_request(resolved, kHome, env_of({{"username", "alice"}}), machine()).real_user,
      "alice");
  SetupRequestOptions options;
  options.real_user = "bob";
  options.mode = SetupMode::provision_only;
  options.accounts = {"SbxOff", "SbxOn"};
  const auto request =
      build_setup_request(resolved, kHome, env_of({{"USERNAME", "alice"}}), machine(), options);
  EXPECT_EQ(request.real_user, "bob");
  EXPECT_EQ(request.mode, SetupMode::provision_only);
  EXPECT_EQ(request.accounts, (SandboxAccounts{"SbxOff", "SbxOn"}));
  EXPECT_EQ(request.version, kSetupVersion);
  EXPECT_EQ(request.sandbox_home, kHome);
}

// ---- JSON ------------------------------------------------------------------------------------

SetupRequest sample_request() {
  auto resolved = empty_resolved("C:\\repo");
  resolved.workspace_roots = paths({"C:\\repo"});
  resolved.acl.allow_write = paths({"C:\\repo"});
  resolved.acl.deny_write = paths({"C:\\repo\\.git"});
  resolved.include_platform_defaults = true;
  resolved.network = {true, NetworkIdentity::offline, {8080}, false};
  return build_setup_request(resolved, kHome,
                             env_of({{"SystemRoot", "D:\\Win"}, {"USERNAME", "alice"}}), machine());
}

constexpr std::string_view kSampleRequestJson =
    R"({"version":1,"offline_username":"WinSandboxOffline","online_username":"WinSandboxOnline",)"
    R"("sandbox_home":"C:\\Users\\alice\\.winsandbox","workspace_roots":["C:\\repo"],)"
    R"("network_identity":"offline","read_roots":["D:\\Win"],"write_roots":["C:\\repo"],)"
    R"("deny_read_paths":[],"deny_write_paths":["C:\\repo\\.git"],"proxy_ports":[8080],)"
    R"("allow_local_binding":false,"real_user":"alice","mode":"full"})";

TEST(SetupRequestJson, EncodesExactlyAndRoundTrips) {
  const auto request = sample_request();
  EXPECT_EQ(setup_request_to_json(request), kSampleRequestJson);
  EXPECT_EQ(setup_request_from_json(kSampleRequestJson), request);
  for (const SetupMode mode : {SetupMode::full, SetupMode::refresh, SetupMode::provision_only}) {
    auto copy = request;
    copy.mode = mode;
    copy.network_identity = NetworkIdentity::online;
    EXPECT_EQ(setup_request_from_json(setup_request_to_json(copy)), copy);
  }
  EXPECT_EQ(setup_mode_name(SetupMode::provision_only), "provision-only");
  EXPECT_EQ(setup_mode_name(SetupMode::refresh), "refresh");
}

TEST(SetupRequestJson, RejectsInvalidFields) {
  const std::string good(kSampleRequestJson);
  const auto with = [&good](std::string_view from, std::string_view to) {
    std::string text = good;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with("\"proxy_ports\":[8080]", "\"proxy_ports\":[0]"), "$.proxy_ports[0]"},
      {with("\"proxy_ports\":[8080]", "\"proxy_ports\":[65536]"), "$.proxy_ports[0]"},
      {with("\"write_roots\":[\"C:\\\\repo\"]", "\"write_roots\":[\"repo\"]"), "$.write_roots[0]"},
      {with("\"mode\":\"full\"", "\"mode\":\"refresh-only\""), "$.mode"},
      {with("\"network_identity\":\"offline\"", "\"network_identity\":\"none\""),
       "$.network_identity"},
      {with("\"version\":1", "\"version\":2"), "$.version"},
      {with("\"real_user\":\"alice\"", "\"real_user\":\"alice\",\"otel\":null"), "otel"},
      {with("\"sandbox_home\":\"C:\\\\Users\\\\alice\\\\.winsandbox\",", ""), "sandbox_home"},
      {"[]", ""},
  };
  for (const auto& [text, where] : cases) {
    SCOPED_TRACE(text);
    EXPECT_WS_ERROR(setup_request_from_json(text), ErrorCode::invalid_argument, where);
  }
}

TEST(SetupMarkerJson, EncodesPrettyAndRoundTrips) {
  const SetupMarker marker = setup_marker_for(sample_request(), "2026-11-27T02:00:00Z");
  EXPECT_EQ(setup_marker_to_json(marker),
            "{\n"
            "  \"version\": 1,\n"
            "  \"offline_username\": \"WinSandboxOffline\",\n"
            "  \"online_username\": \"WinSandboxOnline\",\n"
            "  \"created_at\": \"2026-11-27T02:00:00Z\",\n"
            "  \"proxy_ports\": [\n"
            "    8080\n"
            "  ],\n"
            "  \"allow_local_binding\": false\n"
            "}\n");
  EXPECT_EQ(setup_marker_from_json(setup_marker_to_json(marker)), marker);
  // created_at may be absent or null; an old version still decodes (drift reports it).
  const auto old = setup_marker_from_json(
      R"({"version":0,"offline_username":"a","online_username":"b","proxy_ports":[],)"
      R"("allow_local_binding":true,"created_at":null})");
  EXPECT_EQ(old.version, 0u);
  EXPECT_EQ(old.created_at, "");
  EXPECT_TRUE(old.allow_local_binding);
  EXPECT_WS_ERROR(setup_marker_from_json(R"({"version":1})"), ErrorCode::invalid_argument,
                  "offline_username");
}

// ---- drift -----------------------------------------------------------------------------------

TEST(SetupDrift, NoneWhenTheMarkerFits) {
  const auto request = sample_request();
  EXPECT_TRUE(setup_refresh_needed(setup_marker_for(request), request).empty());
}

TEST(SetupDrift, MissingMarker) {
  EXPECT_EQ(
      setup_refresh_needed(std::nullopt, sample_request()),
      (std::vector<SetupDrift>{{SetupDriftKind::marker_missing, "sandbox setup marker missing"}}));
}

TEST(SetupDrift, VersionAccountsPortsAndBindingReportedTogether) {
  const auto request = sample_request();
  SetupMarker marker = setup_marker_for(request);
  marker.version = 0;
  marker.accounts.offline_username = "OldOffline";
  marker.proxy_ports = {3128};
  marker.allow_local_binding = true;
  EXPECT_EQ(setup_refresh_needed(marker, request),
            (std::vector<SetupDrift>{
                {SetupDriftKind::version_changed, "setup version changed (stored 0, requested 1)"},
                {SetupDriftKind::accounts_changed,
                 "sandbox accounts changed (stored OldOffline/WinSandboxOnline, requested "
                 "WinSandboxOffline/WinSandboxOnline)"},
                {SetupDriftKind::proxy_ports_changed,
                 "offline proxy ports changed (stored [3128], requested [8080])"},
                {SetupDriftKind::local_binding_changed,
                 "offline local binding changed (stored true, requested false)"}}));
}

TEST(SetupDrift, OfflinePortDriftAlone) {
  auto request = sample_request();
  request.proxy_ports = {1081, 8080};
  SetupMarker marker = setup_marker_for(request);
  marker.proxy_ports = {3128};
  const auto drift = setup_refresh_needed(marker, request);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(drift[0].kind, SetupDriftKind::proxy_ports_changed);
  EXPECT_EQ(drift[0].message,
            "offline proxy ports changed (stored [3128], requested [1081, 8080])");
  EXPECT_EQ(setup_drift_kind_name(drift[0].kind), "proxy_ports_changed");
}

TEST(SetupDrift, OnlineIdentityIgnoresProxyAndBindingDrift) {
  auto request = sample_request();
  request.network_identity = NetworkIdentity::online;
  request.proxy_ports = {};
  SetupMarker marker = setup_marker_for(request);
  marker.proxy_ports = {3128};
  marker.allow_local_binding = true;
  EXPECT_TRUE(setup_refresh_needed(marker, request).empty());
}

}  // namespace
}  // namespace winsandbox
