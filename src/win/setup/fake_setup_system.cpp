#include "win/setup/fake_setup_system.hpp"

#include <algorithm>
#include <system_error>

#include <windows.h>

#include "common/atomic_file.hpp"
#include "common/json_cursor.hpp"
#include "win/environment_block.hpp"
#include "win/unicode.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {
namespace {

constexpr std::string_view kModifyStateNames[] = {"ok", "partial", "group_policy",
                                                  "inbound_blocked", "disabled"};
constexpr std::string_view kBlobMagic = "WSFAKE1";
constexpr std::uint8_t kBlobXor = 0x5A;
// NERR_GroupNotFound, NERR_UserNotFound.
constexpr std::uint32_t kGroupNotFound = 2220;
constexpr std::uint32_t kUserNotFound = 2221;

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// Account names are case-insensitive, as on Windows.
template <typename Map>
auto find_name(Map& map, std::string_view name) {
  const std::string key = ascii_lower(name);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (ascii_lower(it->first) == key) return it;
  }
  return map.end();
}

std::filesystem::path disk_path(const WinPath& path) {
  return std::filesystem::path(to_wide(path.str()));
}

std::string new_sid(FakeMachineState& state) {
  return "S-1-5-21-1000-2000-3000-" + std::to_string(state.next_rid++);
}

Json rule_to_json(const FakeFirewallRule& rule) {
  Json j = Json::object();
  j["name"] = rule.spec.name;
  j["description"] = rule.spec.description;
  j["protocol"] = static_cast<std::int32_t>(rule.spec.protocol);
  j["remote_addresses"] = rule.spec.remote_addresses;
  j["remote_ports"] = rule.spec.remote_ports;
  j["local_user_authorized_list"] = rule.local_user_authorized_list;
  j["enabled"] = rule.enabled;
  return j;
}

FakeFirewallRule rule_from_json(const Json& j) {
  FakeFirewallRule rule;
  rule.spec.name = j.at("name").get<std::string>();
  rule.spec.description = j.at("description").get<std::string>();
  rule.spec.protocol = static_cast<FirewallProtocol>(j.at("protocol").get<std::int32_t>());
  rule.spec.remote_addresses = j.at("remote_addresses").get<std::string>();
  rule.spec.remote_ports = j.at("remote_ports").get<std::string>();
  rule.local_user_authorized_list = j.at("local_user_authorized_list").get<std::string>();
  rule.enabled = j.at("enabled").get<bool>();
  return rule;
}

// `j[key]`, or an empty object when `j` has no such member.
const Json& object_member(const Json& j, const char* key) {
  static const Json empty = Json::object();
  const auto it = j.find(key);
  return it == j.end() ? empty : *it;
}

}  // namespace

std::string fake_machine_state_to_json(const FakeMachineState& state) {
  Json j = Json::object();
  Json users = Json::object();
  for (const auto& [name, user] : state.users) {
    users[name] = Json{{"sid", user.sid},
                       {"password", user.password},
                       {"groups", user.groups},
                       {"hidden", user.hidden}};
  }
  j["users"] = users;
  Json groups = Json::object();
  for (const auto& [name, group] : state.groups) {
    groups[name] = Json{{"sid", group.sid}, {"comment", group.comment}};
  }
  j["groups"] = groups;
  j["known_sids"] = Json(state.known_sids);
  Json rules = Json::object();
  for (const auto& [name, rule] : state.firewall_rules) rules[name] = rule_to_json(rule);
  j["firewall_rules"] = rules;
  j["wfp_filters"] = Json(state.wfp_filters);
  j["wfp_provider"] = state.wfp_provider;
  Json dacls = Json::object();
  for (const auto& [identity, dacl] : state.dacls) {
    dacls[identity] = Json{{"path", dacl.path}, {"sddl", dacl.sddl}};
  }
  j["dacls"] = dacls;
  j["modify_state"] = kModifyStateNames[static_cast<std::size_t>(state.modify_state)];
  j["firewall_drops_authorized_list"] = state.firewall_drops_authorized_list;
  Json failing = Json::object();
  for (const auto& [method, numbers] : state.failing_calls) failing[method] = Json(numbers);
  j["failing_calls"] = failing;
  j["default_dacl"] = state.default_dacl;
  j["calls"] = Json(state.calls);
  j["helper_runs"] = state.helper_runs;
  j["dacl_writes"] = state.dacl_writes;
  j["next_rid"] = state.next_rid;
  return dump_state_json(j);
}

FakeMachineState fake_machine_state_from_json(std::string_view json) {
  const Json j = parse_json(json, ErrorCode::invalid_argument);
  FakeMachineState state;
  try {
    for (const auto& [name, user] : object_member(j, "users").items()) {
      state.users[name] = FakeUser{
          user.at("sid").get<std::string>(), user.at("password").get<std::string>(),
          user.at("groups").get<std::vector<std::string>>(), user.at("hidden").get<bool>()};
    }
    for (const auto& [name, group] : object_member(j, "groups").items()) {
      state.groups[name] =
          FakeGroup{group.at("sid").get<std::string>(), group.at("comment").get<std::string>()};
    }
    state.known_sids = object_member(j, "known_sids").get<std::map<std::string, std::string>>();
    for (const auto& [name, rule] : object_member(j, "firewall_rules").items()) {
      state.firewall_rules[name] = rule_from_json(rule);
    }
    state.wfp_filters = object_member(j, "wfp_filters").get<std::map<std::string, std::string>>();
    state.wfp_provider = j.value("wfp_provider", false);
    for (const auto& [identity, dacl] : object_member(j, "dacls").items()) {
      state.dacls[identity] =
          FakeDacl{dacl.at("path").get<std::string>(), dacl.at("sddl").get<std::string>()};
    }
    const std::string modify = j.value("modify_state", std::string("ok"));
    bool known = false;
    for (std::size_t i = 0; i < std::size(kModifyStateNames); ++i) {
      if (kModifyStateNames[i] == modify) {
        state.modify_state = static_cast<FirewallModifyState>(i);
        known = true;
      }
    }
    if (!known) throw Error(ErrorCode::invalid_argument, "unknown modify_state `" + modify + "`");
    state.firewall_drops_authorized_list = j.value("firewall_drops_authorized_list", false);
    for (const auto& [method, numbers] : object_member(j, "failing_calls").items()) {
      state.failing_calls[method] = numbers.get<std::set<std::uint64_t>>();
    }
    state.default_dacl = j.value("default_dacl", state.default_dacl);
    state.calls = object_member(j, "calls").get<std::map<std::string, std::uint64_t>>();
    state.helper_runs = j.value("helper_runs", std::uint64_t{0});
    state.dacl_writes = j.value("dacl_writes", std::uint64_t{0});
    state.next_rid = j.value("next_rid", std::uint64_t{1001});
  } catch (const Json::exception& error) {
    throw Error(ErrorCode::invalid_argument,
                std::string("malformed fake setup machine: ") + error.what());
  }
  return state;
}

// ---- FakeSetupMachine ----

struct FakeSetupMachine::Transaction::Lock {
  FileLock lock;
};

FakeSetupMachine::FakeSetupMachine(std::filesystem::path file) : file_(std::move(file)) {}

FakeMachineState FakeSetupMachine::load() const {
  const std::optional<std::string> text = read_file_if_exists(file_);
  if (!text || text->empty()) return {};
  return fake_machine_state_from_json(*text);
}

void FakeSetupMachine::store(const FakeMachineState& state) const {
  Transaction transaction(*this);
  transaction.state = state;
  transaction.commit();
}

FakeSetupMachine::Transaction::Transaction(const FakeSetupMachine& machine) : machine_(machine) {
  std::filesystem::path lock_path = machine.file_;
  lock_path += ".lock";
  lock_ = std::make_unique<Lock>(Lock{FileLock::acquire(lock_path)});
  state = machine.load();
}

FakeSetupMachine::Transaction::~Transaction() = default;

void FakeSetupMachine::Transaction::count(const std::string& method) {
  const std::uint64_t number = ++state.calls[method];
  const auto failing = state.failing_calls.find(method);
  if (failing != state.failing_calls.end() &&
      (failing->second.contains(0) || failing->second.contains(number))) {
    commit();
    throw Error(ErrorCode::win32_call_failed,
                "injected failure: " + method + " call " + std::to_string(number) +
                    " failed: access denied",
                5 /* ERROR_ACCESS_DENIED */);
  }
}

void FakeSetupMachine::Transaction::commit() {
  write_file_atomically(machine_.file_, fake_machine_state_to_json(state));
}

void FakeSetupMachine::record_helper_run() const {
  update([](FakeMachineState& state) { ++state.helper_runs; });
}

// ---- Protector ----

std::vector<std::uint8_t> fake_protect(std::string_view secret, std::string_view entropy) {
  std::vector<std::uint8_t> blob(kBlobMagic.begin(), kBlobMagic.end());
  const auto length = static_cast<std::uint32_t>(entropy.size());
  for (int i = 0; i < 4; ++i) blob.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  blob.insert(blob.end(), entropy.begin(), entropy.end());
  for (const char c : secret) blob.push_back(static_cast<std::uint8_t>(c) ^ kBlobXor);
  return blob;
}

std::string fake_unprotect(const std::vector<std::uint8_t>& blob, std::string_view entropy) {
  const auto refuse = [](std::string_view why) -> Error {
    return Error(ErrorCode::win32_call_failed,
                 "CryptUnprotectData (fake): " + std::string(why) + ": the data is invalid",
                 13 /* ERROR_INVALID_DATA */);
  };
  const std::size_t header = kBlobMagic.size() + 4;
  if (blob.size() < header || !std::equal(kBlobMagic.begin(), kBlobMagic.end(), blob.begin())) {
    throw refuse("not a fake blob");
  }
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i) {
    length |= static_cast<std::uint32_t>(blob[kBlobMagic.size() + i]) << (8 * i);
  }
  if (blob.size() - header < length) throw refuse("truncated blob");
  const std::string stored(blob.begin() + static_cast<std::ptrdiff_t>(header),
                           blob.begin() + static_cast<std::ptrdiff_t>(header + length));
  if (stored != entropy) throw refuse("other entropy");
  std::string secret;
  for (std::size_t i = header + length; i < blob.size(); ++i) {
    secret.push_back(static_cast<char>(blob[i] ^ kBlobXor));
  }
  return secret;
}

namespace {

class FakeAccounts final : public LocalAccounts {
public:
  explicit FakeAccounts(FakeSetupMachine machine) : machine_(std::move(machine)) {}

  std::string ensure_group(const std::string& name, const std::string& comment) override {
    return machine_.call("accounts.ensure_group", [&](FakeMachineState& state) {
      const auto it = find_name(state.groups, name);
      if (it != state.groups.end()) return it->second.sid;
      const std::string sid = new_sid(state);
      state.groups[name] = FakeGroup{sid, comment};
      return sid;
    });
  }

  std::string ensure_user(const std::string& name, const std::string& password,
                          const std::string& group) override {
    return machine_.call("accounts.ensure_user", [&](FakeMachineState& state) {
      const auto group_it = find_name(state.groups, group);
      if (group_it == state.groups.end()) {
        throw Error(ErrorCode::win32_call_failed,
                    "NetLocalGroupAddMembers(" + group + "): no such group", kGroupNotFound);
      }
      auto it = find_name(state.users, name);
      if (it == state.users.end()) {
        it = state.users.emplace(name, FakeUser{new_sid(state), {}, {}, false}).first;
      }
      it->second.password = password;
      if (std::find(it->second.groups.begin(), it->second.groups.end(), group_it->first) ==
          it->second.groups.end()) {
        it->second.groups.push_back(group_it->first);
      }
      return it->second.sid;
    });
  }

  void hide_from_logon_screen(const std::string& name) override {
    machine_.call("accounts.hide_from_logon_screen", [&](FakeMachineState& state) {
      const auto it = find_name(state.users, name);
      if (it == state.users.end()) {
        throw Error(ErrorCode::win32_call_failed, "RegSetValueExW(" + name + "): no such user",
                    kUserNotFound);
      }
      it->second.hidden = true;
    });
  }

  std::optional<std::string> lookup_sid(const std::string& name) override {
    return machine_.call(
        "accounts.lookup_sid", [&](FakeMachineState& state) -> std::optional<std::string> {
          if (const auto it = find_name(state.users, name); it != state.users.end()) {
            return it->second.sid;
          }
          if (const auto it = find_name(state.groups, name); it != state.groups.end()) {
            return it->second.sid;
          }
          if (const auto it = find_name(state.known_sids, name); it != state.known_sids.end()) {
            return it->second;
          }
          return std::nullopt;
        });
  }

  bool remove_user(const std::string& name) override {
    return machine_.call("accounts.remove_user", [&](FakeMachineState& state) {
      const auto it = find_name(state.users, name);
      if (it == state.users.end()) return false;
      state.users.erase(it);
      return true;
    });
  }

  bool remove_group(const std::string& name) override {
    return machine_.call("accounts.remove_group", [&](FakeMachineState& state) {
      const auto it = find_name(state.groups, name);
      if (it == state.groups.end()) return false;
      for (auto& entry : state.users) std::erase(entry.second.groups, it->first);
      state.groups.erase(it);
      return true;
    });
  }

private:
  FakeSetupMachine machine_;
};

class FakeProtector final : public SecretProtector {
public:
  explicit FakeProtector(FakeSetupMachine machine) : machine_(std::move(machine)) {}

  std::vector<std::uint8_t> protect(std::string_view secret, std::string_view entropy) override {
    machine_.call("secrets.protect", [](FakeMachineState&) {});
    return fake_protect(secret, entropy);
  }
  std::string unprotect(const std::vector<std::uint8_t>& blob, std::string_view entropy) override {
    machine_.call("secrets.unprotect", [](FakeMachineState&) {});
    return fake_unprotect(blob, entropy);
  }

private:
  FakeSetupMachine machine_;
};

class FakeFirewall final : public FirewallRules {
public:
  explicit FakeFirewall(FakeSetupMachine machine) : machine_(std::move(machine)) {}

  FirewallModifyState modify_state() override {
    return machine_.call("firewall.modify_state",
                         [](FakeMachineState& state) { return state.modify_state; });
  }

  void ensure_rule(const FirewallRuleSpec& rule,
                   const std::string& local_user_authorized_list) override {
    machine_.call("firewall.ensure_rule", [&](FakeMachineState& state) {
      state.firewall_rules[rule.name] = FakeFirewallRule{rule, local_user_authorized_list, true};
    });
  }

  std::optional<FirewallRuleReadBack> read_rule(const std::string& name) override {
    return machine_.call("firewall.read_rule",
                         [&](FakeMachineState& state) -> std::optional<FirewallRuleReadBack> {
                           const auto it = state.firewall_rules.find(name);
                           if (it == state.firewall_rules.end()) return std::nullopt;
                           const FakeFirewallRule& rule = it->second;
                           return FirewallRuleReadBack{
                               .name = rule.spec.name,
                               .remote_addresses = rule.spec.remote_addresses,
                               .remote_ports = rule.spec.remote_ports,
                               .local_user_authorized_list = state.firewall_drops_authorized_list
                                                                 ? std::string()
                                                                 : rule.local_user_authorized_list,
                               .enabled = rule.enabled,
                           };
                         });
  }

  bool remove_rule(const std::string& name) override {
    return machine_.call("firewall.remove_rule", [&](FakeMachineState& state) {
      return state.firewall_rules.erase(name) != 0;
    });
  }

private:
  FakeSetupMachine machine_;
};

class FakeWfp final : public WfpFilters {
public:
  explicit FakeWfp(FakeSetupMachine machine) : machine_(std::move(machine)) {}

  std::size_t install(const std::vector<WfpFilterSpec>& filters,
                      const std::string& account_name) override {
    return machine_.call("wfp.install", [&](FakeMachineState& state) {
      state.wfp_provider = true;
      for (const WfpFilterSpec& filter : filters) state.wfp_filters[filter.key] = account_name;
      return filters.size();
    });
  }

  std::size_t remove_all(const std::vector<WfpFilterSpec>& filters) override {
    return machine_.call("wfp.remove_all", [&](FakeMachineState& state) {
      std::size_t removed = 0;
      for (const WfpFilterSpec& filter : filters) removed += state.wfp_filters.erase(filter.key);
      if (state.wfp_provider) removed += 2;  // the sublayer and the provider
      state.wfp_provider = false;
      return removed;
    });
  }

private:
  FakeSetupMachine machine_;
};

// SddlDaclAccess per call, on the one descriptor the call needs.
class FakeFiles final : public DaclAccess {
public:
  explicit FakeFiles(FakeSetupMachine machine) : machine_(std::move(machine)) {}

  bool exists(const WinPath& path) override {
    return machine_.call("files.exists", [&](FakeMachineState& state) {
      return state.dacls.contains(path.identity()) || on_disk(path);
    });
  }

  void create_directory(const WinPath& path) override {
    machine_.call("files.create_directory", [&](FakeMachineState& state) {
      std::error_code error;
      std::filesystem::create_directory(disk_path(path), error);
      if (error) {
        throw Error(ErrorCode::win32_call_failed,
                    "CreateDirectoryW(" + path.str() + "): " + error.message(),
                    static_cast<std::uint32_t>(error.value()));
      }
      state.dacls.try_emplace(path.identity(), FakeDacl{path.str(), state.default_dacl});
    });
  }

  void remove_empty_directory(const WinPath& path) noexcept override {
    try {
      machine_.call("files.remove_empty_directory", [&](FakeMachineState& state) {
        std::error_code error;
        std::filesystem::remove(disk_path(path), error);
        state.dacls.erase(path.identity());
      });
    } catch (...) {  // best effort, as the interface says
    }
  }

  Dacl read_dacl(const WinPath& path) override {
    return machine_.call("files.read_dacl", [&](FakeMachineState& state) {
      SddlDaclAccess access = loaded(state, path);
      return access.read_dacl(path);
    });
  }

  void write_dacl(const WinPath& path, const Dacl& dacl) override {
    machine_.call("files.write_dacl", [&](FakeMachineState& state) {
      SddlDaclAccess access = loaded(state, path);
      access.write_dacl(path, dacl);
      state.dacls[path.identity()] = FakeDacl{path.str(), *access.sddl(path)};
      ++state.dacl_writes;
    });
  }

private:
  static bool on_disk(const WinPath& path) {
    std::error_code error;
    return std::filesystem::exists(disk_path(path), error);
  }

  // An SddlDaclAccess holding `path`'s descriptor (the default one for a path that exists on
  // disk without a recorded DACL; none for a missing path).
  static SddlDaclAccess loaded(const FakeMachineState& state, const WinPath& path) {
    SddlDaclAccess access(state.default_dacl);
    if (const auto it = state.dacls.find(path.identity()); it != state.dacls.end()) {
      access.set(path, it->second.sddl);
    } else if (on_disk(path)) {
      access.set(path, state.default_dacl);
    }
    return access;
  }

  FakeSetupMachine machine_;
};

}  // namespace

SetupSystem make_fake_setup_system(const std::filesystem::path& file) {
  const FakeSetupMachine machine(file);
  SetupSystem system;
  system.name = "fake";
  system.accounts = std::make_unique<FakeAccounts>(machine);
  system.secrets = std::make_unique<FakeProtector>(machine);
  system.firewall = std::make_unique<FakeFirewall>(machine);
  system.wfp = std::make_unique<FakeWfp>(machine);
  system.files = std::make_unique<FakeFiles>(machine);
  return system;
}

std::optional<std::filesystem::path> fake_setup_system_file() {
  const std::optional<std::string> value = host_variable(kFakeSetupSystemVariable);
  if (!value || value->empty()) return std::nullopt;
  return std::filesystem::path(to_wide(*value));
}

SetupSystem make_setup_system() {
  if (const auto file = fake_setup_system_file()) return make_fake_setup_system(*file);
  return make_windows_setup_system();
}

}  // namespace winsandbox::win
