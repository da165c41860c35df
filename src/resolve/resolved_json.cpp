#include "resolve/resolved_json.hpp"

namespace winsandbox {

Json paths_to_json(const std::vector<WinPath>& paths) {
  Json out = Json::array();
  for (const auto& path : paths) out.push_back(path.str());
  return out;
}

Json to_json_value(const ResolvedPermissions& resolved) {
  Json out = Json::object();
  out["workspace_roots"] = paths_to_json(resolved.workspace_roots);
  out["token_mode"] = token_mode_name(resolved.token_mode);
  Json network = Json::object();
  network["blocked"] = resolved.network.blocked;
  network["identity"] =
      resolved.network.identity == NetworkIdentity::offline ? "offline" : "online";
  network["proxy_ports"] = resolved.network.proxy_ports;
  network["allow_local_binding"] = resolved.network.allow_local_binding;
  out["network"] = std::move(network);
  // The offline identity's block is a firewall rule only the elevated backend installs; the
  // unelevated backend can only point the command at the proxies (advisory).
  Json enforcement = Json::object();
  const bool block_requested = resolved.network.identity == NetworkIdentity::offline;
  enforcement["unelevated"] = block_requested ? "advisory" : "not_requested";
  enforcement["elevated"] = block_requested ? "enforced" : "not_requested";
  out["network_enforcement"] = std::move(enforcement);
  out["full_disk_read"] = resolved.full_disk_read;
  out["readable_roots"] = paths_to_json(resolved.readable_roots);
  Json roots = Json::array();
  for (const auto& root : resolved.writable_roots) {
    Json item = Json::object();
    item["root"] = root.root.str();
    item["read_only_subpaths"] = paths_to_json(root.read_only_subpaths);
    roots.push_back(std::move(item));
  }
  out["writable_roots"] = std::move(roots);
  out["deny_read"] = paths_to_json(resolved.deny_read);
  Json acl = Json::object();
  acl["allow_write"] = paths_to_json(resolved.acl.allow_write);
  acl["deny_write"] = paths_to_json(resolved.acl.deny_write);
  acl["protect_missing"] = paths_to_json(resolved.acl.protect_missing);
  out["acl"] = std::move(acl);
  out["warnings"] = resolved.warnings;
  return out;
}

Json to_json_value(const PathVerdict& verdict) {
  Json out = Json::object();
  out["path"] = verdict.path.str();
  out["read"] = verdict.read;
  out["write"] = verdict.write;
  out["rule"] = verdict.rule;
  return out;
}

std::string resolved_to_json(const ResolvedPermissions& resolved) {
  return dump_json(to_json_value(resolved));
}

std::string verdicts_to_json(const std::vector<PathVerdict>& verdicts) {
  Json out = Json::array();
  for (const auto& verdict : verdicts) out.push_back(to_json_value(verdict));
  return dump_json(out);
}

}  // namespace winsandbox
