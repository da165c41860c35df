// The elevated setup's entry points. Status from data and the dry-run plan are portable; running
// the helper and reading the sandbox home's files are in src/win/setup/ (other hosts get
// ErrorCode::unsupported_platform).
#include "winsandbox/setup.hpp"

#include "api/legacy_adapter.hpp"
#include "common/log.hpp"
#include "plan/setup_plan.hpp"
#include "winsandbox/error.hpp"

#if defined(_WIN32)
#include "win/setup/setup_orchestrator.hpp"
#endif

namespace winsandbox {
namespace {

SetupMode mode_of(SetupRunMode mode) {
  switch (mode) {
    case SetupRunMode::full: return SetupMode::full;
    case SetupRunMode::repair: return SetupMode::repair;
    case SetupRunMode::provision_only: return SetupMode::provision_only;
    case SetupRunMode::uninstall: return SetupMode::uninstall;
  }
  return SetupMode::full;
}

}  // namespace

std::string setup_run_mode_name(SetupRunMode mode) noexcept {
  return std::string(setup_mode_name(mode_of(mode)));
}

SetupRequest provision_only_setup_request(const WinPath& sandbox_home, std::string real_user,
                                          std::vector<PortRange> proxy_port_policy) {
  return SetupRequest{
      .version = kSetupVersion,
      .accounts = {},
      .sandbox_home = sandbox_home,
      .workspace_roots = {},
      .network_identity = NetworkIdentity::offline,
      .read_roots = {},
      .write_roots = {},
      .write_root_sids = {},
      .deny_read_paths = {},
      .deny_write_paths = {},
      .proxy_ports = {},
      .proxy_port_policy = normalize_port_ranges(std::move(proxy_port_policy)),
      .allow_local_binding = false,
      .real_user = real_user.empty() ? "Administrators" : std::move(real_user),
      .mode = SetupMode::provision_only,
  };
}

std::vector<PortRange> parse_proxy_port_policy(std::string_view text) {
  return normalize_port_ranges(parse_port_ranges(text));
}

SetupStatus setup_status(const SetupRequest& request) {
#if defined(_WIN32)
  return win::read_setup_status(request);
#else
  (void)request;
  throw_unsupported_platform("setup_status");
#endif
}

SetupStatus setup_status_of(const std::optional<std::string>& marker_json, bool secrets_present,
                            const SetupRequest& request) {
  std::optional<SetupMarker> marker;
  if (marker_json) {
    try {
      marker = setup_marker_from_json(*marker_json);
    } catch (const Error& error) {
      log::warn("setup marker is malformed ({}): counted as missing", error.what());
    }
  }
  return evaluate_setup_status(marker, secrets_present, request);
}

void run_setup(const SetupRequest& request, const SetupRunOptions& options) {
  try {
#if defined(_WIN32)
    SetupRequest run = request;
    run.mode = mode_of(options.mode);
    win::run_setup_process(run, {.allow_prompt = options.allow_prompt});
#else
    (void)request;
    (void)options;
    throw_unsupported_platform("run_setup");
#endif
  } catch (const Error& error) {
    log::refusal("setup", error);
    throw;
  }
}

std::string setup_plan_json(const SetupRequest& request, SetupRunMode mode,
                            const std::optional<std::string>& group_sid) {
  SetupRequest planned = request;
  planned.mode = mode_of(mode);
  return dump_json(to_json_value(plan_setup(planned, group_sid)));
}

std::optional<std::string> known_setup_group_sid(const WinPath& sandbox_home) {
#if defined(_WIN32)
  const std::optional<SetupMarker> marker = win::read_setup_marker(sandbox_home);
  if (marker && !marker->group_sid.empty()) return marker->group_sid;
#else
  (void)sandbox_home;
#endif
  return std::nullopt;
}

}  // namespace winsandbox
