// Runner IPC v2 JSON codec: the golden bodies of docs/elevated.md#example-frames, defaults, ignored
// unknown fields, and every rejection with its error code and JSON path.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ipc_examples.hpp"
#include "test_support.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox {
namespace {

using ipc_test::example_spawn_request;
using ipc_test::ipc_examples;
using ipc_test::kSpawnRequestJson;

// Replaces the first occurrence of `from` (which must exist) in `text`.
std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const auto at = out.find(from);
  EXPECT_NE(at, std::string::npos) << "`" << from << "` not in " << text;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

IpcSpawnRequest spawn_request_from(std::string_view json) {
  const IpcMessage message = ipc_message_from_json(json);
  EXPECT_TRUE(std::holds_alternative<IpcSpawnRequest>(message));
  return std::holds_alternative<IpcSpawnRequest>(message) ? std::get<IpcSpawnRequest>(message)
                                                          : IpcSpawnRequest{};
}

TEST(IpcMessage, ExamplesEncodeToTheReferenceJsonByteForByte) {
  for (const auto& example : ipc_examples()) {
    EXPECT_EQ(ipc_message_to_json(example.message), example.json) << example.name;
  }
}

TEST(IpcMessage, ExamplesDecodeToTheirMessages) {
  for (const auto& example : ipc_examples()) {
    EXPECT_EQ(ipc_message_from_json(example.json), example.message) << example.name;
  }
}

TEST(IpcMessage, TypeNamesMatchTheWire) {
  const std::vector<std::string_view> expected = {
      "spawn_request", "spawn_ready", "output",      "output", "exit",     "exit",
      "error",         "stdin",       "close_stdin", "resize", "terminate"};
  const auto examples = ipc_examples();
  ASSERT_EQ(examples.size(), expected.size());
  for (std::size_t i = 0; i < examples.size(); ++i) {
    EXPECT_EQ(ipc_message_type(examples[i].message), expected[i]);
  }
}

// docs/elevated.md#spawn-request: the profile travels as the
// tagged profile JSON, never as a legacy policy string.
TEST(IpcMessage, SpawnRequestCarriesTheProfileNotALegacyPolicy) {
  const std::string json = ipc_message_to_json(example_spawn_request());
  EXPECT_EQ(json.find("policy_json_or_preset"), std::string::npos);
  EXPECT_EQ(json.find("sandbox_policy_cwd"), std::string::npos);
  EXPECT_EQ(json.find("codex_home"), std::string::npos);
  const IpcSpawnRequest back = spawn_request_from(json);
  EXPECT_EQ(back.permission_profile, PermissionProfile::read_only());
  EXPECT_EQ(back.permission_profile_cwd, R"(C:\workspace)");
}

TEST(IpcMessage, SpawnRequestWithEveryOptionalPartRoundTripsByteForByte) {
  constexpr std::string_view kJson =
      R"({"version":2,"type":"spawn_request","payload":{"command":["git","status"],)"
      R"("cwd":"C:\\repo\\sub","env":{"Path":"C:\\Windows","TEMP":"C:\\t","=C:":"C:\\repo"},)"
      R"("permission_profile":{"type":"managed","file_system":{"type":"restricted","entries":[)"
      R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"},)"
      R"({"path":{"type":"path","path":"D:\\scratch"},"access":"write"}]},"network":"enabled"},)"
      R"("permission_profile_cwd":"C:\\repo","workspace_roots":["C:\\repo","E:\\other"],)"
      R"("sandbox_home":"C:\\h\\.sandbox","real_sandbox_home":"C:\\h",)"
      R"("cap_sids":["S-1-5-21-1-2-3-4","S-1-5-21-1-2-3-5"],"timeout_ms":null,"tty":true,)"
      R"("stdin_open":true,"use_private_desktop":true}})";
  const IpcSpawnRequest request = spawn_request_from(kJson);
  EXPECT_EQ(request.command, (std::vector<std::string>{"git", "status"}));
  EXPECT_EQ(request.cwd, R"(C:\repo\sub)");
  ASSERT_EQ(request.env.entries().size(), 3u);
  EXPECT_EQ(request.env.get("PATH"), "C:\\Windows");
  EXPECT_EQ(request.env.get("=C:"), "C:\\repo");
  EXPECT_EQ(request.workspace_roots, (std::vector<std::string>{R"(C:\repo)", R"(E:\other)"}));
  EXPECT_EQ(request.timeout_ms, std::nullopt);
  EXPECT_TRUE(request.tty);
  EXPECT_TRUE(request.stdin_open);
  EXPECT_TRUE(request.use_private_desktop);
  EXPECT_EQ(ipc_message_to_json(request), kJson);
}

TEST(IpcMessage, PathsAreKeptAsSentNotNormalized) {
  const IpcSpawnRequest request = spawn_request_from(
      replaced(kSpawnRequestJson, R"("cwd":"C:\\workspace")", R"("cwd":"c:/workspace/")"));
  EXPECT_EQ(request.cwd, "c:/workspace/");
}

TEST(IpcMessage, SpawnRequestOptionalFieldsDefaultAsInTheReference) {
  std::string json = replaced(kSpawnRequestJson, R"(,"stdin_open":false)", "");
  json = replaced(json, R"(,"use_private_desktop":false)", "");
  json = replaced(json, R"("timeout_ms":1000,)", "");
  const IpcSpawnRequest request = spawn_request_from(json);
  EXPECT_FALSE(request.stdin_open);
  EXPECT_FALSE(request.use_private_desktop);
  EXPECT_EQ(request.timeout_ms, std::nullopt);
  EXPECT_EQ(request.workspace_roots, std::nullopt);

  const IpcSpawnRequest with_null_roots = spawn_request_from(
      replaced(kSpawnRequestJson, R"("sandbox_home")", R"("workspace_roots":null,"sandbox_home")"));
  EXPECT_EQ(with_null_roots.workspace_roots, std::nullopt);
  EXPECT_EQ(ipc_message_to_json(with_null_roots), kSpawnRequestJson);
}

TEST(IpcMessage, KeyOrderDoesNotMatterOnInput) {
  const IpcMessage message = ipc_message_from_json(
      R"({"payload":{"timed_out":true,"exit_code":-1073741502},"type":"exit","version":2})");
  EXPECT_EQ(message, IpcMessage(IpcExit{-1073741502, true}));
  EXPECT_EQ(ipc_message_to_json(message),
            R"({"version":2,"type":"exit","payload":{"exit_code":-1073741502,"timed_out":true}})");
}

TEST(IpcMessage, UnknownFieldsAreIgnoredAndDroppedOnReencoding) {
  const IpcMessage message = ipc_message_from_json(
      R"({"version":2,"trace":"x","type":"resize","payload":{"rows":1,"cols":2,"dpi":96}})");
  EXPECT_EQ(message, IpcMessage(IpcResize{1, 2}));
  EXPECT_EQ(ipc_message_to_json(message),
            R"({"version":2,"type":"resize","payload":{"rows":1,"cols":2}})");
  const IpcSpawnRequest request = spawn_request_from(
      replaced(kSpawnRequestJson, R"("tty":false)", R"("tty":false,"future":{"a":[1]})"));
  EXPECT_EQ(request, example_spawn_request());
}

TEST(IpcMessage, BinaryPayloadsRoundTripEveryByte) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  for (const IpcMessage& message : {IpcMessage(IpcOutput{IpcOutputStream::standard_error, bytes}),
                                    IpcMessage(IpcStdin{bytes}), IpcMessage(IpcStdin{""})}) {
    EXPECT_EQ(ipc_message_from_json(ipc_message_to_json(message)), message);
  }
}

// Output frames have a direct path for the exact form the encoder writes (ipc_message.cpp);
// every other spelling of an output frame, valid or not, must read as the general decoder reads
// it.
TEST(IpcMessage, OutputFramesInAnyValidSpellingDecodeAlike) {
  const IpcMessage hello(IpcOutput{IpcOutputStream::standard_output, "hello"});
  EXPECT_EQ(ipc_message_to_json(hello),
            R"({"version":2,"type":"output","payload":{"data_b64":"aGVsbG8=","stream":"stdout"}})");
  for (
      const std::string_view json : {
          R"({"version":2,"type":"output","payload":{"data_b64":"aGVsbG8=","stream":"stdout"}})",
          R"({"type":"output","version":2,"payload":{"stream":"stdout","data_b64":"aGVsbG8="}})",
          R"({"version":2,"type":"output","payload":{"data_b64":"aGVs\u0062G8=","stream":"stdout"}})",
          R"({"version":2,"type":"output","payload":{"data_b64":"aGVsbG8=","stream":"stdout","x":1}})",
          R"( {"version":2,"type":"output","payload":{"data_b64":"aGVsbG8=","stream":"stdout"}})",
      }) {
    SCOPED_TRACE(json);
    EXPECT_EQ(ipc_message_from_json(json), hello);
  }
  const IpcMessage empty_err(IpcOutput{IpcOutputStream::standard_error, ""});
  EXPECT_EQ(ipc_message_from_json(ipc_message_to_json(empty_err)), empty_err);
}

TEST(IpcMessage, OutputFramesInTheEncodersFormStillRefuseWhatIsInvalid) {
  const std::string prefix = R"({"version":2,"type":"output","payload":{"data_b64":")";
  for (const std::string data : {"aGVsbG8", "aGV=bG8=", "aGVs\"bG8=", "aGVs\\bG8=", "aGVsbG9="}) {
    SCOPED_TRACE(data);
    EXPECT_WS_ERROR(ipc_message_from_json(prefix + data + R"(","stream":"stdout"}})"),
                    ErrorCode::ipc_malformed_message, "");
  }
  EXPECT_WS_ERROR(ipc_message_from_json(prefix + R"(aGVsbG8=","stream":"stdin"}})"),
                  ErrorCode::ipc_malformed_message, "stdin");
  EXPECT_WS_ERROR(ipc_message_from_json(prefix + R"(aGVsbG8=","stream":"stdout"}} )" + "x"),
                  ErrorCode::ipc_malformed_message, "");
  EXPECT_WS_ERROR(ipc_message_from_json(prefix + R"(aGVsbG8=","stream":"stdout"},"payload":{}})"),
                  ErrorCode::ipc_malformed_message, "");
}

TEST(IpcMessage, IntegerBoundsAreAccepted) {
  EXPECT_EQ(ipc_message_from_json(
                R"({"version":2,"type":"spawn_ready","payload":{"process_id":4294967295}})"),
            IpcMessage(IpcSpawnReady{4294967295u}));
  EXPECT_EQ(
      ipc_message_from_json(R"({"version":2,"type":"resize","payload":{"rows":65535,"cols":0}})"),
      IpcMessage(IpcResize{65535, 0}));
  EXPECT_EQ(
      ipc_message_from_json(
          R"({"version":2,"type":"exit","payload":{"exit_code":-2147483648,"timed_out":false}})"),
      IpcMessage(IpcExit{-2147483647 - 1, false}));
  EXPECT_EQ(
      ipc_message_from_json(
          R"({"version":2,"type":"exit","payload":{"exit_code":2147483647,"timed_out":false}})"),
      IpcMessage(IpcExit{2147483647, false}));
  const IpcSpawnRequest request = spawn_request_from(
      replaced(kSpawnRequestJson, R"("timeout_ms":1000)", R"("timeout_ms":18446744073709551615)"));
  EXPECT_EQ(request.timeout_ms, 18446744073709551615ull);
}

// --- rejections ---------------------------------------------------------------------------

TEST(IpcMessage, OtherProtocolVersionsAreAMismatch) {
  for (const char* version : {"1", "3", "0", "-1", "255", "256"}) {
    EXPECT_WS_ERROR(ipc_message_from_json(std::string(R"({"version":)") + version +
                                          R"(,"type":"terminate","payload":{}})"),
                    ErrorCode::ipc_protocol_mismatch, std::string("version ") + version);
  }
  // The version is judged before the type: a v1 peer's unknown message is still a mismatch.
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":1,"type":"spawn_legacy","payload":{}})"),
                  ErrorCode::ipc_protocol_mismatch, "expected 2");
  // The reference's own spawn_request frame with the v1 version number.
  EXPECT_WS_ERROR(
      ipc_message_from_json(replaced(kSpawnRequestJson, R"("version":2)", R"("version":1)")),
      ErrorCode::ipc_protocol_mismatch, "version 1");
}

TEST(IpcMessage, VersionThatIsNotAnIntegerIsMalformed) {
  for (const char* version : {R"("2")", "2.0", "null", "true"}) {
    EXPECT_WS_ERROR(ipc_message_from_json(std::string(R"({"version":)") + version +
                                          R"(,"type":"terminate","payload":{}})"),
                    ErrorCode::ipc_malformed_message, "$.version");
  }
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"type":"terminate","payload":{}})"),
                  ErrorCode::ipc_malformed_message, "missing required field `version`");
}

TEST(IpcMessage, UnknownTypeIsMalformed) {
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":2,"type":"reboot","payload":{}})"),
                  ErrorCode::ipc_malformed_message, "unknown message type `reboot`");
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":2,"type":"Terminate","payload":{}})"),
                  ErrorCode::ipc_malformed_message, "unknown message type `Terminate`");
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":2,"payload":{}})"),
                  ErrorCode::ipc_malformed_message, "missing required field `type`");
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":2,"type":7,"payload":{}})"),
                  ErrorCode::ipc_malformed_message, "$.type: expected a string");
}

TEST(IpcMessage, BodyThatIsNotAJsonObjectIsMalformed) {
  for (const char* body : {"", "hello", "{", R"({"version":2,"type":"terminate","payload":{}} x)",
                           "[]", "2", "\"text\"", "\xff\xfe"}) {
    EXPECT_WS_ERROR(ipc_message_from_json(body), ErrorCode::ipc_malformed_message, "");
  }
  // Invalid UTF-8 inside a string.
  EXPECT_WS_ERROR(
      ipc_message_from_json("{\"version\":2,\"type\":\"error\",\"payload\":{\"message\":\"\xc3\","
                            "\"code\":\"x\"}}"),
      ErrorCode::ipc_malformed_message, "invalid JSON");
}

TEST(IpcMessage, PayloadMustBeAnObject) {
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":2,"type":"terminate"})"),
                  ErrorCode::ipc_malformed_message, "missing required field `payload`");
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":2,"type":"close_stdin","payload":null})"),
                  ErrorCode::ipc_malformed_message, "$.payload: expected an object");
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":2,"type":"terminate","payload":[]})"),
                  ErrorCode::ipc_malformed_message, "$.payload: expected an object");
}

TEST(IpcMessage, EveryRequiredSpawnRequestFieldIsRequired) {
  const std::vector<std::pair<std::string_view, std::string_view>> required = {
      {"command", R"("command":["cmd.exe","/c","ver"],)"},
      {"cwd", R"("cwd":"C:\\workspace",)"},
      {"env", R"("env":{},)"},
      {"permission_profile",
       R"("permission_profile":{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"}]},"network":"restricted"},)"},
      {"permission_profile_cwd", R"("permission_profile_cwd":"C:\\workspace",)"},
      {"sandbox_home", R"("sandbox_home":"C:\\codex",)"},
      {"real_sandbox_home", R"("real_sandbox_home":"C:\\Users\\codex",)"},
      {"cap_sids", R"("cap_sids":["S-1-15-3-1024-1"],)"},
      {"tty", R"("tty":false,)"},
  };
  for (const auto& [field, text] : required) {
    EXPECT_WS_ERROR(ipc_message_from_json(replaced(kSpawnRequestJson, text, "")),
                    ErrorCode::ipc_malformed_message,
                    "$.payload: missing required field `" + std::string(field) + "`");
  }
}

TEST(IpcMessage, ReferenceHomeFieldNamesAreNotAccepted) {
  std::string json = replaced(kSpawnRequestJson, R"("sandbox_home")", R"("codex_home")");
  json = replaced(json, R"("real_sandbox_home")", R"("real_codex_home")");
  EXPECT_WS_ERROR(ipc_message_from_json(json), ErrorCode::ipc_malformed_message,
                  "missing required field `sandbox_home`");
}

TEST(IpcMessage, EveryRequiredFieldOfTheSmallMessagesIsRequired) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {R"({"version":2,"type":"spawn_ready","payload":{}})", "`process_id`"},
      {R"({"version":2,"type":"output","payload":{"stream":"stdout"}})", "`data_b64`"},
      {R"({"version":2,"type":"output","payload":{"data_b64":""}})", "`stream`"},
      {R"({"version":2,"type":"stdin","payload":{}})", "`data_b64`"},
      {R"({"version":2,"type":"resize","payload":{"cols":80}})", "`rows`"},
      {R"({"version":2,"type":"resize","payload":{"rows":24}})", "`cols`"},
      {R"({"version":2,"type":"exit","payload":{"timed_out":false}})", "`exit_code`"},
      {R"({"version":2,"type":"exit","payload":{"exit_code":0}})", "`timed_out`"},
      {R"({"version":2,"type":"error","payload":{"code":"spawn_failed"}})", "`message`"},
      {R"({"version":2,"type":"error","payload":{"message":"m"}})", "`code`"},
  };
  for (const auto& [json, field] : cases) {
    EXPECT_WS_ERROR(ipc_message_from_json(json), ErrorCode::ipc_malformed_message,
                    "$.payload: missing required field " + std::string(field));
  }
}

TEST(IpcMessage, WrongTypesAndRangesAreMalformed) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {R"({"version":2,"type":"spawn_ready","payload":{"process_id":-1}})", "$.payload.process_id"},
      {R"({"version":2,"type":"spawn_ready","payload":{"process_id":4294967296}})",
       "out of range [0, 4294967295]"},
      {R"({"version":2,"type":"spawn_ready","payload":{"process_id":"42"}})",
       "$.payload.process_id: expected an integer"},
      {R"({"version":2,"type":"resize","payload":{"rows":65536,"cols":80}})", "$.payload.rows"},
      {R"({"version":2,"type":"resize","payload":{"rows":24,"cols":1.5}})", "$.payload.cols"},
      {R"({"version":2,"type":"exit","payload":{"exit_code":2147483648,"timed_out":false}})",
       "$.payload.exit_code"},
      {R"({"version":2,"type":"exit","payload":{"exit_code":-2147483649,"timed_out":false}})",
       "$.payload.exit_code"},
      {R"({"version":2,"type":"exit","payload":{"exit_code":0,"timed_out":0}})",
       "$.payload.timed_out: expected a boolean"},
      {R"({"version":2,"type":"output","payload":{"data_b64":"aGVsbG8=","stream":"stdlog"}})",
       "unknown output stream `stdlog`"},
      {R"({"version":2,"type":"output","payload":{"data_b64":"aGVsbG8","stream":"stdout"}})",
       "$.payload.data_b64: not canonical padded base64"},
      {R"({"version":2,"type":"stdin","payload":{"data_b64":"ZGly DQo="}})", "$.payload.data_b64"},
      {R"({"version":2,"type":"error","payload":{"message":null,"code":"x"}})",
       "$.payload.message: expected a string"},
  };
  for (const auto& [json, where] : cases) {
    EXPECT_WS_ERROR(ipc_message_from_json(json), ErrorCode::ipc_malformed_message, where);
  }
}

TEST(IpcMessage, DuplicateKeysAreMalformedAtAnyDepth) {
  const std::vector<std::pair<std::string, std::string_view>> cases = {
      {R"({"version":2,"type":"terminate","type":"spawn_ready","payload":{"process_id":1}})",
       "$: duplicate key `type`"},
      {R"({"version":2,"type":"exit","payload":{"exit_code":0,"exit_code":1,"timed_out":false}})",
       "$.payload: duplicate key `exit_code`"},
      // An exact repeat, not only a case variant, of an environment variable.
      {replaced(kSpawnRequestJson, R"("env":{})", R"("env":{"PATH":"a","PATH":"b"})"),
       "$.payload.env: duplicate key `PATH`"},
      {replaced(kSpawnRequestJson, R"("access":"read")", R"("access":"read","access":"write")"),
       "$.payload.permission_profile.file_system.entries[0]: duplicate key `access`"},
  };
  for (const auto& [json, message] : cases) {
    EXPECT_WS_ERROR(ipc_message_from_json(json), ErrorCode::ipc_malformed_message, message);
  }
}

TEST(IpcMessage, DeeplyNestedFieldsAreMalformedWithBoundedMessages) {
  // Nested to the limit (the envelope and the payload are two levels): decoded far enough to be
  // refused by type, and described without recursion.
  const std::string deep = std::string(62, '[') + std::string(62, ']');
  EXPECT_WS_ERROR(ipc_message_from_json(replaced(kSpawnRequestJson, R"("timeout_ms":1000)",
                                                 R"("timeout_ms":)" + deep)),
                  ErrorCode::ipc_malformed_message,
                  "$.payload.timeout_ms: expected an integer, got an array");
  EXPECT_WS_ERROR(ipc_message_from_json(R"({"version":[)" + deep + "]}"),
                  ErrorCode::ipc_malformed_message, "protocol version, got an array");
  // One level deeper, in a field the decoder would otherwise ignore.
  const std::string deeper = std::string(64, '[') + std::string(64, ']');
  EXPECT_WS_ERROR(ipc_message_from_json(replaced(kSpawnRequestJson, R"("tty":false)",
                                                 R"("tty":false,"x":)" + deeper)),
                  ErrorCode::ipc_malformed_message, "nesting deeper than the limit of 64");
  // A long string is cut in the message.
  const std::string long_version = R"({"version":")" + std::string(100000, '9') + R"("})";
  try {
    ipc_message_from_json(long_version);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_LT(std::string(e.what()).size(), 300u) << e.what();
  }
}

TEST(IpcMessage, SpawnRequestFieldTypesAreChecked) {
  const std::vector<std::pair<std::pair<std::string_view, std::string_view>, std::string_view>>
      cases = {
          {{R"("command":["cmd.exe","/c","ver"])", R"("command":"cmd.exe")"}, "$.payload.command"},
          {{R"("command":["cmd.exe","/c","ver"])", R"("command":["cmd.exe",1])"},
           "$.payload.command[1]"},
          {{R"("env":{})", R"("env":{"A":1})"}, "$.payload.env.A: expected a string"},
          {{R"("env":{})", R"("env":{"Path":"a","PATH":"b"})"},
           "$.payload.env.PATH: duplicate environment variable"},
          {{R"("env":{})", R"("env":{"":"x"})"}, "name is empty"},
          {{R"("timeout_ms":1000)", R"("timeout_ms":-5)"}, "$.payload.timeout_ms"},
          {{R"("timeout_ms":1000)", R"("timeout_ms":"1000")"}, "$.payload.timeout_ms"},
          {{R"("tty":false)", R"("tty":null)"}, "$.payload.tty: expected a boolean"},
          {{R"("stdin_open":false)", R"("stdin_open":"no")"}, "$.payload.stdin_open"},
          {{R"("cap_sids":["S-1-15-3-1024-1"])", R"("cap_sids":null)"}, "$.payload.cap_sids"},
          {{R"("sandbox_home":"C:\\codex")", R"("sandbox_home":3)"}, "$.payload.sandbox_home"},
          {{R"("type":"restricted")", R"("type":"sandboxed")"},
           "$.payload.permission_profile.file_system.type"},
      };
  for (const auto& [edit, where] : cases) {
    EXPECT_WS_ERROR(ipc_message_from_json(replaced(kSpawnRequestJson, edit.first, edit.second)),
                    ErrorCode::ipc_malformed_message, where);
  }
}

TEST(IpcMessage, PathFieldsMustBeAbsoluteWindowsPaths) {
  const std::vector<std::pair<std::pair<std::string_view, std::string_view>, std::string_view>>
      cases = {
          {{R"("cwd":"C:\\workspace")", R"("cwd":"workspace")"},
           R"($.payload.cwd: expected an absolute path, got "workspace")"},
          {{R"("cwd":"C:\\workspace")", R"("cwd":"C:workspace")"}, "$.payload.cwd"},
          {{R"("permission_profile_cwd":"C:\\workspace")", R"("permission_profile_cwd":"\\ws")"},
           "$.payload.permission_profile_cwd: expected an absolute path"},
          {{R"("permission_profile_cwd":"C:\\workspace")", R"("permission_profile_cwd":"")"},
           "$.payload.permission_profile_cwd"},
          {{R"("sandbox_home")", R"("workspace_roots":["C:\\a","b"],"sandbox_home")"},
           R"($.payload.workspace_roots[1]: expected an absolute path, got "b")"},
          {{R"("sandbox_home")", R"("workspace_roots":"C:\\a","sandbox_home")"},
           "$.payload.workspace_roots: expected an array"},
          // Paths inside the profile go through the model codec, under the IPC error code.
          {{R"({"type":"special","value":{"kind":"root"}})", R"({"type":"path","path":"docs"})"},
           "$.payload.permission_profile.file_system.entries[0].path.path: expected an absolute"},
      };
  for (const auto& [edit, where] : cases) {
    EXPECT_WS_ERROR(ipc_message_from_json(replaced(kSpawnRequestJson, edit.first, edit.second)),
                    ErrorCode::ipc_malformed_message, where);
  }
}

TEST(IpcMessage, EncoderRefusesWhatTheDecoderWouldReject) {
  IpcSpawnRequest request = example_spawn_request();
  request.cwd = "workspace";
  EXPECT_WS_ERROR(ipc_message_to_json(request), ErrorCode::ipc_malformed_message, "$.payload.cwd");
  request = example_spawn_request();
  request.permission_profile_cwd = "";
  EXPECT_WS_ERROR(ipc_message_to_json(request), ErrorCode::ipc_malformed_message,
                  "$.payload.permission_profile_cwd");
  request = example_spawn_request();
  request.workspace_roots = std::vector<std::string>{R"(C:\a)", "rel"};
  EXPECT_WS_ERROR(ipc_message_to_json(request), ErrorCode::ipc_malformed_message,
                  "$.payload.workspace_roots");
}

}  // namespace
}  // namespace winsandbox
