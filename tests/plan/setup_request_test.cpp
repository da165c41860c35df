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
  SetupRequestOptions options;
  options.proxy_port_policy = {{9100, 9200}, {9000, 9099}};
  SetupRequest request = build_setup_request(
      resolved, kHome, env_of({{"SystemRoot", "D:\\Win"}, {"USERNAME", "alice"}}), machine(),
      options);
  request.write_root_sids = {"S-1-5-21-1-2-3-4"};
  return request;
}

constexpr std::string_view kSampleRequestJson =
    R"({"version":2,"offline_username":"WinSandboxOffline","online_username":"WinSandboxOnline",)"
    R"("group_name":"WinSandboxUsers","sandbox_home":"C:\\Users\\alice\\.winsandbox",)"
    R"("workspace_roots":["C:\\repo"],"network_identity":"offline","read_roots":["D:\\Win"],)"
    R"("write_roots":["C:\\repo"],"write_root_sids":["S-1-5-21-1-2-3-4"],"deny_read_paths":[],)"
    R"("deny_write_paths":["C:\\repo\\.git"],"proxy_ports":[8080],)"
    R"("proxy_port_policy":"9000-9200","allow_local_binding":false,"real_user":"alice",)"
    R"("mode":"full"})";

TEST(SetupRequestJson, EncodesExactlyAndRoundTrips) {
  const auto request = sample_request();
  EXPECT_EQ(setup_request_to_json(request), kSampleRequestJson);
  EXPECT_EQ(setup_request_from_json(kSampleRequestJson), request);
  for (const SetupMode mode : {SetupMode::full, SetupMode::refresh, SetupMode::provision_only,
                               SetupMode::repair, SetupMode::uninstall}) {
    auto copy = request;
    copy.mode = mode;
    copy.network_identity = NetworkIdentity::online;
    EXPECT_EQ(setup_request_from_json(setup_request_to_json(copy)), copy);
  }
  EXPECT_EQ(setup_mode_name(SetupMode::provision_only), "provision-only");
  EXPECT_EQ(setup_mode_name(SetupMode::refresh), "refresh");
  EXPECT_EQ(setup_mode_name(SetupMode::repair), "repair");
  EXPECT_EQ(setup_mode_name(SetupMode::uninstall), "uninstall");
}

// `text` with the first `from` replaced by `to` (a test failure when there is none).
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(SetupRequestJson, RejectsInvalidFields) {
  const std::string good(kSampleRequestJson);
  const auto with = [&good](std::string_view from, std::string_view to) {
    return replaced(good, from, to);
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with("\"proxy_ports\":[8080]", "\"proxy_ports\":[0]"), "$.proxy_ports[0]"},
      {with("\"proxy_ports\":[8080]", "\"proxy_ports\":[65536]"), "$.proxy_ports[0]"},
      {with("\"write_roots\":[\"C:\\\\repo\"]", "\"write_roots\":[\"repo\"]"), "$.write_roots[0]"},
      {with("\"mode\":\"full\"", "\"mode\":\"refresh-only\""), "$.mode"},
      {with("\"network_identity\":\"offline\"", "\"network_identity\":\"none\""),
       "$.network_identity"},
      {with("\"version\":2", "\"version\":1"), "$.version"},
      {with("\"group_name\":\"WinSandboxUsers\"", "\"group_name\":\"\""), "$.group_name"},
      {with("\"group_name\":\"WinSandboxUsers\",", ""), "group_name"},
      {with("\"group_name\":\"WinSandboxUsers\"", "\"group_name\":\"Users Group\""),
       "$.group_name"},
      {with("\"offline_username\":\"WinSandboxOffline\"",
            "\"offline_username\":\"DOMAIN\\\\alice\""),
       "$.offline_username"},
      {with("\"online_username\":\"WinSandboxOnline\"",
            "\"online_username\":\"WinSandboxOnline123456\""),
       "$.online_username"},
      {with("\"S-1-5-21-1-2-3-4\"", "\"S-1-5-32-544\""), "$.write_root_sids[0]"},
      {with("[\"S-1-5-21-1-2-3-4\"]", "[]"), "$.write_root_sids"},
      {with("[\"S-1-5-21-1-2-3-4\"]", "[\"S-1-5-21-1-2-3-4\",\"S-1-5-21-1-2-3-5\"]"),
       "$.write_root_sids"},
      {with("\"9000-9200\"", "\"9200-9000\""), "$.proxy_port_policy"},
      {with("\"9000-9200\"", "\"0-10\""), "$.proxy_port_policy"},
      {with("\"9000-9200\"", "[9000]"), "$.proxy_port_policy"},
      {with("\"mode\":\"full\"", "\"mode\":\"status\""), "$.mode"},
      {with("\"real_user\":\"alice\"", "\"real_user\":\"alice\",\"otel\":null"), "otel"},
      {with("\"sandbox_home\":\"C:\\\\Users\\\\alice\\\\.winsandbox\",", ""), "sandbox_home"},
      {"[]", ""},
  };
  for (const auto& [text, where] : cases) {
    SCOPED_TRACE(text);
    EXPECT_WS_ERROR(setup_request_from_json(text), ErrorCode::invalid_argument, where);
  }
}

// A marker as the helper writes it: setup_marker_for plus the SIDs it resolved.
SetupMarker sample_marker(const SetupRequest& request, std::string created_at = {}) {
  SetupMarker marker = setup_marker_for(request, std::move(created_at));
  marker.group_sid = "S-1-5-21-10-20-30-1001";
  marker.offline_sid = "S-1-5-21-10-20-30-1002";
  marker.online_sid = "S-1-5-21-10-20-30-1003";
  return marker;
}

TEST(SetupMarkerJson, EncodesPrettyAndRoundTrips) {
  const SetupMarker marker = sample_marker(sample_request(), "2026-11-27T02:00:00Z");
  EXPECT_EQ(marker.permitted_proxy_ports, (std::vector<PortRange>{{8080, 8080}, {9000, 9200}}));
  EXPECT_EQ(setup_marker_to_json(marker),
            "{\n"
            "  \"version\": 2,\n"
            "  \"offline_username\": \"WinSandboxOffline\",\n"
            "  \"online_username\": \"WinSandboxOnline\",\n"
            "  \"group_name\": \"WinSandboxUsers\",\n"
            "  \"group_sid\": \"S-1-5-21-10-20-30-1001\",\n"
            "  \"offline_sid\": \"S-1-5-21-10-20-30-1002\",\n"
            "  \"online_sid\": \"S-1-5-21-10-20-30-1003\",\n"
            "  \"created_at\": \"2026-11-27T02:00:00Z\",\n"
            "  \"permitted_proxy_ports\": \"8080,9000-9200\",\n"
            "  \"allow_local_binding\": false,\n"
            "  \"system\": \"windows\"\n"
            "}\n");
  EXPECT_EQ(setup_marker_from_json(setup_marker_to_json(marker)), marker);
  // The fake system round-trips too (the orchestrator treats such a marker as missing).
  SetupMarker fake = marker;
  fake.system = "fake";
  EXPECT_EQ(setup_marker_from_json(setup_marker_to_json(fake)).system, "fake");
}

TEST(SetupMarkerJson, OldVersionAndNullCreatedAtDecode) {
  // created_at may be absent or null; an old version still decodes (drift reports it).
  const auto old = setup_marker_from_json(
      R"({"version":1,"offline_username":"a","online_username":"b","group_name":"g",)"
      R"("group_sid":"S-1-5-21-1-2-3-1000","offline_sid":"S-1-5-21-1-2-3-1001",)"
      R"("online_sid":"S-1-5-21-1-2-3-1002","permitted_proxy_ports":"",)"
      R"("allow_local_binding":true,"created_at":null,"system":"windows"})");
  EXPECT_EQ(old.version, 1u);
  EXPECT_EQ(old.created_at, "");
  EXPECT_TRUE(old.permitted_proxy_ports.empty());
  EXPECT_TRUE(old.allow_local_binding);
}

TEST(SetupMarkerJson, RejectsInvalidFields) {
  const std::string good = setup_marker_to_json(sample_marker(sample_request(), "x"));
  const auto with = [&good](std::string_view from, std::string_view to) {
    return replaced(good, from, to);
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"version":2})", "offline_username"},
      {with("\"S-1-5-21-10-20-30-1001\"", "\"\""), "$.group_sid"},
      {with("\"S-1-5-21-10-20-30-1002\"", "\"WinSandboxOffline\""), "$.offline_sid"},
      {with("\"S-1-5-21-10-20-30-1003\"", "17"), "$.online_sid"},
      {with("\"8080,9000-9200\"", "\"8080,,9000\""), "$.permitted_proxy_ports"},
      {with("\"8080,9000-9200\"", "[8080]"), "$.permitted_proxy_ports"},
      {with("\"windows\"", "\"linux\""), "$.system"},
      {with("\"windows\"", "true"), "$.system"},
      {with("\"group_name\": \"WinSandboxUsers\"", "\"group_name\": \"\""), "$.group_name"},
      {with("\"system\"", "\"proxy_ports\": [8080], \"system\""), "proxy_ports"},
      {with(",\n  \"system\": \"windows\"", ""), "system"},
  };
  for (const auto& [text, where] : cases) {
    SCOPED_TRACE(text);
    EXPECT_WS_ERROR(setup_marker_from_json(text), ErrorCode::invalid_argument, where);
  }
}

// ---- drift -----------------------------------------------------------------------------------

TEST(SetupDrift, NoneWhenTheMarkerFits) {
  const auto request = sample_request();
  EXPECT_TRUE(setup_refresh_needed(sample_marker(request), request).empty());
}

TEST(SetupDrift, MissingMarker) {
  EXPECT_EQ(
      setup_refresh_needed(std::nullopt, sample_request()),
      (std::vector<SetupDrift>{{SetupDriftKind::marker_missing, "sandbox setup marker missing"}}));
}

TEST(SetupDrift, VersionAccountsPortsAndBindingReportedTogether) {
  const auto request = sample_request();
  SetupMarker marker = sample_marker(request);
  marker.version = 1;
  marker.accounts.offline_username = "OldOffline";
  marker.permitted_proxy_ports = {{3128, 3128}};
  marker.allow_local_binding = true;
  EXPECT_EQ(setup_refresh_needed(marker, request),
            (std::vector<SetupDrift>{
                {SetupDriftKind::version_changed, "setup version changed (stored 1, requested 2)"},
                {SetupDriftKind::accounts_changed,
                 "sandbox accounts changed (stored OldOffline/WinSandboxOnline in "
                 "WinSandboxUsers, requested WinSandboxOffline/WinSandboxOnline in "
                 "WinSandboxUsers)"},
                {SetupDriftKind::proxy_ports_changed,
                 "offline proxy ports outside the permitted ranges (permitted 3128, requested "
                 "[8080])"},
                {SetupDriftKind::local_binding_changed,
                 "offline local binding changed (stored true, requested false)"}}));
}

TEST(SetupDrift, AnotherGroupNameIsAccountDrift) {
  const auto request = sample_request();
  SetupMarker marker = sample_marker(request);
  marker.accounts.group_name = "OldGroup";
  const auto drift = setup_refresh_needed(marker, request);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(drift[0].kind, SetupDriftKind::accounts_changed);
}

TEST(SetupDrift, OfflinePortOutsideThePermittedRanges) {
  auto request = sample_request();
  request.proxy_ports = {1081, 8080};
  SetupMarker marker = sample_marker(request);
  marker.permitted_proxy_ports = {{3128, 3128}, {8000, 8100}};
  const auto drift = setup_refresh_needed(marker, request);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(drift[0].kind, SetupDriftKind::proxy_ports_changed);
  EXPECT_EQ(drift[0].message,
            "offline proxy ports outside the permitted ranges (permitted 3128,8000-8100, "
            "requested [1081, 8080])");
  EXPECT_EQ(setup_drift_kind_name(drift[0].kind), "proxy_ports_changed");

  marker.permitted_proxy_ports = {};
  request.proxy_ports = {8080};
  EXPECT_EQ(setup_refresh_needed(marker, request).at(0).message,
            "offline proxy ports outside the permitted ranges (permitted none, requested "
            "[8080])");
}

// The port policy: any port inside the permitted ranges, fewer ports, or none at all, needs no
// new setup (docs/setup.md#port-policy).
TEST(SetupDrift, PortsWithinThePermittedRangesNeverDrift) {
  auto request = sample_request();
  SetupMarker marker = sample_marker(request);  // permitted 8080,9000-9200
  for (const auto& ports : std::vector<std::vector<std::uint16_t>>{
           {}, {8080}, {9000}, {9200}, {9150, 8080}, {9001, 9002, 9003}}) {
    request.proxy_ports = ports;
    EXPECT_TRUE(setup_refresh_needed(marker, request).empty()) << ports.size();
  }
  for (const auto& ports :
       std::vector<std::vector<std::uint16_t>>{{8999}, {9201}, {8081}, {1, 9000}, {65535}}) {
    request.proxy_ports = ports;
    const auto drift = setup_refresh_needed(marker, request);
    ASSERT_EQ(drift.size(), 1u);
    EXPECT_EQ(drift[0].kind, SetupDriftKind::proxy_ports_changed);
  }
  // A different policy alone (wider or narrower) is no drift: only needed ports count.
  request.proxy_ports = {8080};
  request.proxy_port_policy = {{1, 65535}};
  EXPECT_TRUE(setup_refresh_needed(marker, request).empty());
  request.proxy_port_policy = {};
  EXPECT_TRUE(setup_refresh_needed(marker, request).empty());
}

TEST(SetupDrift, OnlineIdentityIgnoresProxyAndBindingDrift) {
  auto request = sample_request();
  request.network_identity = NetworkIdentity::online;
  request.proxy_ports = {1, 2, 3};
  SetupMarker marker = sample_marker(request);
  marker.permitted_proxy_ports = {{3128, 3128}};
  marker.allow_local_binding = true;
  EXPECT_TRUE(setup_refresh_needed(marker, request).empty());
}

TEST(SetupRequest, ProxyPortPolicyIsNormalizedAndOfflineOnly) {
  auto resolved = empty_resolved("C:\\repo");
  resolved.network = {true, NetworkIdentity::offline, {8080}, false};
  SetupRequestOptions options;
  options.proxy_port_policy = {{9000, 9010}, {0, 0}, {9011, 9020}, {20, 10}};
  auto request = build_setup_request(resolved, kHome, Environment{}, machine(), options);
  EXPECT_EQ(request.proxy_port_policy, (std::vector<PortRange>{{9000, 9020}}));
  EXPECT_TRUE(request.write_root_sids.empty());
  resolved.network = {false, NetworkIdentity::online, {}, false};
  request = build_setup_request(resolved, kHome, Environment{}, machine(), options);
  EXPECT_TRUE(request.proxy_port_policy.empty());
}

}  // namespace
}  // namespace winsandbox
