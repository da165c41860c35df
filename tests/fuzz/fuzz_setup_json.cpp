// Fuzz target: the setup's decoders — the setup request the elevated helper reads from its pipe
// (setup_request_from_json), the marker and the error report it leaves in the sandbox home
// (setup_marker_from_json, setup_error_report_from_json) and the port range syntax
// (parse_port_ranges).
//
// Input: one selector byte, then the text. The selector modulo 4 picks the decoder: 0 request,
// 1 marker, 2 error report, 3 port ranges (seeds use '0'..'3'). Properties:
// * rejection is Error(invalid_argument) only;
// * an accepted document re-encodes canonically: decoding its encoding gives an equal value,
//   whose encoding is byte for byte the same;
// * an accepted request plans: plan_setup either works or refuses with invalid_argument; the
//   ACEs it plans are sorted and unique, and a marker made for the request (with SIDs) makes the
//   status `current` (a setup never asks for itself again);
// * accepted port ranges are normalized, format and parse back equal, and the complement is
//   exactly the ports outside them.
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "plan/setup_plan.hpp"
#include "winsandbox/setup_request.hpp"

namespace winsandbox::fuzz {
namespace {

constexpr std::string_view kGroupSid = "S-1-5-21-1-2-3-1001";

void check_request(std::string_view text) {
  std::optional<SetupRequest> parsed;
  try {
    parsed = setup_request_from_json(text);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_argument}, "setup_request_from_json");
    return;
  }
  const SetupRequest& request = *parsed;
  const std::string json = setup_request_to_json(request);
  const SetupRequest again = setup_request_from_json(json);
  WS_FUZZ_CHECK(again == request, "parse(to_json(r)) != r for " + escape_bytes(json));
  WS_FUZZ_CHECK(setup_request_to_json(again) == json, escape_bytes(json));

  try {
    const SetupPlan plan = plan_setup(request, std::string(kGroupSid));
    for (std::size_t i = 1; i < plan.aces.size(); ++i) {
      const AclEntry& a = plan.aces[i - 1];
      const AclEntry& b = plan.aces[i];
      WS_FUZZ_CHECK(!a.same_ace(b), "duplicate ACE on " + escape_bytes(b.path.str()));
      WS_FUZZ_CHECK(a.kind < b.kind || (a.kind == b.kind && !(b.path < a.path)),
                    "ACEs out of order at " + escape_bytes(b.path.str()));
    }
    (void)dump_json(to_json_value(plan));
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_argument}, "plan_setup");
  }

  SetupMarker marker = setup_marker_for(request, "2026-12-06T00:00:00Z");
  marker.group_sid = std::string(kGroupSid);
  marker.offline_sid = "S-1-5-21-1-2-3-1002";
  marker.online_sid = "S-1-5-21-1-2-3-1003";
  const SetupStatus status = evaluate_setup_status(marker, true, request);
  WS_FUZZ_CHECK(status.state == SetupState::current && status.reasons.empty(),
                "the marker of a setup does not fit its own request: " + escape_bytes(json));
  WS_FUZZ_CHECK(setup_marker_from_json(setup_marker_to_json(marker)) == marker,
                "the marker of a request does not round-trip: " + escape_bytes(json));
}

void check_marker(std::string_view text) {
  SetupMarker marker;
  try {
    marker = setup_marker_from_json(text);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_argument}, "setup_marker_from_json");
    return;
  }
  const std::string json = setup_marker_to_json(marker);
  const SetupMarker again = setup_marker_from_json(json);
  WS_FUZZ_CHECK(again == marker, "parse(to_json(m)) != m for " + escape_bytes(json));
  WS_FUZZ_CHECK(setup_marker_to_json(again) == json, escape_bytes(json));
  WS_FUZZ_CHECK(marker.system == "windows" || marker.system == "fake", escape_bytes(json));
}

void check_report(std::string_view text) {
  SetupErrorReport report;
  try {
    report = setup_error_report_from_json(text);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_argument}, "setup_error_report_from_json");
    return;
  }
  const std::string json = setup_error_report_to_json(report);
  const SetupErrorReport again = setup_error_report_from_json(json);
  WS_FUZZ_CHECK(again == report, "parse(to_json(e)) != e for " + escape_bytes(json));
  WS_FUZZ_CHECK(setup_error_report_to_json(again) == json, escape_bytes(json));
  WS_FUZZ_CHECK(setup_error_summary(report).starts_with(setup_error_code_name(report.code)),
                escape_bytes(json));
}

void check_port_ranges(std::string_view text) {
  std::vector<PortRange> ranges;
  try {
    ranges = parse_port_ranges(text);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::invalid_argument}, "parse_port_ranges");
    return;
  }
  WS_FUZZ_CHECK(normalize_port_ranges(ranges) == ranges, "not normalized: " + escape_bytes(text));
  const std::string formatted = format_port_ranges(ranges);
  WS_FUZZ_CHECK(parse_port_ranges(formatted) == ranges, escape_bytes(formatted));
  WS_FUZZ_CHECK(ports_within(ranges, ranges), escape_bytes(formatted));

  // The complement and the ranges partition 1..65535.
  const std::string complement = port_complement(ranges);
  const std::vector<PortRange> outside = parse_port_ranges(complement);
  for (const auto& range : outside) {
    for (std::uint32_t port : {std::uint32_t{range.first}, std::uint32_t{range.last}}) {
      const std::vector<PortRange> one{
          {static_cast<std::uint16_t>(port), static_cast<std::uint16_t>(port)}};
      WS_FUZZ_CHECK(!ports_within(one, ranges), "complement " + complement + " overlaps " +
                                                    formatted + " at " + std::to_string(port));
    }
  }
  std::vector<PortRange> all = ranges;
  all.insert(all.end(), outside.begin(), outside.end());
  const std::vector<PortRange> everything{{1, 65535}};
  WS_FUZZ_CHECK(normalize_port_ranges(all) == everything,
                "complement " + complement + " of " + formatted + " leaves a gap");
}

}  // namespace

void check_setup_json(std::string_view input) {
  if (input.empty()) return;
  const std::string_view text = input.substr(1);
  switch (static_cast<unsigned char>(input.front()) % 4) {
    case 0: check_request(text); break;
    case 1: check_marker(text); break;
    case 2: check_report(text); break;
    default: check_port_ranges(text); break;
  }
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_setup_json)
