// JSON codec of the runner IPC messages (docs/elevated.md#ipc-messages). The envelope is
// adjacently tagged: {"version":2,"type":<snake_case>,"payload":{...}}.
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "common/base64.hpp"
#include "common/json_cursor.hpp"
#include "common/overloaded.hpp"
#include "model/profile_json.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox {
namespace {

constexpr ErrorCode kMalformed = ErrorCode::ipc_malformed_message;

// --- encoding ------------------------------------------------------------------------------

Json string_array(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(item);
  return out;
}

// The encoder refuses what the decoder would reject, so a peer never receives a frame it
// cannot read.
void require_absolute(const std::string& path, std::string_view field) {
  if (!WinPath::try_parse(path)) {
    throw Error(kMalformed, "$.payload." + std::string(field) +
                                ": expected an absolute path, got \"" + path + "\"");
  }
}

Json payload_of(const IpcSpawnRequest& request) {
  require_absolute(request.cwd, "cwd");
  require_absolute(request.permission_profile_cwd, "permission_profile_cwd");
  Json payload = Json::object();
  payload["command"] = string_array(request.command);
  payload["cwd"] = request.cwd;
  Json env = Json::object();
  for (const auto& [key, value] : request.env.entries()) env[key] = value;
  payload["env"] = std::move(env);
  payload["permission_profile"] = to_json_value(request.permission_profile);
  payload["permission_profile_cwd"] = request.permission_profile_cwd;
  if (request.workspace_roots) {
    const auto& roots = *request.workspace_roots;
    for (std::size_t i = 0; i < roots.size(); ++i) {
      require_absolute(roots[i], "workspace_roots[" + std::to_string(i) + "]");
    }
    payload["workspace_roots"] = string_array(*request.workspace_roots);
  }
  payload["sandbox_home"] = request.sandbox_home;
  payload["real_sandbox_home"] = request.real_sandbox_home;
  payload["cap_sids"] = string_array(request.cap_sids);
  payload["timeout_ms"] = request.timeout_ms ? Json(*request.timeout_ms) : Json(nullptr);
  payload["tty"] = request.tty;
  payload["stdin_open"] = request.stdin_open;
  payload["use_private_desktop"] = request.use_private_desktop;
  return payload;
}

Json payload_of(const IpcSpawnReady& ready) {
  Json payload = Json::object();
  payload["process_id"] = ready.process_id;
  return payload;
}

Json payload_of(const IpcOutput& output) {
  Json payload = Json::object();
  payload["data_b64"] = base64_encode(output.data);
  payload["stream"] = output.stream == IpcOutputStream::standard_output ? "stdout" : "stderr";
  return payload;
}

Json payload_of(const IpcStdin& input) {
  Json payload = Json::object();
  payload["data_b64"] = base64_encode(input.data);
  return payload;
}

Json payload_of(const IpcResize& resize) {
  Json payload = Json::object();
  payload["rows"] = resize.rows;
  payload["cols"] = resize.cols;
  return payload;
}

Json payload_of(const IpcExit& exit) {
  Json payload = Json::object();
  payload["exit_code"] = exit.exit_code;
  payload["timed_out"] = exit.timed_out;
  return payload;
}

Json payload_of(const IpcError& error) {
  Json payload = Json::object();
  payload["message"] = error.message;
  payload["code"] = error.code;
  if (!error.stage.empty()) payload["stage"] = error.stage;
  if (error.windows_error) payload["windows_error"] = *error.windows_error;
  return payload;
}

Json payload_of(const IpcCloseStdin&) {
  return Json::object();
}
Json payload_of(const IpcTerminate&) {
  return Json::object();
}

// --- decoding ------------------------------------------------------------------------------

// An integer in [min, max]; floats, strings and out-of-range values are rejected, as serde's
// integer deserializers do.
template <class Int>
Int integer_field(const JsonCursor& payload, std::string_view key) {
  const JsonCursor field = payload.field(key);
  const Json& value = field.value();
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number <= static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
      return static_cast<Int>(number);
    }
  } else if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    if (std::numeric_limits<Int>::is_signed &&
        number >= static_cast<std::int64_t>(std::numeric_limits<Int>::min())) {
      return static_cast<Int>(number);
    }
  } else {
    field.fail(std::string("expected an integer, got ") + describe_json(value));
  }
  field.fail("integer " + describe_json(value) + " is out of range [" +
             std::to_string(std::numeric_limits<Int>::min()) + ", " +
             std::to_string(std::numeric_limits<Int>::max()) + "]");
}

std::vector<std::string> string_array_field(const JsonCursor& payload, std::string_view key) {
  const JsonCursor field = payload.field(key);
  std::vector<std::string> items;
  items.reserve(field.array().size());
  for (std::size_t i = 0; i < field.array().size(); ++i) {
    items.push_back(field.element(i).string());
  }
  return items;
}

// The string, after checking it is an absolute Windows path (kept as sent: no normalization).
std::string absolute_path_string(const JsonCursor& cursor) {
  absolute_path_from_json_value(cursor);
  return cursor.string();
}

bool optional_bool_field(const JsonCursor& payload, std::string_view key) {
  const auto field = payload.optional_field(key);
  return field ? field->boolean() : false;
}

std::string base64_field(const JsonCursor& payload, std::string_view key) {
  const JsonCursor field = payload.field(key);
  auto bytes = base64_decode(field.string());
  if (!bytes) field.fail("not canonical padded base64");
  return std::move(*bytes);
}

Environment environment_from(const JsonCursor& cursor) {
  Environment env;
  for (const auto& [key, value] : cursor.object()) {
    const JsonCursor entry(value, kMalformed, cursor.path() + "." + key);
    if (env.contains(key)) {
      entry.fail("duplicate environment variable (names are case-insensitive)");
    }
    try {
      env.set(key, entry.string());
    } catch (const Error& e) {
      entry.fail(e.what());
    }
  }
  return env;
}

IpcSpawnRequest spawn_request_from(const JsonCursor& payload) {
  IpcSpawnRequest request;
  request.command = string_array_field(payload, "command");
  request.cwd = absolute_path_string(payload.field("cwd"));
  request.env = environment_from(payload.field("env"));
  request.permission_profile = profile_from_json_value(payload.field("permission_profile"));
  request.permission_profile_cwd = absolute_path_string(payload.field("permission_profile_cwd"));
  if (const auto roots = payload.optional_field("workspace_roots", /*null_is_absent=*/true)) {
    std::vector<std::string> list;
    for (std::size_t i = 0; i < roots->array().size(); ++i) {
      list.push_back(absolute_path_string(roots->element(i)));
    }
    request.workspace_roots = std::move(list);
  }
  request.sandbox_home = payload.field("sandbox_home").string();
  request.real_sandbox_home = payload.field("real_sandbox_home").string();
  request.cap_sids = string_array_field(payload, "cap_sids");
  // serde treats a missing Option field as None.
  if (payload.optional_field("timeout_ms", /*null_is_absent=*/true)) {
    request.timeout_ms = integer_field<std::uint64_t>(payload, "timeout_ms");
  }
  request.tty = payload.field("tty").boolean();
  request.stdin_open = optional_bool_field(payload, "stdin_open");
  request.use_private_desktop = optional_bool_field(payload, "use_private_desktop");
  return request;
}

IpcOutput output_from(const JsonCursor& payload) {
  IpcOutput output;
  output.data = base64_field(payload, "data_b64");
  const JsonCursor stream = payload.field("stream");
  if (stream.string() == "stdout") {
    output.stream = IpcOutputStream::standard_output;
  } else if (stream.string() == "stderr") {
    output.stream = IpcOutputStream::standard_error;
  } else {
    stream.fail("unknown output stream `" + stream.string() + "`");
  }
  return output;
}

IpcMessage message_from(const std::string& type, const JsonCursor& payload) {
  payload.object();
  if (type == "spawn_request") return spawn_request_from(payload);
  if (type == "spawn_ready")
    return IpcSpawnReady{integer_field<std::uint32_t>(payload, "process_id")};
  if (type == "output") return output_from(payload);
  if (type == "stdin") return IpcStdin{base64_field(payload, "data_b64")};
  if (type == "close_stdin") return IpcCloseStdin{};
  if (type == "resize") {
    return IpcResize{integer_field<std::uint16_t>(payload, "rows"),
                     integer_field<std::uint16_t>(payload, "cols")};
  }
  if (type == "exit") {
    return IpcExit{integer_field<std::int32_t>(payload, "exit_code"),
                   payload.field("timed_out").boolean()};
  }
  if (type == "error") {
    IpcError error{payload.field("message").string(), payload.field("code").string()};
    if (auto stage = payload.optional_field("stage", true)) error.stage = stage->string();
    if (payload.optional_field("windows_error", true)) {
      error.windows_error = integer_field<std::uint32_t>(payload, "windows_error");
    }
    return error;
  }
  if (type == "terminate") return IpcTerminate{};
  throw Error(kMalformed, "$.type: unknown message type `" + type + "`");
}

// Output frames carry all of a command's output, so both directions take a direct path for
// exactly the form this codec writes: {"version":2,"type":"output","payload":{"data_b64":"…",
// "stream":"stdout"|"stderr"}}. The encoder writes it without building a document (base64 needs
// no escaping, so the bytes are those dump_json would give); the decoder recognises it byte for
// byte and hands anything else — another key order, escapes, invalid base64 — to the general
// path, which gives the same message or the same error.
static_assert(kIpcProtocolVersion == 2, "kOutputPrefix spells the protocol version");
constexpr std::string_view kOutputPrefix =
    R"({"version":2,"type":"output","payload":{"data_b64":")";
constexpr std::string_view kStdoutSuffix = R"(","stream":"stdout"}})";
constexpr std::string_view kStderrSuffix = R"(","stream":"stderr"}})";

std::string output_to_json(const IpcOutput& output) {
  const std::string_view suffix =
      output.stream == IpcOutputStream::standard_output ? kStdoutSuffix : kStderrSuffix;
  const std::string data = base64_encode(output.data);
  std::string json;
  json.reserve(kOutputPrefix.size() + data.size() + suffix.size());
  json.append(kOutputPrefix).append(data).append(suffix);
  return json;
}

std::optional<IpcOutput> output_from_canonical_json(std::string_view json) {
  if (!json.starts_with(kOutputPrefix)) return std::nullopt;
  IpcOutput output;
  std::string_view suffix;
  if (json.ends_with(kStdoutSuffix)) {
    suffix = kStdoutSuffix;
    output.stream = IpcOutputStream::standard_output;
  } else if (json.ends_with(kStderrSuffix)) {
    suffix = kStderrSuffix;
    output.stream = IpcOutputStream::standard_error;
  } else {
    return std::nullopt;
  }
  if (json.size() < kOutputPrefix.size() + suffix.size()) return std::nullopt;
  const std::string_view data =
      json.substr(kOutputPrefix.size(), json.size() - kOutputPrefix.size() - suffix.size());
  // Only base64 symbols decode, so a quote or backslash in `data` falls back too.
  std::optional<std::string> bytes = base64_decode(data);
  if (!bytes) return std::nullopt;
  output.data = std::move(*bytes);
  return output;
}

}  // namespace

std::string_view ipc_message_type(const IpcMessage& message) noexcept {
  return std::visit(Overloaded{
                        [](const IpcSpawnRequest&) { return std::string_view("spawn_request"); },
                        [](const IpcSpawnReady&) { return std::string_view("spawn_ready"); },
                        [](const IpcOutput&) { return std::string_view("output"); },
                        [](const IpcStdin&) { return std::string_view("stdin"); },
                        [](const IpcCloseStdin&) { return std::string_view("close_stdin"); },
                        [](const IpcResize&) { return std::string_view("resize"); },
                        [](const IpcExit&) { return std::string_view("exit"); },
                        [](const IpcError&) { return std::string_view("error"); },
                        [](const IpcTerminate&) { return std::string_view("terminate"); },
                    },
                    message);
}

std::string ipc_message_to_json(const IpcMessage& message) {
  if (const auto* output = std::get_if<IpcOutput>(&message)) return output_to_json(*output);
  Json envelope = Json::object();
  envelope["version"] = kIpcProtocolVersion;
  envelope["type"] = ipc_message_type(message);
  envelope["payload"] = std::visit([](const auto& m) { return payload_of(m); }, message);
  return dump_json(envelope);
}

IpcMessage ipc_message_from_json(std::string_view json) {
  if (std::optional<IpcOutput> output = output_from_canonical_json(json)) return *std::move(output);
  const Json document = parse_json(json, kMalformed);
  const JsonCursor envelope(document, kMalformed);
  envelope.object();
  // The version decides how to read the rest, so it is checked before the type.
  const JsonCursor version = envelope.field("version");
  if (!version.value().is_number_integer()) {
    version.fail("expected an integer protocol version, got " + describe_json(version.value()));
  }
  if (!version.value().is_number_unsigned() ||
      version.value().get<std::uint64_t>() != kIpcProtocolVersion) {
    throw Error(ErrorCode::ipc_protocol_mismatch,
                "unsupported runner protocol version " + describe_json(version.value()) +
                    " (expected " + std::to_string(kIpcProtocolVersion) + ")");
  }
  const std::string& type = envelope.field("type").string();
  return message_from(type, envelope.field("payload"));
}

}  // namespace winsandbox
