#include "win/setup/setup_helper.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <windows.h>

#include "common/atomic_file.hpp"
#include "common/json_cursor.hpp"
#include "common/log.hpp"
#include "plan/acl_state.hpp"
#include "win/acl_effector.hpp"
#include "win/random.hpp"
#include "win/setup/fake_setup_system.hpp"
#include "win/setup/secrets_file.hpp"
#include "win/setup/setup_channel.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/capability_sids.hpp"

namespace winsandbox::win {
namespace {

constexpr char kGroupComment[] = "winsandbox sandbox accounts (managed by winsandbox)";
// Passwords: 24 characters from 76 symbols (~150 bits), CSPRNG, at least one of each class so
// that any password complexity policy accepts them.
constexpr std::size_t kPasswordLength = 24;
constexpr std::string_view kPasswordAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()-_=+";

std::filesystem::path fs_path(const WinPath& path) {
  return std::filesystem::path(to_wide(path.str()));
}

std::string generate_password() {
  // Rejection sampling: bytes >= 228 (3 * 76) would bias the modulo.
  const std::size_t limit = 256 - 256 % kPasswordAlphabet.size();
  for (;;) {
    std::string password;
    std::byte bytes[64];
    while (password.size() < kPasswordLength) {
      fill_random(bytes);
      for (const std::byte b : bytes) {
        const auto value = std::to_integer<std::size_t>(b);
        if (value >= limit || password.size() == kPasswordLength) continue;
        password.push_back(kPasswordAlphabet[value % kPasswordAlphabet.size()]);
      }
    }
    bool upper = false, lower = false, digit = false, symbol = false;
    for (const char c : password) {
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
      symbol |= !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    }
    if (upper && lower && digit && symbol) return password;
  }
}

std::string utc_now_rfc3339() {
  SYSTEMTIME now{};
  GetSystemTime(&now);
  char text[32];
  std::snprintf(text, sizeof(text), "%04u-%02u-%02uT%02u:%02u:%02uZ", now.wYear, now.wMonth,
                now.wDay, now.wHour, now.wMinute, now.wSecond);
  return text;
}

// `D:P...` as a Dacl (through SddlDaclAccess, which already parses SDDL).
Dacl dacl_from_sddl(const std::string& sddl) {
  const WinPath scratch = WinPath::parse("C:\\winsandbox-sddl");
  SddlDaclAccess access;
  access.set(scratch, sddl);
  return access.read_dacl(scratch);
}

// A step failed: the report, thrown out of the step to run_setup.
struct StepFailure {
  SetupErrorReport report;
};

std::vector<PortRange> permitted_ports(const SetupRequest& request) {
  std::vector<PortRange> ranges = port_ranges_of(request.proxy_ports);
  ranges.insert(ranges.end(), request.proxy_port_policy.begin(), request.proxy_port_policy.end());
  return normalize_port_ranges(std::move(ranges));
}

class SetupRun {
public:
  SetupRun(const SetupRequest& request, SetupSystem& system, const SetupRunOptions& options)
      : request_(request),
        system_(system),
        options_(options),
        home_(fs_path(request.sandbox_home)) {}

  SetupOutcome run() {
    try {
      remove_stale_error_report();
      switch (request_.mode) {
        case SetupMode::full:
        case SetupMode::provision_only:
        case SetupMode::repair: provision(); break;
        case SetupMode::refresh: refresh(); break;
        case SetupMode::uninstall: uninstall(); break;
      }
    } catch (const StepFailure& failure) {
      outcome_.error = failure.report;
      outcome_.marker.reset();
      write_error_report(failure.report);
    }
    return std::move(outcome_);
  }

private:
  // Runs one step: `between_steps` first, then `body` inside a TimedStep; an exception from
  // `body` becomes the step's report with `code`.
  template <typename F>
  auto step(std::string_view stage, SetupErrorCode code, std::string_view what, F&& body) {
    if (options_.between_steps) {
      try {
        options_.between_steps();
      } catch (const std::exception& error) {
        throw StepFailure{{SetupErrorCode::unknown, std::string(stage),
                           std::string("stopped before ") + std::string(what) + ": " + error.what(),
                           std::nullopt}};
      }
    }
    log::TimedStep timed("setup " + std::string(stage) + ": " + std::string(what));
    try {
      return body();
    } catch (const StepFailure&) {
      throw;
    } catch (const Error& error) {
      throw StepFailure{
          {code, std::string(stage), std::string(what) + ": " + error.what(), error.win32_error()}};
    } catch (const std::exception& error) {
      throw StepFailure{
          {code, std::string(stage), std::string(what) + ": " + error.what(), std::nullopt}};
    }
  }

  [[noreturn]] static void refuse(SetupErrorCode code, std::string_view stage,
                                  std::string message) {
    throw StepFailure{{code, std::string(stage), std::move(message), std::nullopt}};
  }

  void remove_stale_error_report() {
    std::error_code ignored;
    std::filesystem::remove(fs_path(setup_error_path(request_.sandbox_home)), ignored);
  }

  void write_error_report(const SetupErrorReport& report) noexcept {
    log::warn("setup failed: {} (stage {}): {}", setup_error_code_name(report.code), report.stage,
              report.message);
    try {
      write_file_atomically(fs_path(setup_error_path(request_.sandbox_home)),
                            setup_error_report_to_json(report));
    } catch (const std::exception& error) {
      log::warn("setup: cannot write {}: {}", setup_error_path(request_.sandbox_home).str(),
                error.what());
    }
  }

  void remove_marker() {
    step("marker", SetupErrorCode::marker_failed, "remove the old marker", [&] {
      std::error_code error;
      std::filesystem::remove(fs_path(setup_marker_path(request_.sandbox_home)), error);
      if (error) {
        throw Error(ErrorCode::io_error, "cannot remove " +
                                             setup_marker_path(request_.sandbox_home).str() + ": " +
                                             error.message());
      }
    });
  }

  std::string lookup(const std::string& name) {
    return step("accounts", SetupErrorCode::sid_lookup_failed, "look up the SID of " + name, [&] {
      const std::optional<std::string> sid = system_.accounts->lookup_sid(name);
      if (!sid) throw Error(ErrorCode::win32_call_failed, "no account named " + name, 1332);
      return *sid;
    });
  }

  // full, provision-only, repair.
  void provision() {
    const SandboxAccounts& accounts = request_.accounts;
    remove_marker();
    const std::string group_sid =
        step("accounts", SetupErrorCode::group_failed, "ensure the group " + accounts.group_name,
             [&] { return system_.accounts->ensure_group(accounts.group_name, kGroupComment); });
    // The real machine's helper puts the parent's own SID here (run_setup_helper): never a name
    // from the request's environment, which decides who may read the secrets.
    const std::string real_user_sid =
        looks_like_sid(request_.real_user) ? request_.real_user : lookup(request_.real_user);
    lock_state_directories(group_sid, real_user_sid);

    SandboxSecrets secrets;
    secrets.real_user = request_.real_user;
    std::string offline_sid;
    std::string online_sid;
    for (const bool offline : {true, false}) {
      const std::string& name = offline ? accounts.offline_username : accounts.online_username;
      const std::string password = generate_password();
      std::string& sid = offline ? offline_sid : online_sid;
      step("accounts", SetupErrorCode::account_failed, "ensure the account " + name, [&] {
        system_.accounts->ensure_user(name, password, accounts.group_name);
        system_.accounts->hide_from_logon_screen(name);
      });
      (offline ? secrets.offline : secrets.online) = SandboxAccountCredentials{name, password};
      sid = lookup(name);
    }
    step("secrets", SetupErrorCode::secrets_failed, "store the account secrets",
         [&] { write_sandbox_secrets(request_.sandbox_home, secrets, *system_.secrets); });

    configure_firewall(offline_sid);
    install_wfp_filters();

    if (request_.mode == SetupMode::repair) reapply_recorded_aces();
    if (request_.mode != SetupMode::provision_only) sync_grants(group_sid);

    write_marker(group_sid, offline_sid, online_sid);
  }

  void lock_state_directories(const std::string& group_sid, const std::string& real_user_sid) {
    for (const WinPath& directory : setup_state_directories(request_.sandbox_home)) {
      step("state_dirs", SetupErrorCode::state_dir_failed, "lock " + directory.str(), [&] {
        std::filesystem::create_directories(fs_path(directory));
        if (!system_.files->exists(directory)) system_.files->create_directory(directory);
        system_.files->write_dacl(directory, dacl_from_sddl(state_directory_sddl(
                                                 directory.filename(), group_sid, real_user_sid)));
      });
    }
  }

  void configure_firewall(const std::string& offline_sid) {
    const FirewallModifyState state =
        step("firewall", SetupErrorCode::firewall_access_failed, "read the firewall policy",
             [&] { return system_.firewall->modify_state(); });
    if (state == FirewallModifyState::partial || state == FirewallModifyState::group_policy ||
        state == FirewallModifyState::disabled) {
      refuse(SetupErrorCode::firewall_policy_ineffective, "firewall",
             state == FirewallModifyState::group_policy
                 ? "group policy overrides the local firewall rules: the offline account's "
                   "network cannot be blocked on this machine"
             : state == FirewallModifyState::disabled
                 ? "Windows Firewall is turned off for at least one profile: the offline "
                   "account's rules would block nothing"
                 : "local firewall rules do not take effect for every profile: the offline "
                   "account's network cannot be blocked on this machine");
    }
    const FirewallPlan plan =
        offline_firewall_plan(permitted_ports(request_), request_.allow_local_binding);
    const std::string authorized = local_user_authorized_list(offline_sid);
    for (const FirewallRuleSpec& rule : plan.ensure) {
      step("firewall", SetupErrorCode::firewall_rule_failed, "ensure the rule " + rule.name,
           [&] { system_.firewall->ensure_rule(rule, authorized); });
      const std::optional<FirewallRuleReadBack> back =
          step("firewall", SetupErrorCode::firewall_access_failed, "read back " + rule.name,
               [&] { return system_.firewall->read_rule(rule.name); });
      if (!back) {
        refuse(SetupErrorCode::firewall_rule_verify_failed, "firewall",
               "the rule " + rule.name + " is missing right after it was created");
      }
      if (back->local_user_authorized_list != authorized) {
        refuse(SetupErrorCode::firewall_rule_verify_failed, "firewall",
               "the rule " + rule.name + " reads back without the offline account " + offline_sid +
                   " (LocalUserAuthorizedList `" + back->local_user_authorized_list +
                   "`): it would block nobody");
      }
      if (!back->enabled) {
        refuse(SetupErrorCode::firewall_rule_verify_failed, "firewall",
               "the rule " + rule.name + " reads back disabled");
      }
    }
    for (const std::string& name : plan.remove) {
      step("firewall", SetupErrorCode::firewall_rule_failed, "remove the rule " + name,
           [&] { system_.firewall->remove_rule(name); });
    }
  }

  // Defence in depth: a failure is a warning, never fatal (docs/setup.md#wfp).
  void install_wfp_filters() {
    try {
      step("wfp", SetupErrorCode::unknown, "install the WFP filters", [&] {
        system_.wfp->install(offline_wfp_filters(), request_.accounts.offline_username);
      });
    } catch (const StepFailure& failure) {
      if (failure.report.code != SetupErrorCode::unknown ||
          failure.report.message.rfind("stopped before", 0) == 0) {
        throw;
      }
      outcome_.warnings.push_back("WFP filters not installed: " + failure.report.message);
      log::warn("setup: WFP filters not installed (the firewall rules still apply): {}",
                failure.report.message);
    }
  }

  void reapply_recorded_aces() {
    step("acls", SetupErrorCode::acl_failed, "re-apply every recorded ACE", [&] {
      const AclState recorded = AclStateStore(home_).load();
      std::vector<AclOperation> operations;
      for (const AclEntry& entry : recorded.entries) {
        operations.push_back(AclOperation{AclAction::apply, entry});
      }
      const AclApplyOutcome applied = apply_acl_operations(operations, *system_.files);
      outcome_.acl_writes += applied.writes;
      if (applied.error) throw *applied.error;
    });
  }

  void sync_grants(const std::string& group_sid) {
    step("acls", SetupErrorCode::acl_failed, "apply the ACL grants", [&] {
      const AclSyncResult result = sync_acl_plan(setup_acl_plan(request_, group_sid), home_,
                                                 *system_.files, AclSyncMode::additive);
      outcome_.acl_writes += result.outcome.writes;
    });
  }

  void write_marker(const std::string& group_sid, const std::string& offline_sid,
                    const std::string& online_sid) {
    step("marker", SetupErrorCode::marker_failed, "write the marker", [&] {
      SetupMarker marker = setup_marker_for(request_, utc_now_rfc3339());
      marker.group_sid = group_sid;
      marker.offline_sid = offline_sid;
      marker.online_sid = online_sid;
      marker.system = system_.name;
      write_file_atomically(fs_path(setup_marker_path(request_.sandbox_home)),
                            setup_marker_to_json(marker));
      outcome_.marker = std::move(marker);
    });
  }

  // refresh: the grants only, no elevation. The group SID from the marker, else by name.
  void refresh() {
    std::string group_sid;
    try {
      if (const auto text =
              read_file_if_exists(fs_path(setup_marker_path(request_.sandbox_home)))) {
        const SetupMarker marker = setup_marker_from_json(*text);
        if (marker.accounts.group_name == request_.accounts.group_name)
          group_sid = marker.group_sid;
      }
    } catch (const Error& error) {
      log::debug("setup refresh: marker unusable ({}); looking the group up", error.what());
    }
    if (group_sid.empty()) group_sid = lookup(request_.accounts.group_name);
    sync_grants(group_sid);
  }

  // uninstall: everything, past failures; the list of what stayed.
  void uninstall() {
    std::vector<std::string> stayed;
    const auto attempt = [&](std::string_view stage, const std::string& what, auto&& body) {
      try {
        step(stage, SetupErrorCode::uninstall_incomplete, what, body);
      } catch (const StepFailure& failure) {
        if (failure.report.code != SetupErrorCode::uninstall_incomplete) throw;  // stopped
        stayed.push_back(failure.report.message);
      }
    };
    const SandboxAccounts& accounts = request_.accounts;
    attempt("marker", "remove the marker", [&] {
      std::error_code error;
      std::filesystem::remove(fs_path(setup_marker_path(request_.sandbox_home)), error);
      if (error) throw Error(ErrorCode::io_error, error.message());
    });
    attempt("wfp", "remove the WFP filters",
            [&] { system_.wfp->remove_all(offline_wfp_filters()); });
    for (const std::string_view name : all_firewall_rule_names()) {
      attempt("firewall", "remove the rule " + std::string(name),
              [&] { system_.firewall->remove_rule(std::string(name)); });
    }
    attempt("acls", "revoke every recorded ACE", [&] {
      const AclSyncResult result =
          sync_acl_plan(AclPlan{}, home_, *system_.files, AclSyncMode::exact);
      outcome_.acl_writes += result.outcome.writes;
    });
    for (const std::string* name : {&accounts.offline_username, &accounts.online_username}) {
      attempt("accounts", "remove the account " + *name,
              [&] { system_.accounts->remove_user(*name); });
    }
    attempt("group", "remove the group " + accounts.group_name,
            [&] { system_.accounts->remove_group(accounts.group_name); });
    attempt("secrets", "remove the account secrets",
            [&] { remove_sandbox_secrets(request_.sandbox_home); });
    // The secrets and runner directories go too; `.sandbox` stays (logs, capability SIDs, the
    // emptied applied state).
    for (const WinPath& directory : setup_state_directories(request_.sandbox_home)) {
      if (directory.filename() == ".sandbox") continue;
      attempt("state_dirs", "remove " + directory.str(), [&] {
        std::error_code error;
        std::filesystem::remove_all(fs_path(directory), error);
        if (error) throw Error(ErrorCode::io_error, error.message());
      });
    }
    if (!stayed.empty()) {
      std::string message = "uninstall left " + std::to_string(stayed.size()) + " thing(s) behind:";
      for (const std::string& item : stayed) message += "\n- " + item;
      refuse(SetupErrorCode::uninstall_incomplete, "uninstall", std::move(message));
    }
  }

  const SetupRequest& request_;
  SetupSystem& system_;
  const SetupRunOptions& options_;
  std::filesystem::path home_;
  SetupOutcome outcome_;
};

}  // namespace

std::string state_directory_sddl(std::string_view directory_name, std::string_view group_sid,
                                 std::string_view real_user_sid) {
  const std::string group(group_sid);
  const std::string owners =
      "(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;" + std::string(real_user_sid) + ")";
  if (directory_name == ".sandbox-secrets") {
    // No Administrators: the real user and SYSTEM only (docs/setup.md#secrets).
    return "D:P(D;OICI;FA;;;" + group + ")(A;OICI;FA;;;SY)(A;OICI;FA;;;" +
           std::string(real_user_sid) + ")";
  }
  if (directory_name == ".sandbox-bin") return "D:P" + owners + "(A;OICI;0x1200a9;;;" + group + ")";
  return "D:P" + owners;
}

SetupOutcome run_setup(const SetupRequest& request, SetupSystem& system,
                       const SetupRunOptions& options) {
  log::info("setup: mode {} on the {} system for {}", setup_mode_name(request.mode), system.name,
            request.sandbox_home.str());
  return SetupRun(request, system, options).run();
}

}  // namespace winsandbox::win

namespace winsandbox::win {
namespace {

struct HelperArguments {
  std::string pipe_name;
  DWORD parent_pid = 0;
};

std::optional<HelperArguments> parse_helper_arguments(const std::vector<std::wstring>& args) {
  std::optional<std::string> pipe;
  std::optional<DWORD> parent;
  for (const std::wstring& arg : args) {
    if (arg.starts_with(L"--request-pipe=") && !pipe) {
      pipe = to_utf8(std::wstring_view(arg).substr(15));
      if (!is_setup_pipe_name(*pipe)) return std::nullopt;
    } else if (arg.starts_with(L"--parent-pid=") && !parent) {
      const std::wstring digits = arg.substr(13);
      if (digits.empty() || digits.size() > 10) return std::nullopt;
      std::uint64_t value = 0;
      for (const wchar_t c : digits) {
        if (c < L'0' || c > L'9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - L'0');
      }
      if (value == 0 || value > 0xFFFFFFFFu) return std::nullopt;
      parent = static_cast<DWORD>(value);
    } else {
      return std::nullopt;
    }
  }
  if (!pipe || !parent) return std::nullopt;
  return HelperArguments{*pipe, *parent};
}

// The sandbox home of a request that does not decode, if it names one: the report goes there.
std::optional<WinPath> sandbox_home_of(std::string_view json) {
  try {
    const Json document = parse_json(json, ErrorCode::invalid_argument);
    if (!document.is_object()) return std::nullopt;
    const auto it = document.find("sandbox_home");
    if (it == document.end() || !it->is_string()) return std::nullopt;
    return WinPath::try_parse(it->get<std::string>());
  } catch (const Error&) {
    return std::nullopt;
  }
}

void write_report_to(const WinPath& sandbox_home, const SetupErrorReport& report) {
  try {
    write_file_atomically(fs_path(setup_error_path(sandbox_home)),
                          setup_error_report_to_json(report));
  } catch (const std::exception& error) {
    log::warn("setup: cannot write {}: {}", setup_error_path(sandbox_home).str(), error.what());
  }
}

}  // namespace

namespace {

// The account of the process that asked for the setup (the real user): the secrets' DACL
// names it, so it comes from that process's token, not from the request.
std::string parent_user_sid(DWORD parent_pid) {
  const UniqueHandle parent(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, parent_pid));
  if (!parent) throw_last_error("OpenProcess(parent " + std::to_string(parent_pid) + ")");
  UniqueHandle token;
  if (!OpenProcessToken(parent.get(), TOKEN_QUERY, token.put())) {
    throw_last_error("OpenProcessToken(parent)");
  }
  return token_user_sid(token.get()).to_string();
}

}  // namespace

int run_setup_helper(const std::vector<std::wstring>& args) {
  const std::optional<HelperArguments> parsed = parse_helper_arguments(args);
  if (!parsed) {
    std::fputs(
        "usage: winsandbox-setup.exe --request-pipe=\\\\.\\pipe\\winsandbox-setup-<32 hex> "
        "--parent-pid=<pid>\n",
        stderr);
    return kSetupHelperUsage;
  }
  try {
    if (const auto fake = fake_setup_system_file()) FakeSetupMachine(*fake).record_helper_run();
  } catch (const std::exception& error) {
    log::warn("setup: cannot count the run on the fake machine: {}", error.what());
  }

  std::string json;
  try {
    json = receive_setup_request(parsed->pipe_name, parsed->parent_pid, kSetupRequestTimeout);
  } catch (const std::exception& error) {
    // No request, so no sandbox home to put a report in: the orchestrator reports helper_failed.
    log::warn("setup: no request: {}", error.what());
    return kSetupHelperFailed;
  }
  std::optional<SetupRequest> parsed_request;
  try {
    parsed_request = setup_request_from_json(json);
  } catch (const Error& error) {
    log::warn("setup: bad request: {}", error.what());
    if (const auto home = sandbox_home_of(json)) {
      write_report_to(*home, SetupErrorReport{SetupErrorCode::request_invalid, "request",
                                              error.what(), std::nullopt});
    }
    return kSetupHelperFailed;
  }
  SetupRequest& request = *parsed_request;

  try {
    SetupSystem system = make_setup_system();
    if (system.name != "fake") request.real_user = parent_user_sid(parsed->parent_pid);
    if (system.name != "fake" && request.mode != SetupMode::refresh &&
        !token_is_elevated(open_current_process_token(TOKEN_QUERY).get())) {
      write_report_to(
          request.sandbox_home,
          SetupErrorReport{SetupErrorCode::not_elevated, "request",
                           "winsandbox-setup.exe " + std::string(setup_mode_name(request.mode)) +
                               " must run elevated (as an administrator)",
                           std::nullopt});
      return kSetupHelperFailed;
    }
    const UniqueHandle parent(OpenProcess(SYNCHRONIZE, FALSE, parsed->parent_pid));
    SetupRunOptions options;
    options.between_steps = [&] {
      if (parent && WaitForSingleObject(parent.get(), 0) == WAIT_OBJECT_0) {
        throw std::runtime_error("the parent process " + std::to_string(parsed->parent_pid) +
                                 " exited");
      }
    };
    const SetupOutcome outcome = run_setup(request, system, options);
    return outcome.ok() ? kSetupHelperSucceeded : kSetupHelperFailed;
  } catch (const std::exception& error) {
    write_report_to(request.sandbox_home, SetupErrorReport{SetupErrorCode::unknown, "system",
                                                           error.what(), std::nullopt});
    return kSetupHelperFailed;
  }
}

}  // namespace winsandbox::win
