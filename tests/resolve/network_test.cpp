// Network resolution (docs/resolution.md#network).
#include "resolve/network.hpp"

#include <gtest/gtest.h>

namespace winsandbox {
namespace {

TEST(LoopbackProxy, CommonForms) {
  EXPECT_EQ(loopback_proxy_port("http://localhost:3128"), 3128);
  EXPECT_EQ(loopback_proxy_port("https://127.0.0.1:8080"), 8080);
  EXPECT_EQ(loopback_proxy_port("socks5h://user:pass@[::1]:1080"), 1080);
  EXPECT_EQ(loopback_proxy_port("http://LocalHost:3128/path?q"), 3128);
}

TEST(LoopbackProxy, RejectsNonLoopbackZeroAndSchemeless) {
  EXPECT_EQ(loopback_proxy_port("http://example.com:3128"), std::nullopt);
  EXPECT_EQ(loopback_proxy_port("http://127.0.0.1:0"), std::nullopt);
  EXPECT_EQ(loopback_proxy_port("localhost:8080"), std::nullopt);
  EXPECT_EQ(loopback_proxy_port("http://127.0.0.1"), std::nullopt);
  EXPECT_EQ(loopback_proxy_port("http://127.0.0.1:70000"), std::nullopt);
  EXPECT_EQ(loopback_proxy_port("http://127.0.0.1:80x"), std::nullopt);
  EXPECT_EQ(loopback_proxy_port("http://127.0.0.2:80"), std::nullopt);
}

TEST(LoopbackProxy, PortsFromEnvAreSortedAndDeduplicated) {
  const auto env = Environment::from_assignments(
      {"HTTP_PROXY=http://127.0.0.1:8080", "ALL_PROXY=socks5h://[::1]:1081",
       "HTTPS_PROXY=https://example.com:9999", "wss_proxy=http://localhost:8080",
       "NO_PROXY=http://localhost:7000"});
  EXPECT_EQ(loopback_proxy_ports(env), (std::vector<std::uint16_t>{1081, 8080}));
}

TEST(NetworkResolution, OnlineIdentityIgnoresProxyEnv) {
  const auto env = Environment::from_assignments(
      {"HTTP_PROXY=http://127.0.0.1:8080", "WINSANDBOX_NETWORK_ALLOW_LOCAL_BINDING=1"});
  const auto online = resolve_network(NetworkAccess::enabled, env, {});
  EXPECT_EQ(online, (NetworkPermissions{false, NetworkIdentity::online, {}, false}));
}

TEST(NetworkResolution, OfflineIdentityCapturesPortsAndLocalBinding) {
  const auto env = Environment::from_assignments({"HTTP_PROXY=http://127.0.0.1:8080",
                                                  "ALL_PROXY=socks5h://[::1]:1081",
                                                  "WINSANDBOX_NETWORK_ALLOW_LOCAL_BINDING=1"});
  EXPECT_EQ(resolve_network(NetworkAccess::restricted, env, {}),
            (NetworkPermissions{true, NetworkIdentity::offline, {1081, 8080}, true}));
  // A proxy that enforces policy makes even an enabled profile run offline.
  EXPECT_EQ(resolve_network(NetworkAccess::enabled, env, {.proxy_enforced = true}),
            (NetworkPermissions{false, NetworkIdentity::offline, {1081, 8080}, true}));
  const auto not_one =
      Environment::from_assignments({"WINSANDBOX_NETWORK_ALLOW_LOCAL_BINDING=true"});
  EXPECT_FALSE(resolve_network(NetworkAccess::restricted, not_one, {}).allow_local_binding);
}

}  // namespace
}  // namespace winsandbox
