#include "resolve/network.hpp"

#include <algorithm>
#include <charconv>

namespace winsandbox {
namespace {

constexpr std::string_view kProxyKeys[] = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "WS_PROXY",
                                           "WSS_PROXY"};
constexpr std::string_view kAllowLocalBindingKey = "WINSANDBOX_NETWORK_ALLOW_LOCAL_BINDING";

bool iequals(std::string_view a, std::string_view b) {
  return env_key_equals(a, b);
}

}  // namespace

std::optional<std::uint16_t> loopback_proxy_port(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string_view host;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.starts_with(':')) return std::nullopt;
    port = rest.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!(iequals(host, "localhost") || host == "127.0.0.1" || host == "[::1]")) return std::nullopt;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty()) return std::nullopt;
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::vector<std::uint16_t> loopback_proxy_ports(const Environment& env) {
  std::vector<std::uint16_t> ports;
  for (const auto& entry : env.entries()) {
    // Not a structured binding: clang 14 cannot capture those in a lambda.
    const bool proxy_key = std::any_of(std::begin(kProxyKeys), std::end(kProxyKeys),
                                       [&](std::string_view k) { return iequals(k, entry.first); });
    if (!proxy_key) continue;
    if (const auto port = loopback_proxy_port(entry.second)) ports.push_back(*port);
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

NetworkPermissions resolve_network(NetworkAccess network, const Environment& child_env,
                                   const ResolveOptions& options) {
  NetworkPermissions result;
  result.blocked = network != NetworkAccess::enabled;
  result.identity = (result.blocked || options.proxy_enforced) ? NetworkIdentity::offline
                                                               : NetworkIdentity::online;
  if (result.identity == NetworkIdentity::offline) {
    result.proxy_ports = loopback_proxy_ports(child_env);
    result.allow_local_binding = child_env.get(kAllowLocalBindingKey) == "1";
  }
  return result;
}

}  // namespace winsandbox
