// ComFirewallRules (windows_setup_system.hpp): the Windows Firewall through COM INetFwPolicy2 and
// INetFwRule3 (LocalUserAuthorizedList), an apartment-threaded COM scope per call.
#include <string>

// clang-format off
#include <windows.h>  // first: the COM headers need its types
#include <objbase.h>
#include <oleauto.h>
#include <netfw.h>
// clang-format on

#include "win/setup/com.hpp"
#include "win/setup/windows_setup_system.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {

namespace {

// What Rules.Item answers for a name no rule has.
constexpr HRESULT kRuleNotFound = HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);

void check(HRESULT result, const std::string& call) {
  if (FAILED(result)) throw hresult_error(call, result);
}

// One call's COM scope and the policy object.
class FirewallSession {
public:
  FirewallSession() {
    if (!apartment_.usable()) throw hresult_error("CoInitializeEx", apartment_.result());
    check(::CoCreateInstance(__uuidof(NetFwPolicy2), nullptr, CLSCTX_INPROC_SERVER,
                             __uuidof(INetFwPolicy2), policy_.put_void()),
          "CoCreateInstance(NetFwPolicy2)");
  }

  INetFwPolicy2* policy() const noexcept { return policy_.get(); }

  ComPtr<INetFwRules> rules() const {
    ComPtr<INetFwRules> rules;
    check(policy_->get_Rules(rules.put()), "INetFwPolicy2::get_Rules");
    return rules;
  }

  // The rule of that name as INetFwRule3, or an empty pointer when there is none.
  ComPtr<INetFwRule3> find(INetFwRules* rules, const std::string& name) const {
    ComPtr<INetFwRule> rule;
    const UniqueBstr bstr_name(name);
    const HRESULT result = rules->Item(bstr_name.get(), rule.put());
    if (result == kRuleNotFound) return {};
    check(result, "INetFwRules::Item(" + name + ")");
    return as_rule3(rule.get(), name);
  }

  static ComPtr<INetFwRule3> as_rule3(INetFwRule* rule, const std::string& name) {
    ComPtr<INetFwRule3> rule3;
    check(rule->QueryInterface(__uuidof(INetFwRule3), rule3.put_void()),
          "INetFwRule::QueryInterface(INetFwRule3) for " + name);
    return rule3;
  }

private:
  ComApartment apartment_;
  ComPtr<INetFwPolicy2> policy_;
};

void put_string(INetFwRule3* rule, HRESULT (STDMETHODCALLTYPE INetFwRule3::*put)(BSTR),
                const std::string& value, const char* property, const std::string& name) {
  const UniqueBstr bstr(value);
  check((rule->*put)(bstr.get()), std::string("INetFwRule::put_") + property + " for " + name);
}

// Every property the spec and the contract name, in an order the firewall accepts: ports only
// after a protocol that has ports; a rule going back to "any" protocol drops its ports first.
void apply_properties(INetFwRule3* rule, const FirewallRuleSpec& spec,
                      const std::string& local_user_authorized_list, bool existing) {
  const std::string& name = spec.name;
  put_string(rule, &INetFwRule3::put_Name, spec.name, "Name", name);
  put_string(rule, &INetFwRule3::put_Description, spec.description, "Description", name);
  check(rule->put_Direction(NET_FW_RULE_DIR_OUT), "INetFwRule::put_Direction for " + name);
  check(rule->put_Action(NET_FW_ACTION_BLOCK), "INetFwRule::put_Action for " + name);
  const long protocol = static_cast<long>(spec.protocol);
  const bool has_ports =
      spec.protocol == FirewallProtocol::tcp || spec.protocol == FirewallProtocol::udp;
  if (existing && !has_ports) {
    long current = 0;
    check(rule->get_Protocol(&current), "INetFwRule::get_Protocol for " + name);
    if (current == NET_FW_IP_PROTOCOL_TCP || current == NET_FW_IP_PROTOCOL_UDP) {
      put_string(rule, &INetFwRule3::put_RemotePorts, "*", "RemotePorts", name);
    }
  }
  check(rule->put_Protocol(protocol), "INetFwRule::put_Protocol for " + name);
  if (has_ports) {
    put_string(rule, &INetFwRule3::put_RemotePorts, spec.remote_ports, "RemotePorts", name);
  }
  put_string(rule, &INetFwRule3::put_RemoteAddresses, spec.remote_addresses, "RemoteAddresses",
             name);
  check(rule->put_Profiles(NET_FW_PROFILE2_ALL), "INetFwRule::put_Profiles for " + name);
  put_string(rule, &INetFwRule3::put_LocalUserAuthorizedList, local_user_authorized_list,
             "LocalUserAuthorizedList", name);
  check(rule->put_Enabled(VARIANT_TRUE), "INetFwRule::put_Enabled for " + name);
}

std::string get_string(INetFwRule3* rule, HRESULT (STDMETHODCALLTYPE INetFwRule3::*get)(BSTR*),
                       const char* property, const std::string& name) {
  UniqueBstr value;
  check((rule->*get)(value.put()), std::string("INetFwRule::get_") + property + " for " + name);
  return value.utf8();
}

}  // namespace

FirewallModifyState firewall_modify_state_of(HRESULT result, long state) {
  if (FAILED(result)) throw hresult_error("INetFwPolicy2::get_LocalPolicyModifyState", result);
  if (result == S_FALSE) return FirewallModifyState::partial;
  switch (state) {
    case NET_FW_MODIFY_STATE_OK: return FirewallModifyState::ok;
    case NET_FW_MODIFY_STATE_GP_OVERRIDE: return FirewallModifyState::group_policy;
    case NET_FW_MODIFY_STATE_INBOUND_BLOCKED: return FirewallModifyState::inbound_blocked;
    default:
      throw Error(
          ErrorCode::win32_call_failed,
          "INetFwPolicy2::get_LocalPolicyModifyState: unknown state " + std::to_string(state),
          static_cast<std::uint32_t>(result));
  }
}

FirewallModifyState ComFirewallRules::modify_state() {
  const FirewallSession session;
  // A profile with the firewall off enforces no rule at all, whatever the modify state says.
  for (const NET_FW_PROFILE_TYPE2 profile :
       {NET_FW_PROFILE2_DOMAIN, NET_FW_PROFILE2_PRIVATE, NET_FW_PROFILE2_PUBLIC}) {
    VARIANT_BOOL enabled = VARIANT_FALSE;
    const HRESULT result = session.policy()->get_FirewallEnabled(profile, &enabled);
    if (FAILED(result)) throw hresult_error("INetFwPolicy2::get_FirewallEnabled", result);
    if (enabled == VARIANT_FALSE) return FirewallModifyState::disabled;
  }
  NET_FW_MODIFY_STATE state = NET_FW_MODIFY_STATE_OK;
  const HRESULT result = session.policy()->get_LocalPolicyModifyState(&state);
  return firewall_modify_state_of(result, static_cast<long>(state));
}

void ComFirewallRules::ensure_rule(const FirewallRuleSpec& spec,
                                   const std::string& local_user_authorized_list) {
  const FirewallSession session;
  const ComPtr<INetFwRules> rules = session.rules();
  if (ComPtr<INetFwRule3> existing = session.find(rules.get(), spec.name)) {
    apply_properties(existing.get(), spec, local_user_authorized_list, true);
    return;
  }
  ComPtr<INetFwRule> created;
  check(::CoCreateInstance(__uuidof(NetFwRule), nullptr, CLSCTX_INPROC_SERVER, __uuidof(INetFwRule),
                           created.put_void()),
        "CoCreateInstance(NetFwRule)");
  const ComPtr<INetFwRule3> rule = FirewallSession::as_rule3(created.get(), spec.name);
  apply_properties(rule.get(), spec, local_user_authorized_list, false);
  check(rules->Add(created.get()), "INetFwRules::Add(" + spec.name + ")");
}

std::optional<FirewallRuleReadBack> ComFirewallRules::read_rule(const std::string& name) {
  const FirewallSession session;
  const ComPtr<INetFwRules> rules = session.rules();
  const ComPtr<INetFwRule3> rule = session.find(rules.get(), name);
  if (!rule) return std::nullopt;
  FirewallRuleReadBack read;
  read.name = get_string(rule.get(), &INetFwRule3::get_Name, "Name", name);
  read.remote_addresses =
      get_string(rule.get(), &INetFwRule3::get_RemoteAddresses, "RemoteAddresses", name);
  read.remote_ports = get_string(rule.get(), &INetFwRule3::get_RemotePorts, "RemotePorts", name);
  read.local_user_authorized_list = get_string(
      rule.get(), &INetFwRule3::get_LocalUserAuthorizedList, "LocalUserAuthorizedList", name);
  VARIANT_BOOL enabled = VARIANT_FALSE;
  check(rule->get_Enabled(&enabled), "INetFwRule::get_Enabled for " + name);
  read.enabled = enabled != VARIANT_FALSE;
  return read;
}

bool ComFirewallRules::remove_rule(const std::string& name) {
  const FirewallSession session;
  const ComPtr<INetFwRules> rules = session.rules();
  if (!session.find(rules.get(), name)) return false;
  const UniqueBstr bstr_name(name);
  check(rules->Remove(bstr_name.get()), "INetFwRules::Remove(" + name + ")");
  return true;
}

}  // namespace winsandbox::win
