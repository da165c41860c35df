// parse_json on untrusted input: nesting depth, duplicate keys, objects with many keys, floods of
// brackets, and error messages that stay bounded whatever the input; checked through every kind
// of document that reaches it.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "common/json_cursor.hpp"
#include "test_support.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox {
namespace {

// `depth` arrays nested around `inner`.
std::string nested_arrays(std::size_t depth, std::string_view inner = "") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

// `depth` objects nested as {"k":{"k":...}}.
std::string nested_objects(std::size_t depth) {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) out += R"({"k":)";
  out += "0";
  return out + std::string(depth, '}');
}

TEST(ParseJson, NestingUpToTheLimitIsAcceptedAndOneMoreIsRefused) {
  ASSERT_EQ(kMaxJsonDepth, 64u);
  const Json arrays = parse_json(nested_arrays(64, "7"), ErrorCode::invalid_profile);
  const Json* inner = &arrays;
  for (int i = 0; i < 64; ++i) inner = &inner->at(0);
  EXPECT_EQ(*inner, 7);
  EXPECT_NO_THROW(parse_json(nested_objects(64), ErrorCode::invalid_profile));

  EXPECT_WS_ERROR(parse_json(nested_arrays(65), ErrorCode::invalid_profile),
                  ErrorCode::invalid_profile, "nesting deeper than the limit of 64");
  EXPECT_WS_ERROR(parse_json(nested_objects(65), ErrorCode::ipc_malformed_message),
                  ErrorCode::ipc_malformed_message, "nesting deeper than the limit of 64");
  EXPECT_WS_ERROR(parse_json("[" + nested_objects(64) + "]", ErrorCode::invalid_snapshot),
                  ErrorCode::invalid_snapshot, "limit of 64");
}

TEST(ParseJson, FloodOfOpeningBracketsStopsAtTheLimit) {
  // 8 MiB of `[` (the largest IPC frame): refused at bracket 65, not at the end of the input,
  // which is what a syntax error would be reported at.
  const std::string flood(8u << 20, '[');
  EXPECT_WS_ERROR(parse_json(flood, ErrorCode::ipc_malformed_message),
                  ErrorCode::ipc_malformed_message, "nesting deeper than the limit of 64");
  const std::string objects = nested_objects(1u << 18);
  EXPECT_WS_ERROR(parse_json(objects, ErrorCode::invalid_profile), ErrorCode::invalid_profile,
                  "nesting deeper than the limit of 64");
}

// `count` copies of `item`, comma-separated, in an array.
std::string array_of(std::string_view item, std::size_t count) {
  std::string out = "[";
  for (std::size_t i = 0; i < count; ++i) (out += i ? "," : "") += item;
  return out + "]";
}

TEST(ParseJson, MemoryStaysProportionalToTheInput) {
  // An empty array costs its value and a heap vector, 16 times its three bytes `[],`: refused.
  for (const char* item : {"[]", "{}"}) {
    EXPECT_WS_ERROR(parse_json(array_of(item, 1u << 18), ErrorCode::ipc_malformed_message),
                    ErrorCode::ipc_malformed_message, "more than 12 bytes of memory per byte");
  }
  // Small documents have some slack; plain scalars, strings and real documents fit.
  EXPECT_EQ(parse_json(array_of("[]", 1000), ErrorCode::io_error).size(), 1000u);
  EXPECT_EQ(parse_json(array_of("0", 1u << 18), ErrorCode::io_error).size(), 1u << 18);
  EXPECT_EQ(parse_json(array_of(R"("S-1-15-3-1024-1")", 1u << 14), ErrorCode::io_error).size(),
            1u << 14);
  EXPECT_EQ(parse_json(array_of(R"({"path":"C:\\repo\\a\\b.txt","type":"file"})", 1u << 14),
                       ErrorCode::io_error)
                .size(),
            1u << 14);
  EXPECT_EQ(
      parse_json(array_of(R"({"k":[1,2],"v":{"w":null}})", 1u << 14), ErrorCode::io_error).size(),
      1u << 14);
}

TEST(ParseJson, DuplicateKeysAreRefusedAtAnyDepthWithTheirPath) {
  EXPECT_WS_ERROR(parse_json(R"({"a":1,"b":2,"a":1})", ErrorCode::invalid_policy),
                  ErrorCode::invalid_policy, "$: duplicate key `a`");
  EXPECT_WS_ERROR(parse_json(R"({"x":[{"ok":1},{"y":{"k":1,"k":2}}]})", ErrorCode::io_error),
                  ErrorCode::io_error, "$.x[1].y: duplicate key `k`");
  // The first key to repeat is named, whatever the sort order of the keys.
  EXPECT_WS_ERROR(parse_json(R"({"z":1,"b":1,"z":2,"b":2})", ErrorCode::io_error),
                  ErrorCode::io_error, "duplicate key `z`");
  // Keys are compared byte for byte, as JSON defines them: case and escapes do not hide them.
  EXPECT_WS_ERROR(parse_json(R"({"type":1,"typ\u0065":2})", ErrorCode::io_error),
                  ErrorCode::io_error, "duplicate key `type`");
  const Json distinct = parse_json(R"({"a":1,"A":2,"a ":3})", ErrorCode::io_error);
  EXPECT_EQ(distinct.size(), 3u);
}

TEST(ParseJson, KeepsKeyOrderAndValues) {
  const Json value =
      parse_json(R"({"z":[1,-2,3.5,"s",null,true],"a":{},"m":[]})", ErrorCode::io_error);
  EXPECT_EQ(dump_json(value), R"({"z":[1,-2,3.5,"s",null,true],"a":{},"m":[]})");
  EXPECT_EQ(parse_json("\"top\"", ErrorCode::io_error), "top");
  EXPECT_WS_ERROR(parse_json("[1e400]", ErrorCode::io_error), ErrorCode::io_error, "invalid JSON");
  EXPECT_WS_ERROR(parse_json(R"({"a":1} x)", ErrorCode::io_error), ErrorCode::io_error,
                  "invalid JSON");
}

TEST(ParseJson, ObjectWithManyKeysParsesQuickly) {
  // ordered_json's own parser searched the keys before each insertion: 80k keys took seconds.
  std::string text = "{";
  for (int i = 0; i < 80000; ++i)
    text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += "}";
  const auto start = std::chrono::steady_clock::now();
  const Json value = parse_json(text, ErrorCode::invalid_snapshot);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(value.size(), 80000u);
  EXPECT_EQ(value.begin().key(), "k0");
  EXPECT_EQ(value.at("k79999"), 79999);
  // A bound two orders of magnitude above the expected time, so only a quadratic parse fails.
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  // The duplicate check still sees a repeat among them.
  text.back() = ',';
  text += R"("k40000":0})";
  EXPECT_WS_ERROR(parse_json(text, ErrorCode::invalid_snapshot), ErrorCode::invalid_snapshot,
                  "duplicate key `k40000`");
}

TEST(ParseJson, DescribeJsonIsBoundedAndNeverRecursive) {
  EXPECT_EQ(describe_json(Json(12)), "12");
  EXPECT_EQ(describe_json(Json("ab")), "\"ab\"");
  EXPECT_EQ(describe_json(Json::array()), "an array");
  EXPECT_EQ(describe_json(parse_json(nested_objects(64), ErrorCode::io_error)), "an object");
  EXPECT_LT(describe_json(Json(std::string(1 << 20, 'x'))).size(), 100u);
  EXPECT_EQ(describe_json(Json("x" + std::string(100, 'y'))),
            "\"x" + std::string(62, 'y') + "... (103 bytes)");
  // Cut before a character, never inside one: byte 64 would be the middle of an "é".
  std::string accents;
  for (int i = 0; i < 50; ++i) accents += "\u00e9";
  std::string expected = "\"";
  for (int i = 0; i < 31; ++i) expected += "\u00e9";
  EXPECT_EQ(describe_json(parse_json("\"" + accents + "\"", ErrorCode::io_error)),
            expected + "... (102 bytes)");
  const Json document = parse_json(R"({"n":[[[1]]]})", ErrorCode::io_error);
  EXPECT_WS_ERROR(JsonCursor(document, ErrorCode::io_error).field("n").unsigned_integer(),
                  ErrorCode::io_error, "$.n: expected a non-negative integer, got an array");
}

// --- every kind of document -----------------------------------------------------------------

TEST(ParseJson, ProfilesRefuseDuplicateKeysAndDeepNesting) {
  // Last-wins would have made this profile writable.
  EXPECT_WS_ERROR(
      profile_from_json(
          R"({"type":"managed","file_system":{"type":"restricted","type":"unrestricted"},"network":"restricted"})"),
      ErrorCode::invalid_profile, "$.file_system: duplicate key `type`");
  EXPECT_WS_ERROR(
      profile_from_json(
          R"({"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read","access":"write"}]},"network":"restricted"})"),
      ErrorCode::invalid_profile, "$.file_system.entries[0]: duplicate key `access`");
  EXPECT_WS_ERROR(profile_from_json(R"({"type":"managed","x":)" + nested_arrays(64) + "}"),
                  ErrorCode::invalid_profile, "limit of 64");
}

TEST(ParseJson, PoliciesRefuseDuplicateKeys) {
  EXPECT_WS_ERROR(policy_from_json(R"({"type":"read-only","type":"workspace-write"})"),
                  ErrorCode::invalid_policy, "$: duplicate key `type`");
  EXPECT_WS_ERROR(policy_from_json(R"({"type":"read-only","x":)" + nested_arrays(65) + "}"),
                  ErrorCode::invalid_policy, "limit of 64");
}

TEST(ParseJson, SnapshotsRefuseDuplicateKeys) {
  EXPECT_WS_ERROR(
      SnapshotFileSystem::from_json(
          R"({"nodes":[{"path":"C:\\repo","type":"dir"},{"path":"C:\\x","type":"file","path":"C:\\y"}]})"),
      ErrorCode::invalid_snapshot, "$.nodes[1]: duplicate key `path`");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(R"({"nodes":[],"nodes":[]})"),
                  ErrorCode::invalid_snapshot, "duplicate key `nodes`");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(R"({"nodes":)" + nested_arrays(65) + "}"),
                  ErrorCode::invalid_snapshot, "limit of 64");
}

}  // namespace
}  // namespace winsandbox
