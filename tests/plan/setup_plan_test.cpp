// The setup's portable specs (src/plan/setup_plan.hpp): port ranges, firewall rules, WFP
// filters, the error report, the status, the setup's ACL grants and the dry-run plan.
#include "plan/setup_plan.hpp"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plan/acl_state.hpp"
#include "plan_test_support.hpp"
#include "test_support.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

using testing::p;

constexpr std::string_view kRepoSid = "S-1-5-21-2000-2001-2002-2003";
constexpr std::string_view kScratchSid = "S-1-5-21-4000-4001-4002-4003";
constexpr std::string_view kGroupSid = "S-1-5-21-9-9-9-1001";

std::vector<PortRange> ranges(std::initializer_list<PortRange> list) {
  return std::vector<PortRange>(list);
}

// ---- port ranges ----------------------------------------------------------------------------

TEST(PortRanges, NormalizeSortsMergesAndDropsEmpty) {
  EXPECT_EQ(normalize_port_ranges({{9000, 9100}, {80, 80}, {9101, 9200}, {0, 0}, {81, 85}}),
            ranges({{80, 85}, {9000, 9200}}));
  EXPECT_EQ(normalize_port_ranges({{10, 20}, {15, 30}, {1, 2}}), ranges({{1, 2}, {10, 30}}));
  EXPECT_EQ(normalize_port_ranges({{0, 5}}), ranges({{1, 5}}));  // port 0 dropped
  EXPECT_EQ(normalize_port_ranges({{20, 10}}), ranges({}));      // first > last: empty
  EXPECT_EQ(normalize_port_ranges({{65535, 65535}, {1, 65534}}), ranges({{1, 65535}}));
  EXPECT_EQ(port_ranges_of({8080, 0, 8081, 3128, 8080}), ranges({{3128, 3128}, {8080, 8081}}));
}

TEST(PortRanges, FormatAndParseRoundTrip) {
  EXPECT_EQ(format_port_ranges({}), "");
  EXPECT_EQ(format_port_ranges({{9000, 9100}, {8080, 8080}}), "8080,9000-9100");
  EXPECT_EQ(format_port_ranges({{1, 65535}}), "1-65535");
  EXPECT_EQ(parse_port_ranges(""), ranges({}));
  EXPECT_EQ(parse_port_ranges("  "), ranges({}));
  EXPECT_EQ(parse_port_ranges("8080"), ranges({{8080, 8080}}));
  EXPECT_EQ(parse_port_ranges(" 9000-9100 , 8080,8081 "), ranges({{8080, 8081}, {9000, 9100}}));
  EXPECT_EQ(parse_port_ranges("1-65535"), ranges({{1, 65535}}));
  EXPECT_EQ(parse_port_ranges("5-5"), ranges({{5, 5}}));
  for (const std::string text : {"8080,9000-9100", "1", "65535", "1-65535", "2-65534"}) {
    EXPECT_EQ(format_port_ranges(parse_port_ranges(text)), text);
  }
}

TEST(PortRanges, ParseRejectsEveryBadItemByName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0", "`0`"},
      {"65536", "`65536`"},
      {"100000", "`100000`"},
      {"9100-9000", "first port after last port"},
      {"8080,", "empty item"},
      {",8080", "empty item"},
      {"80,,90", "empty item"},
      {"-", "empty port"},
      {"80-", "empty port"},
      {"-80", "empty port"},
      {"80-90-100", "`80-90-100`"},
      {"+80", "`+80`"},
      {"8O", "`8O`"},
      {"80 - 90", "`80 - 90`"},
      {"0x50", "`0x50`"},
      {"1-0", "`1-0`"},
  };
  for (const auto& [text, where] : cases) {
    SCOPED_TRACE(text);
    EXPECT_WS_ERROR(parse_port_ranges(text), ErrorCode::invalid_argument, where);
  }
}

TEST(PortRanges, Within) {
  const auto permitted = ranges({{8080, 8080}, {9000, 9100}});
  EXPECT_TRUE(ports_within({}, permitted));
  EXPECT_TRUE(ports_within({}, {}));
  EXPECT_TRUE(ports_within(ranges({{8080, 8080}}), permitted));
  EXPECT_TRUE(ports_within(ranges({{9000, 9100}}), permitted));
  EXPECT_TRUE(ports_within(ranges({{9050, 9050}, {8080, 8080}}), permitted));
  EXPECT_FALSE(ports_within(ranges({{8081, 8081}}), permitted));
  EXPECT_FALSE(ports_within(ranges({{8999, 9000}}), permitted));
  EXPECT_FALSE(ports_within(ranges({{9100, 9101}}), permitted));
  EXPECT_FALSE(ports_within(ranges({{8080, 9000}}), permitted));  // spans a gap
  EXPECT_FALSE(ports_within(ranges({{1, 1}}), {}));
  // Unnormalized permitted ranges are merged first: 10-20 and 21-30 cover 15-25.
  EXPECT_TRUE(ports_within(ranges({{15, 25}}), ranges({{21, 30}, {10, 20}})));
}

TEST(PortRanges, ComplementGolden) {
  EXPECT_EQ(port_complement({}), "1-65535");
  EXPECT_EQ(port_complement(ranges({{8080, 8080}})), "1-8079,8081-65535");
  EXPECT_EQ(port_complement(ranges({{1, 1}})), "2-65535");
  EXPECT_EQ(port_complement(ranges({{65535, 65535}})), "1-65534");
  EXPECT_EQ(port_complement(ranges({{1, 1}, {65535, 65535}})), "2-65534");
  EXPECT_EQ(port_complement(ranges({{2, 65534}})), "1,65535");
  EXPECT_EQ(port_complement(ranges({{1, 65535}})), "");
  EXPECT_EQ(port_complement(ranges({{1, 65534}})), "65535");
  EXPECT_EQ(port_complement(ranges({{3128, 3128}, {8080, 8080}, {9000, 9100}})),
            "1-3127,3129-8079,8081-8999,9101-65535");
  EXPECT_EQ(port_complement(ranges({{8081, 8081}, {8080, 8080}})), "1-8079,8082-65535");
}

// ---- firewall -------------------------------------------------------------------------------

const FirewallRuleSpec kOutboundRule{
    .name = "winsandbox_offline_block_outbound",
    .description = "winsandbox offline account: block non-loopback outbound",
    .protocol = FirewallProtocol::any,
    .remote_addresses =
        "0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,::,::2-ffff:ffff:"
        "ffff:ffff:ffff:ffff:ffff:ffff",
    .remote_ports = "*"};
const FirewallRuleSpec kLoopbackUdpRule{
    .name = "winsandbox_offline_block_loopback_udp",
    .description = "winsandbox offline account: block loopback UDP",
    .protocol = FirewallProtocol::udp,
    .remote_addresses = "127.0.0.0/8,::1",
    .remote_ports = "*"};

FirewallRuleSpec loopback_tcp_rule(std::string remote_ports) {
  return FirewallRuleSpec{
      .name = "winsandbox_offline_block_loopback_tcp",
      .description = "winsandbox offline account: block loopback TCP except the proxy ports",
      .protocol = FirewallProtocol::tcp,
      .remote_addresses = "127.0.0.0/8,::1",
      .remote_ports = std::move(remote_ports)};
}

TEST(FirewallPlan, NoProxyPortsBlocksAllLoopbackTcp) {
  EXPECT_EQ(offline_firewall_plan({}, false),
            (FirewallPlan{.ensure = {kOutboundRule, kLoopbackUdpRule, loopback_tcp_rule("1-65535")},
                          .remove = {}}));
}

TEST(FirewallPlan, OneProxyPort) {
  EXPECT_EQ(offline_firewall_plan(ranges({{8080, 8080}}), false),
            (FirewallPlan{
                .ensure = {kOutboundRule, kLoopbackUdpRule, loopback_tcp_rule("1-8079,8081-65535")},
                .remove = {}}));
}

TEST(FirewallPlan, EdgePortsAndRanges) {
  EXPECT_EQ(offline_firewall_plan(ranges({{1, 1}, {65535, 65535}}), false).ensure.at(2),
            loopback_tcp_rule("2-65534"));
  EXPECT_EQ(offline_firewall_plan(ranges({{9000, 9100}, {3128, 3128}}), false).ensure.at(2),
            loopback_tcp_rule("1-3127,3129-8999,9101-65535"));
}

TEST(FirewallPlan, EverythingPermittedRemovesTheTcpLoopbackRule) {
  EXPECT_EQ(offline_firewall_plan(ranges({{1, 65535}}), false),
            (FirewallPlan{.ensure = {kOutboundRule, kLoopbackUdpRule},
                          .remove = {"winsandbox_offline_block_loopback_tcp"}}));
}

TEST(FirewallPlan, LocalBindingRemovesBothLoopbackRules) {
  const FirewallPlan expected{
      .ensure = {kOutboundRule},
      .remove = {"winsandbox_offline_block_loopback_udp", "winsandbox_offline_block_loopback_tcp"}};
  EXPECT_EQ(offline_firewall_plan({}, true), expected);
  EXPECT_EQ(offline_firewall_plan(ranges({{8080, 8080}}), true), expected);
}

TEST(FirewallPlan, RuleNamesAndUserList) {
  EXPECT_EQ(all_firewall_rule_names(),
            (std::vector<std::string_view>{"winsandbox_offline_block_outbound",
                                           "winsandbox_offline_block_loopback_udp",
                                           "winsandbox_offline_block_loopback_tcp"}));
  // Every rule any plan ensures or removes is one uninstall knows.
  const std::set<std::string_view> known(all_firewall_rule_names().begin(),
                                         all_firewall_rule_names().end());
  for (const auto& plan : {offline_firewall_plan({}, false), offline_firewall_plan({}, true),
                           offline_firewall_plan(ranges({{1, 65535}}), false)}) {
    for (const auto& rule : plan.ensure) EXPECT_TRUE(known.contains(rule.name)) << rule.name;
    for (const auto& name : plan.remove) EXPECT_TRUE(known.contains(name)) << name;
  }
  EXPECT_EQ(local_user_authorized_list("S-1-5-21-1-2-3-1001"),
            "O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1001)");
}

// ---- WFP ------------------------------------------------------------------------------------

TEST(WfpFilters, GoldenKeysNamesLayersAndConditions) {
  struct Row {
    std::string_view key;
    std::string_view name;
    WfpLayer layer;
    std::optional<std::uint8_t> protocol;
    std::optional<std::uint16_t> port;
  };
  using enum WfpLayer;
  const std::vector<Row> golden{
      {"{30b06f29-83dd-4447-b112-32d75b914b2b}",
       "winsandbox_wfp_icmp_connect_v4",
       ale_auth_connect_v4,
       1,
       {}},
      {"{2fbfe82f-f7bb-4e10-bfe3-59052f27fcd9}",
       "winsandbox_wfp_icmp_connect_v6",
       ale_auth_connect_v6,
       58,
       {}},
      {"{9b8ba04f-4344-4da4-bbb3-f20784a58489}",
       "winsandbox_wfp_icmp_assign_v4",
       ale_resource_assignment_v4,
       1,
       {}},
      {"{e930f572-bc3d-4da4-b30d-fbc717f1d7db}",
       "winsandbox_wfp_icmp_assign_v6",
       ale_resource_assignment_v6,
       58,
       {}},
      {"{d2d1f7a4-0eab-4f74-be2e-8050c27ee639}",
       "winsandbox_wfp_dns_53_v4",
       ale_auth_connect_v4,
       {},
       53},
      {"{881692b3-0ac4-4e74-b514-b8d5c4ba0471}",
       "winsandbox_wfp_dns_53_v6",
       ale_auth_connect_v6,
       {},
       53},
      {"{1fc03a84-85ea-4727-a54d-c118f1880b3f}",
       "winsandbox_wfp_dns_853_v4",
       ale_auth_connect_v4,
       {},
       853},
      {"{18a55244-daa7-4c97-b207-03382fd2ea57}",
       "winsandbox_wfp_dns_853_v6",
       ale_auth_connect_v6,
       {},
       853},
      {"{86fce646-8b7d-4fc2-ae36-af643a3140d7}",
       "winsandbox_wfp_smb_445_v4",
       ale_auth_connect_v4,
       {},
       445},
      {"{50dae783-0cc9-44ad-bf3a-e5c3c7b4b112}",
       "winsandbox_wfp_smb_445_v6",
       ale_auth_connect_v6,
       {},
       445},
      {"{73ecdce5-963a-4642-afea-015f1cf9ad6e}",
       "winsandbox_wfp_smb_139_v4",
       ale_auth_connect_v4,
       {},
       139},
      {"{0ebce810-6d73-4c77-91cf-1046d233a2b0}",
       "winsandbox_wfp_smb_139_v6",
       ale_auth_connect_v6,
       {},
       139},
  };
  const auto& filters = offline_wfp_filters();
  ASSERT_EQ(filters.size(), golden.size());
  for (std::size_t i = 0; i < golden.size(); ++i) {
    SCOPED_TRACE(golden[i].name);
    EXPECT_EQ(filters[i].key, golden[i].key);
    EXPECT_EQ(filters[i].name, golden[i].name);
    EXPECT_EQ(filters[i].layer, golden[i].layer);
    EXPECT_EQ(filters[i].protocol, golden[i].protocol);
    EXPECT_EQ(filters[i].remote_port, golden[i].port);
    EXPECT_TRUE(filters[i].description.starts_with("winsandbox: block the offline account's "));
  }
  EXPECT_EQ(filters[4].description,
            "winsandbox: block the offline account's DNS on remote port 53 (IPv4)");
}

TEST(WfpFilters, KeysAreUniqueLowerCaseGuidsDistinctFromProviderAndSublayer) {
  std::set<std::string> keys{std::string(kWfpProviderKey), std::string(kWfpSublayerKey)};
  const auto is_guid = [](std::string_view key) {
    if (key.size() != 38 || key.front() != '{' || key.back() != '}') return false;
    for (std::size_t i = 1; i < 37; ++i) {
      const char c = key[i];
      const bool dash = i == 9 || i == 14 || i == 19 || i == 24;
      if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  };
  EXPECT_TRUE(is_guid(kWfpProviderKey));
  EXPECT_TRUE(is_guid(kWfpSublayerKey));
  for (const auto& filter : offline_wfp_filters()) {
    EXPECT_TRUE(is_guid(filter.key)) << filter.key;
    EXPECT_TRUE(keys.insert(filter.key).second) << "duplicate key " << filter.key;
    // Exactly one second condition.
    EXPECT_NE(filter.protocol.has_value(), filter.remote_port.has_value()) << filter.name;
  }
  std::set<std::string> names;
  for (const auto& filter : offline_wfp_filters()) EXPECT_TRUE(names.insert(filter.name).second);
}

// ---- errors ---------------------------------------------------------------------------------

TEST(SetupErrorCode, EveryCodeRoundTripsThroughItsName) {
  for (int i = 0; i <= static_cast<int>(SetupErrorCode::unknown); ++i) {
    const auto code = static_cast<SetupErrorCode>(i);
    const auto name = setup_error_code_name(code);
    EXPECT_EQ(setup_error_code_from_name(name), code) << name;
  }
  EXPECT_EQ(setup_error_code_name(SetupErrorCode::firewall_policy_ineffective),
            "firewall_policy_ineffective");
  EXPECT_EQ(setup_error_code_name(SetupErrorCode::launch_canceled), "launch_canceled");
  EXPECT_EQ(setup_error_code_from_name("helper_unknown_error"), std::nullopt);
}

TEST(SetupErrorReport, EncodesPrettyAndRoundTrips) {
  const SetupErrorReport report{.code = SetupErrorCode::firewall_policy_ineffective,
                                .stage = "firewall",
                                .message = "group policy overrides local firewall rules",
                                .windows_error = 5};
  EXPECT_EQ(setup_error_report_to_json(report),
            "{\n"
            "  \"code\": \"firewall_policy_ineffective\",\n"
            "  \"stage\": \"firewall\",\n"
            "  \"message\": \"group policy overrides local firewall rules\",\n"
            "  \"windows_error\": 5\n"
            "}\n");
  EXPECT_EQ(setup_error_report_from_json(setup_error_report_to_json(report)), report);
  SetupErrorReport plain = report;
  plain.windows_error.reset();
  plain.code = SetupErrorCode::unknown;
  EXPECT_EQ(setup_error_report_to_json(plain).find("windows_error"), std::string::npos);
  EXPECT_EQ(setup_error_report_from_json(setup_error_report_to_json(plain)), plain);
  const auto max = setup_error_report_from_json(
      R"({"code":"acl_failed","stage":"acls","message":"","windows_error":4294967295})");
  EXPECT_EQ(max.windows_error, 0xFFFFFFFFu);
  EXPECT_EQ(setup_error_summary(report),
            "firewall_policy_ineffective (stage firewall): group policy overrides local firewall "
            "rules (Windows error 5)");
  EXPECT_EQ(setup_error_summary(plain),
            "unknown (stage firewall): group policy overrides local firewall rules");
}

TEST(SetupErrorReport, RejectsUnknownCodesKeysAndBadTypes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"code":"helper_unknown_error","stage":"x","message":"m"})", "$.code"},
      {R"({"code":"unknown","stage":"x","message":"m","extra":1})", "extra"},
      {R"({"code":"unknown","stage":"x"})", "message"},
      {R"({"code":"unknown","message":"m"})", "stage"},
      {R"({"stage":"x","message":"m"})", "code"},
      {R"({"code":1,"stage":"x","message":"m"})", "$.code"},
      {R"({"code":"unknown","stage":false,"message":"m"})", "$.stage"},
      {R"({"code":"unknown","stage":"x","message":["m"]})", "$.message"},
      {R"({"code":"unknown","stage":"x","message":"m","windows_error":-1})", "$.windows_error"},
      {R"({"code":"unknown","stage":"x","message":"m","windows_error":4294967296})",
       "$.windows_error"},
      {R"({"code":"unknown","stage":"x","message":"m","windows_error":"5"})", "$.windows_error"},
      {R"({"code":"unknown","stage":"x","message":"m","windows_error":1.5})", "$.windows_error"},
      {R"([])", ""},
      {R"({"code":"unknown")", ""},
  };
  for (const auto& [text, where] : cases) {
    SCOPED_TRACE(text);
    EXPECT_WS_ERROR(setup_error_report_from_json(text), ErrorCode::invalid_argument, where);
  }
}

// ---- requests for the grants and the plan ---------------------------------------------------

// A request with every field at its default, for `home`.
SetupRequest request_for(const WinPath& home) {
  return SetupRequest{.version = kSetupVersion,
                      .accounts = {},
                      .sandbox_home = home,
                      .workspace_roots = {},
                      .network_identity = NetworkIdentity::offline,
                      .read_roots = {},
                      .write_roots = {},
                      .write_root_sids = {},
                      .deny_read_paths = {},
                      .deny_write_paths = {},
                      .proxy_ports = {},
                      .proxy_port_policy = {},
                      .allow_local_binding = false,
                      .real_user = {},
                      .mode = SetupMode::full};
}

SetupRequest offline_request() {
  SetupRequest request = request_for(p("C:\\Users\\alice\\.winsandbox"));
  request.workspace_roots = {p("C:\\repo")};
  request.read_roots = {p("C:\\Windows"), p("C:\\Tools")};
  request.write_roots = {p("C:\\repo"), p("D:\\scratch")};
  request.write_root_sids = {std::string(kRepoSid), std::string(kScratchSid)};
  request.deny_read_paths = {p("C:\\repo\\.env")};
  request.deny_write_paths = {p("C:\\repo\\.git"), p("E:\\elsewhere\\.codex")};
  request.proxy_ports = {8080};
  request.proxy_port_policy = {{9000, 9100}};
  request.real_user = "alice";
  return request;
}

std::string sorted_entries_text(const std::vector<AclEntry>& entries) {
  std::string out;
  for (const auto& entry : entries) {
    out += std::string(ace_kind_name(entry.kind)) + " " + entry.path.str() + " " + entry.sid +
           (entry.create_directory_if_missing ? " create" : "") + "\n";
  }
  return out;
}

TEST(SetupAclPlan, GoldenGrants) {
  const AclPlan plan = setup_acl_plan(offline_request(), kGroupSid);
  // deny_read, deny_write, allow_write, allow_read_execute; then path, then SID. The deny-write
  // on C:\repo\.git names the overlapping root's SID only; E:\elsewhere\.codex overlaps no
  // write root, so it names every write-root SID.
  EXPECT_EQ(sorted_entries_text(plan.entries),
            "deny_read C:\\repo\\.env S-1-5-21-9-9-9-1001 create\n"
            "deny_write C:\\repo\\.git S-1-5-21-2000-2001-2002-2003 create\n"
            "deny_write E:\\elsewhere\\.codex S-1-5-21-2000-2001-2002-2003 create\n"
            "deny_write E:\\elsewhere\\.codex S-1-5-21-4000-4001-4002-4003 create\n"
            "allow_write C:\\repo S-1-5-21-2000-2001-2002-2003\n"
            "allow_write C:\\repo S-1-5-21-9-9-9-1001\n"
            "allow_write D:\\scratch S-1-5-21-4000-4001-4002-4003\n"
            "allow_write D:\\scratch S-1-5-21-9-9-9-1001\n"
            "allow_read_execute C:\\Tools S-1-5-21-9-9-9-1001\n"
            "allow_read_execute C:\\Users\\alice\\.winsandbox S-1-5-21-9-9-9-1001\n"
            "allow_read_execute C:\\Windows S-1-5-21-9-9-9-1001\n");
  for (const auto& entry : plan.entries) {
    AclEntry expected = make_acl_entry(entry.path, entry.sid, entry.kind, entry.origin,
                                       entry.create_directory_if_missing);
    // The sandbox home: the runner reads the SID store there, and nothing below the home.
    if (entry.path == offline_request().sandbox_home) expected.inheritance = kFilesDirectlyInside;
    EXPECT_EQ(entry, expected);
  }
  EXPECT_EQ(plan.entries[0].origin, AceOrigin::deny_read);
  EXPECT_EQ(plan.entries.back().origin, AceOrigin::setup_read_root);
  EXPECT_EQ(plan.entries[4].mask, kAllowWriteMask);
  EXPECT_EQ(plan.entries.back().mask, kAllowReadExecuteMask);
  EXPECT_TRUE(plan.world_writable_dirs.empty());
}

TEST(SetupAclPlan, DenyWriteOverlapRule) {
  SetupRequest request = offline_request();
  request.read_roots.clear();
  request.deny_read_paths.clear();
  request.write_roots = {p("C:\\repo"), p("C:\\repo\\sub"), p("D:\\scratch")};
  request.write_root_sids = {std::string(kRepoSid), "S-1-5-21-5-5-5-5", std::string(kScratchSid)};
  request.deny_write_paths = {p("C:\\repo\\sub\\.git"), p("D:\\"), p("F:\\x")};
  const AclPlan plan = setup_acl_plan(request, kGroupSid);
  std::vector<AclEntry> denies;
  for (const auto& entry : plan.entries) {
    if (entry.kind == AceKind::deny_write) denies.push_back(entry);
  }
  EXPECT_EQ(sorted_entries_text(denies),
            // inside C:\repo and C:\repo\sub: both SIDs.
            "deny_write C:\\repo\\sub\\.git S-1-5-21-2000-2001-2002-2003 create\n"
            "deny_write C:\\repo\\sub\\.git S-1-5-21-5-5-5-5 create\n"
            // D:\ contains D:\scratch: that root's SID.
            "deny_write D:\\ S-1-5-21-4000-4001-4002-4003 create\n"
            // no overlap: every write-root SID.
            "deny_write F:\\x S-1-5-21-2000-2001-2002-2003 create\n"
            "deny_write F:\\x S-1-5-21-4000-4001-4002-4003 create\n"
            "deny_write F:\\x S-1-5-21-5-5-5-5 create\n");
}

TEST(SetupAclPlan, ReadRootThatIsAlsoWrittenGetsOnlyTheWrite) {
  SetupRequest request = offline_request();
  request.read_roots = {p("C:\\repo"), p("C:\\Windows")};
  const AclPlan plan = setup_acl_plan(request, kGroupSid);
  for (const auto& entry : plan.entries) {
    if (entry.kind == AceKind::allow_read_execute && entry.path != request.sandbox_home) {
      EXPECT_EQ(entry.path, p("C:\\Windows"));
    }
  }
}

TEST(SetupAclPlan, NoWriteRootsNoDenyWrite) {
  SetupRequest request = offline_request();
  request.write_roots.clear();
  request.write_root_sids.clear();
  const AclPlan plan = setup_acl_plan(request, kGroupSid);
  for (const auto& entry : plan.entries) {
    EXPECT_NE(entry.kind, AceKind::deny_write);
    EXPECT_EQ(entry.sid, kGroupSid);
  }
  EXPECT_EQ(plan.entries.size(), 4u);  // deny-read + two read roots + the sandbox home
}

TEST(SetupAclPlan, RejectsMissingSidsAndBadGroup) {
  SetupRequest request = offline_request();
  EXPECT_WS_ERROR(setup_acl_plan(request, "WinSandboxUsers"), ErrorCode::invalid_argument,
                  "not a SID");
  EXPECT_WS_ERROR(setup_acl_plan(request, pending_group_sid("WinSandboxUsers")),
                  ErrorCode::invalid_argument, "not a SID");
  request.write_root_sids.pop_back();
  EXPECT_WS_ERROR(setup_acl_plan(request, kGroupSid), ErrorCode::invalid_argument,
                  "1 write-root SIDs for 2 write roots");
  request.write_root_sids = {std::string(kRepoSid), "S-1-5-32-544"};
  EXPECT_WS_ERROR(setup_acl_plan(request, kGroupSid), ErrorCode::invalid_argument, "D:\\scratch");
}

TEST(SetupPaths, UnderTheSandboxHome) {
  const WinPath home = p("C:\\Users\\alice\\.winsandbox");
  EXPECT_EQ(setup_marker_path(home).str(),
            "C:\\Users\\alice\\.winsandbox\\.sandbox\\setup_marker.json");
  EXPECT_EQ(setup_error_path(home).str(),
            "C:\\Users\\alice\\.winsandbox\\.sandbox\\setup_error.json");
  EXPECT_EQ(secrets_file_path(home).str(),
            "C:\\Users\\alice\\.winsandbox\\.sandbox-secrets\\sandbox_users.json");
  EXPECT_EQ(setup_state_directories(home),
            (std::vector<WinPath>{p("C:\\Users\\alice\\.winsandbox\\.sandbox"),
                                  p("C:\\Users\\alice\\.winsandbox\\.sandbox-bin"),
                                  p("C:\\Users\\alice\\.winsandbox\\.sandbox-secrets")}));
}

// ---- status ---------------------------------------------------------------------------------

SetupMarker marker_for(const SetupRequest& request) {
  SetupMarker marker = setup_marker_for(request, "2026-12-06T00:00:00Z");
  marker.group_sid = std::string(kGroupSid);
  marker.offline_sid = "S-1-5-21-9-9-9-1002";
  marker.online_sid = "S-1-5-21-9-9-9-1003";
  return marker;
}

TEST(SetupStatus, MissingCurrentOutdated) {
  const SetupRequest request = offline_request();
  EXPECT_EQ(evaluate_setup_status(std::nullopt, true, request),
            (SetupStatus{SetupState::missing,
                         {{SetupDriftKind::marker_missing, "sandbox setup marker missing"}}}));
  EXPECT_EQ(evaluate_setup_status(std::nullopt, false, request).state, SetupState::missing);
  EXPECT_EQ(evaluate_setup_status(marker_for(request), false, request),
            (SetupStatus{SetupState::missing,
                         {{SetupDriftKind::secrets_missing, "sandbox account secrets missing"}}}));
  EXPECT_EQ(evaluate_setup_status(marker_for(request), true, request),
            (SetupStatus{SetupState::current, {}}));
  // A port inside the policy: still current (no new setup, no prompt).
  SetupRequest moved = request;
  moved.proxy_ports = {9050};
  EXPECT_EQ(evaluate_setup_status(marker_for(request), true, moved).state, SetupState::current);
  // A port outside it: outdated, with the reason.
  moved.proxy_ports = {3128};
  const SetupStatus outdated = evaluate_setup_status(marker_for(request), true, moved);
  EXPECT_EQ(outdated.state, SetupState::outdated);
  ASSERT_EQ(outdated.reasons.size(), 1u);
  EXPECT_EQ(outdated.reasons[0].kind, SetupDriftKind::proxy_ports_changed);
  EXPECT_EQ(dump_json(to_json_value(outdated)),
            R"({"state":"outdated","reasons":[{"kind":"proxy_ports_changed","message":)"
            R"("offline proxy ports outside the permitted ranges (permitted 8080,9000-9100, )"
            R"x(requested [3128])"}]})x");
  EXPECT_EQ(dump_json(to_json_value(SetupStatus{SetupState::current, {}})),
            R"({"state":"current","reasons":[]})");
  EXPECT_EQ(setup_state_name(SetupState::missing), "missing");
}

TEST(SetupStatus, OnlineIdentityIgnoresPorts) {
  SetupRequest request = offline_request();
  SetupMarker marker = marker_for(request);
  request.network_identity = NetworkIdentity::online;
  request.proxy_ports = {3128};
  request.allow_local_binding = true;
  EXPECT_EQ(evaluate_setup_status(marker, true, request).state, SetupState::current);
}

TEST(SetupStatus, FakeSystemMarkerRoundTrips) {
  // Treating a fake marker as missing is the orchestrator's rule; the marker must carry it.
  SetupMarker marker = marker_for(offline_request());
  marker.system = "fake";
  EXPECT_EQ(setup_marker_from_json(setup_marker_to_json(marker)), marker);
}

// ---- the whole plan ---------------------------------------------------------------------------

SetupRequest small_request(SetupMode mode) {
  SetupRequest request = request_for(p("C:\\h"));
  request.workspace_roots = {p("C:\\repo")};
  request.read_roots = {p("C:\\Windows")};
  request.write_roots = {p("C:\\repo")};
  request.write_root_sids = {std::string(kRepoSid)};
  request.deny_read_paths = {p("C:\\repo\\.env")};
  request.deny_write_paths = {p("C:\\repo\\.git")};
  request.proxy_ports = {8080};
  request.proxy_port_policy = {{9000, 9100}};
  request.allow_local_binding = true;
  request.real_user = "alice";
  request.mode = mode;
  return request;
}

constexpr std::string_view kStateDirectoriesJson =
    R"("state_directories":{"action":"ensure","paths":["C:\\h\\.sandbox","C:\\h\\.sandbox-bin",)"
    R"("C:\\h\\.sandbox-secrets"]})";
constexpr std::string_view kLocalBindingFirewallJson =
    R"("firewall":{"ensure":[{"name":"winsandbox_offline_block_outbound","description":)"
    R"("winsandbox offline account: block non-loopback outbound","protocol":"any",)"
    R"("remote_addresses":"0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,::,::2-ffff:ffff:)"
    R"(ffff:ffff:ffff:ffff:ffff:ffff","remote_ports":"*"}],"remove":[)"
    R"("winsandbox_offline_block_loopback_udp","winsandbox_offline_block_loopback_tcp"]})";

std::string aces_json(std::string_view group) {
  const std::string g(group);
  return R"({"path":"C:\\repo\\.env","sid":")" + g +
         R"(","ace":"deny_read","mask":"0x80120089","inheritance":"0x03",)"
         R"("create_directory_if_missing":true,"origin":"deny_read"},)"
         R"({"path":"C:\\repo\\.git","sid":"S-1-5-21-2000-2001-2002-2003","ace":"deny_write",)"
         R"("mask":"0x40130156","inheritance":"0x03","create_directory_if_missing":true,)"
         R"("origin":"missing_subpath"},)"
         R"({"path":"C:\\repo","sid":")" +
         std::string(kRepoSid < group ? kRepoSid : group) +
         R"(","ace":"allow_write","mask":"0x001301BF","inheritance":"0x03",)"
         R"("create_directory_if_missing":false,"origin":"writable_root"},)"
         R"({"path":"C:\\repo","sid":")" +
         std::string(kRepoSid < group ? group : kRepoSid) +
         R"(","ace":"allow_write","mask":"0x001301BF","inheritance":"0x03",)"
         R"("create_directory_if_missing":false,"origin":"writable_root"},)"
         R"({"path":"C:\\h","sid":")" +
         g +
         R"(","ace":"allow_read_execute","mask":"0x001200A9","inheritance":"0x05",)"
         R"("create_directory_if_missing":false,"origin":"setup_read_root"},)"
         R"({"path":"C:\\Windows","sid":")" +
         g +
         R"(","ace":"allow_read_execute","mask":"0x001200A9","inheritance":"0x03",)"
         R"("create_directory_if_missing":false,"origin":"setup_read_root"})";
}

std::string wfp_json(std::string_view action, bool with_filters) {
  std::string out = R"("wfp":{"action":")" + std::string(action) + R"(","provider_key":")" +
                    std::string(kWfpProviderKey) + R"(","sublayer_key":")" +
                    std::string(kWfpSublayerKey) + R"(","filters":[)";
  if (with_filters) {
    bool first = true;
    for (const auto& filter : offline_wfp_filters()) {
      if (!first) out += ",";
      first = false;
      out += R"({"key":")" + filter.key + R"(","name":")" + filter.name + R"(","description":")" +
             filter.description + R"(","layer":")";
      switch (filter.layer) {
        case WfpLayer::ale_auth_connect_v4: out += "ale_auth_connect_v4"; break;
        case WfpLayer::ale_auth_connect_v6: out += "ale_auth_connect_v6"; break;
        case WfpLayer::ale_resource_assignment_v4: out += "ale_resource_assignment_v4"; break;
        case WfpLayer::ale_resource_assignment_v6: out += "ale_resource_assignment_v6"; break;
      }
      out += "\"";
      if (filter.protocol) out += R"(,"protocol":)" + std::to_string(*filter.protocol);
      if (filter.remote_port) out += R"(,"remote_port":)" + std::to_string(*filter.remote_port);
      out += "}";
    }
  }
  return out + "]}";
}

TEST(PlanSetup, FullWithAKnownGroup) {
  const SetupPlan plan = plan_setup(small_request(SetupMode::full), std::string(kGroupSid));
  EXPECT_EQ(plan.aces, setup_acl_plan(small_request(SetupMode::full), kGroupSid).entries);
  EXPECT_EQ(plan.wfp_filters, offline_wfp_filters());
  EXPECT_EQ(dump_json(to_json_value(plan)),
            R"({"mode":"full","group_name":"WinSandboxUsers","group_sid":"S-1-5-21-9-9-9-1001",)"
            R"("accounts":{"action":"ensure","names":["WinSandboxOffline","WinSandboxOnline"]},)" +
                std::string(kStateDirectoriesJson) + "," + std::string(kLocalBindingFirewallJson) +
                "," + wfp_json("install", true) + R"(,"aces":{"action":"apply","entries":[)" +
                aces_json(kGroupSid) + "]}}");
}

// Before the first setup the group does not exist, so its SID is unknown: the plan says
// `"group_sid":null` and its ACEs name the group by a placeholder that is no SID.
TEST(PlanSetup, DryRunBeforeTheGroupExistsNamesTheGroupByAPlaceholder) {
  const SetupPlan plan = plan_setup(small_request(SetupMode::full), std::nullopt);
  EXPECT_EQ(pending_group_sid("WinSandboxUsers"), "<sid of WinSandboxUsers>");
  EXPECT_FALSE(looks_like_sid(pending_group_sid("WinSandboxUsers")));
  const std::string json = dump_json(to_json_value(plan));
  EXPECT_NE(json.find(R"("group_sid":null)"), std::string::npos) << json;
  EXPECT_NE(json.find(aces_json("<sid of WinSandboxUsers>")), std::string::npos) << json;
  // The ACEs are otherwise the real grants: same paths, kinds and root SIDs.
  const auto real = setup_acl_plan(small_request(SetupMode::full), kGroupSid).entries;
  ASSERT_EQ(plan.aces.size(), real.size());
}

TEST(PlanSetup, RefreshOnlyGrants) {
  const SetupPlan plan = plan_setup(small_request(SetupMode::refresh), std::string(kGroupSid));
  EXPECT_TRUE(plan.firewall.ensure.empty());
  EXPECT_TRUE(plan.firewall.remove.empty());
  EXPECT_TRUE(plan.wfp_filters.empty());
  EXPECT_EQ(dump_json(to_json_value(plan)),
            R"({"mode":"refresh","group_name":"WinSandboxUsers","group_sid":"S-1-5-21-9-9-9-1001",)"
            R"("accounts":{"action":"none","names":["WinSandboxOffline","WinSandboxOnline"]},)" +
                std::string(kStateDirectoriesJson) + R"(,"firewall":{"ensure":[],"remove":[]},)" +
                wfp_json("none", false) + R"(,"aces":{"action":"apply","entries":[)" +
                aces_json(kGroupSid) + "]}}");
}

TEST(PlanSetup, ProvisionOnlyNoGrants) {
  SetupRequest request = small_request(SetupMode::provision_only);
  request.allow_local_binding = false;
  const SetupPlan plan = plan_setup(request, std::nullopt);
  EXPECT_TRUE(plan.aces.empty());
  // The firewall permits the proxy ports and the policy range.
  EXPECT_EQ(plan.firewall, offline_firewall_plan(ranges({{8080, 8080}, {9000, 9100}}), false));
  EXPECT_EQ(plan.firewall.ensure.at(2).remote_ports, "1-8079,8081-8999,9101-65535");
  const std::string json = dump_json(to_json_value(plan));
  EXPECT_NE(json.find(R"("mode":"provision-only","group_name":"WinSandboxUsers","group_sid":null,)"
                      R"("accounts":{"action":"ensure")"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(wfp_json("install", true)), std::string::npos);
  EXPECT_NE(json.find(R"("aces":{"action":"none","entries":[]}})"), std::string::npos) << json;
}

TEST(PlanSetup, RepairRewritesEverything) {
  const SetupPlan plan = plan_setup(small_request(SetupMode::repair), std::string(kGroupSid));
  const SetupPlan full = plan_setup(small_request(SetupMode::full), std::string(kGroupSid));
  EXPECT_EQ(plan.firewall, full.firewall);
  EXPECT_EQ(plan.wfp_filters, full.wfp_filters);
  EXPECT_EQ(plan.aces, full.aces);
  const std::string json = dump_json(to_json_value(plan));
  EXPECT_NE(json.find(R"("aces":{"action":"rewrite",)"), std::string::npos) << json;
}

TEST(PlanSetup, UninstallRemovesByName) {
  const SetupPlan plan = plan_setup(small_request(SetupMode::uninstall), std::nullopt);
  EXPECT_TRUE(plan.aces.empty());
  EXPECT_EQ(dump_json(to_json_value(plan)),
            R"({"mode":"uninstall","group_name":"WinSandboxUsers","group_sid":null,)"
            R"("accounts":{"action":"remove","names":["WinSandboxOffline","WinSandboxOnline"]},)"
            R"("state_directories":{"action":"remove","paths":["C:\\h\\.sandbox-bin",)"
            R"("C:\\h\\.sandbox-secrets"]},"firewall":{"ensure":[],"remove":[)"
            R"("winsandbox_offline_block_outbound","winsandbox_offline_block_loopback_udp",)"
            R"("winsandbox_offline_block_loopback_tcp"]},)" +
                wfp_json("remove", true) + R"(,"aces":{"action":"revoke_recorded","entries":[]}})");
}

TEST(PlanSetup, RejectsARequestWithoutRootSids) {
  SetupRequest request = small_request(SetupMode::full);
  request.write_root_sids.clear();
  EXPECT_WS_ERROR(plan_setup(request, std::nullopt), ErrorCode::invalid_argument,
                  "0 write-root SIDs for 1 write roots");
  // Provision-only and uninstall touch no ACL: the SIDs do not matter.
  request.mode = SetupMode::provision_only;
  EXPECT_NO_THROW(plan_setup(request, std::nullopt));
}

}  // namespace
}  // namespace winsandbox
