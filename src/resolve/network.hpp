// Network part of resolution (docs/resolution.md#network): identity and loopback proxy ports.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// The port of a loopback proxy URL: `scheme://[user:pass@]host:port[/...]` with host
// `localhost` (any case), `127.0.0.1` or `[::1]` and a non-zero port; nullopt otherwise.
std::optional<std::uint16_t> loopback_proxy_port(std::string_view url);

// Sorted, unique loopback proxy ports of HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, WS_PROXY and
// WSS_PROXY (keys in any case).
std::vector<std::uint16_t> loopback_proxy_ports(const Environment& env);

NetworkPermissions resolve_network(NetworkAccess network, const Environment& child_env,
                                   const ResolveOptions& options);

}  // namespace winsandbox
