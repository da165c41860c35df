#include "winsandbox/legacy_policy.hpp"

#include "common/json_cursor.hpp"
#include "common/overloaded.hpp"
#include "model/profile_json.hpp"

namespace winsandbox {
namespace {

constexpr std::string_view kUnsupportedPolicyMessage =
    "DangerFullAccess and ExternalSandbox are not supported for sandboxing";

bool optional_bool(const JsonCursor& object, std::string_view key) {
  const auto field = object.optional_field(key, /*null_is_absent=*/true);
  return field ? field->boolean() : false;
}

std::vector<WinPath> writable_roots_from_json_value(const JsonCursor& object) {
  std::vector<WinPath> roots;
  const auto list = object.optional_field("writable_roots", /*null_is_absent=*/true);
  if (!list) return roots;
  for (std::size_t i = 0; i < list->array().size(); ++i) {
    roots.push_back(absolute_path_from_json_value(list->element(i)));
  }
  return roots;
}

Json to_json_value(const SandboxPolicy& policy) {
  Json out = Json::object();
  std::visit(Overloaded{
                 [&](const DangerFullAccessPolicy&) { out["type"] = "danger-full-access"; },
                 [&](const ReadOnlyPolicy& p) {
                   out["type"] = "read-only";
                   if (p.network_access) out["network_access"] = true;
                 },
                 [&](const ExternalSandboxPolicy& p) {
                   out["type"] = "external-sandbox";
                   out["network_access"] = network_access_name(p.network_access);
                 },
                 [&](const WorkspaceWritePolicy& p) {
                   out["type"] = "workspace-write";
                   if (!p.writable_roots.empty()) {
                     out["writable_roots"] = Json::array();
                     for (const auto& root : p.writable_roots) out["writable_roots"].push_back(root.str());
                   }
                   out["network_access"] = p.network_access;
                   out["exclude_tmpdir_env_var"] = p.exclude_tmpdir_env_var;
                   out["exclude_slash_tmp"] = p.exclude_slash_tmp;
                 },
             },
             policy);
  return out;
}

SandboxPolicy policy_from_json_value(const JsonCursor& cursor) {
  cursor.object();
  const std::string& type = cursor.field("type").string();
  if (type == "danger-full-access") return DangerFullAccessPolicy{};
  if (type == "read-only") return ReadOnlyPolicy{optional_bool(cursor, "network_access")};
  if (type == "external-sandbox") {
    const auto net = cursor.optional_field("network_access", /*null_is_absent=*/true);
    return ExternalSandboxPolicy{net ? network_access_from_json_value(*net) : NetworkAccess::restricted};
  }
  if (type == "workspace-write") {
    return WorkspaceWritePolicy{writable_roots_from_json_value(cursor),
                                optional_bool(cursor, "network_access"),
                                optional_bool(cursor, "exclude_tmpdir_env_var"),
                                optional_bool(cursor, "exclude_slash_tmp")};
  }
  cursor.field("type").fail("unknown policy type `" + type + "`");
}

}  // namespace

std::string policy_to_json(const SandboxPolicy& policy) { return dump_json(to_json_value(policy)); }

SandboxPolicy policy_from_json(std::string_view json) {
  const Json document = parse_json(json, ErrorCode::invalid_policy);
  return policy_from_json_value(JsonCursor(document, ErrorCode::invalid_policy));
}

SandboxPolicy parse_policy_string(std::string_view text) {
  if (text == "read-only") return ReadOnlyPolicy{};
  if (text == "workspace-write") return WorkspaceWritePolicy{};
  if (text == "danger-full-access" || text == "external-sandbox") {
    throw Error(ErrorCode::invalid_policy, std::string(kUnsupportedPolicyMessage));
  }
  SandboxPolicy policy = [&] {
    try {
      return policy_from_json(text);
    } catch (const Error& e) {
      throw Error(ErrorCode::invalid_policy,
                  "policy string is neither a preset (read-only, workspace-write) nor a valid "
                  "JSON policy: " + std::string(e.what()));
    }
  }();
  if (std::holds_alternative<DangerFullAccessPolicy>(policy) ||
      std::holds_alternative<ExternalSandboxPolicy>(policy)) {
    throw Error(ErrorCode::invalid_policy, std::string(kUnsupportedPolicyMessage));
  }
  return policy;
}

}  // namespace winsandbox
