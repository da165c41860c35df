// FwpmWfpFilters (windows_setup_system.hpp): our persistent WFP provider, sublayer and block
// filters through fwpuclnt, one engine session and one transaction per call.
#include <string>
#include <vector>

// clang-format off
#include <windows.h>  // first: the headers below need its types
#include <rpc.h>
#include <sddl.h>
#include <fwpmu.h>
// clang-format on

#include "win/handles.hpp"
#include "win/setup/windows_setup_system.hpp"
#include "win/unicode.hpp"
#include "win/win32_error.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox::win {

namespace {

// The layer and condition keys (fwpmu.h of the Windows SDK; mingw-w64's header lacks them).
constexpr GUID kLayerAleAuthConnectV4 = {
    0xc38d57d1, 0x05a7, 0x4c33, {0x90, 0x4f, 0x7f, 0xbc, 0xee, 0xe6, 0x0e, 0x82}};
constexpr GUID kLayerAleAuthConnectV6 = {
    0x4a72393b, 0x319f, 0x44bc, {0x84, 0xc3, 0xba, 0x54, 0xdc, 0xb3, 0xb6, 0xb4}};
constexpr GUID kLayerAleResourceAssignmentV4 = {
    0x1247d66d, 0x0b60, 0x4a15, {0x8d, 0x44, 0x71, 0x55, 0xd0, 0xf5, 0x3a, 0x0c}};
constexpr GUID kLayerAleResourceAssignmentV6 = {
    0x55a650e1, 0x5f0a, 0x4eca, {0xa6, 0x53, 0x88, 0xf5, 0x3b, 0x26, 0xaa, 0x8c}};
constexpr GUID kConditionAleUserId = {
    0xaf043a0a, 0xb34d, 0x4f86, {0x97, 0x9c, 0xc9, 0x03, 0x71, 0xaf, 0x6e, 0x66}};
constexpr GUID kConditionIpProtocol = {
    0x3971ef2b, 0x623e, 0x4f9a, {0x8c, 0xb1, 0x6e, 0x79, 0xb8, 0x06, 0xb9, 0xa7}};
constexpr GUID kConditionIpRemotePort = {
    0xc35a604d, 0xd22b, 0x4e1a, {0x91, 0xb4, 0x68, 0xf6, 0x74, 0xee, 0x67, 0x4b}};

// FWPM_*_FLAG_PERSISTENT (fwpmtypes.h of the Windows SDK).
constexpr UINT32 kProviderFlagPersistent = 0x00000001;
constexpr UINT16 kSublayerFlagPersistent = 0x0001;
constexpr UINT32 kFilterFlagPersistent = 0x00000001;
constexpr UINT16 kSublayerWeight = 0x8000;

constexpr wchar_t kSessionName[] = L"winsandbox setup";
constexpr wchar_t kProviderDescription[] = L"Persistent WFP provider of the winsandbox filters";
constexpr wchar_t kSublayerDescription[] = L"Persistent WFP sublayer of the winsandbox filters";

GUID layer_key(WfpLayer layer) {
  switch (layer) {
    case WfpLayer::ale_auth_connect_v4: return kLayerAleAuthConnectV4;
    case WfpLayer::ale_auth_connect_v6: return kLayerAleAuthConnectV6;
    case WfpLayer::ale_resource_assignment_v4: return kLayerAleResourceAssignmentV4;
    case WfpLayer::ale_resource_assignment_v6: return kLayerAleResourceAssignmentV6;
  }
  throw Error(ErrorCode::invalid_argument, "unknown WFP layer");
}

struct EngineTraits {
  using pointer = HANDLE;
  static pointer invalid() noexcept { return nullptr; }
  static bool is_valid(pointer h) noexcept { return h != nullptr; }
  static void close(pointer h) noexcept { ::FwpmEngineClose0(h); }
};
using UniqueEngine = UniqueResource<EngineTraits>;

// The Fwpm functions return a Win32 error or an FWP_E_* HRESULT.
void check(DWORD result, const std::string& call) {
  if (result == ERROR_SUCCESS) return;
  if ((result & 0x80000000u) != 0) throw hresult_error(call, static_cast<HRESULT>(result));
  throw win32_error(call, result);
}

// An engine session with one open transaction; committed by commit(), aborted otherwise.
class WfpTransaction {
public:
  WfpTransaction() {
    FWPM_SESSION0 session{};
    session.displayData.name = const_cast<wchar_t*>(kSessionName);
    session.txnWaitTimeoutInMSec = INFINITE;
    check(::FwpmEngineOpen0(nullptr, RPC_C_AUTHN_DEFAULT, nullptr, &session, engine_.put()),
          "FwpmEngineOpen0");
    check(::FwpmTransactionBegin0(engine_.get(), 0), "FwpmTransactionBegin0");
    open_ = true;
  }
  ~WfpTransaction() {
    if (open_) ::FwpmTransactionAbort0(engine_.get());
  }
  WfpTransaction(const WfpTransaction&) = delete;
  WfpTransaction& operator=(const WfpTransaction&) = delete;

  HANDLE engine() const noexcept { return engine_.get(); }
  void commit() {
    open_ = false;  // a failed commit leaves nothing to abort
    check(::FwpmTransactionCommit0(engine_.get()), "FwpmTransactionCommit0");
  }

private:
  UniqueEngine engine_;
  bool open_ = false;
};

FWPM_FILTER_CONDITION0 user_condition(FWP_BYTE_BLOB* descriptor) {
  FWPM_FILTER_CONDITION0 condition{};
  condition.fieldKey = kConditionAleUserId;
  condition.matchType = FWP_MATCH_EQUAL;
  condition.conditionValue.type = FWP_SECURITY_DESCRIPTOR_TYPE;
  condition.conditionValue.sd = descriptor;
  return condition;
}

FWPM_FILTER_CONDITION0 second_condition(const WfpFilterSpec& spec) {
  FWPM_FILTER_CONDITION0 condition{};
  condition.matchType = FWP_MATCH_EQUAL;
  if (spec.protocol && !spec.remote_port) {
    condition.fieldKey = kConditionIpProtocol;
    condition.conditionValue.type = FWP_UINT8;
    condition.conditionValue.uint8 = *spec.protocol;
  } else if (spec.remote_port && !spec.protocol) {
    condition.fieldKey = kConditionIpRemotePort;
    condition.conditionValue.type = FWP_UINT16;
    condition.conditionValue.uint16 = *spec.remote_port;
  } else {
    throw Error(ErrorCode::invalid_argument,
                "WFP filter " + spec.name + " needs exactly one of protocol and remote port");
  }
  return condition;
}

// Deletes by key; false when there was nothing of that key.
bool delete_filter(HANDLE engine, const GUID& key, const std::string& name) {
  const DWORD result = ::FwpmFilterDeleteByKey0(engine, &key);
  if (result == static_cast<DWORD>(FWP_E_FILTER_NOT_FOUND)) return false;
  check(result, "FwpmFilterDeleteByKey0(" + name + ")");
  return true;
}

}  // namespace

std::vector<std::byte> wfp_user_match_descriptor(const Sid& account) {
  const std::wstring sddl = L"O:SYG:SYD:(A;;CC;;;" + to_wide(account.to_string()) + L")";
  UniqueSecurityDescriptor descriptor;
  ULONG size = 0;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1,
                                                              descriptor.put(), &size)) {
    throw_last_error("ConvertStringSecurityDescriptorToSecurityDescriptorW");
  }
  const auto* bytes = static_cast<const std::byte*>(descriptor.get());
  return std::vector<std::byte>(bytes, bytes + size);
}

std::size_t FwpmWfpFilters::install(const std::vector<WfpFilterSpec>& filters,
                                    const std::string& account_name) {
  const std::optional<Sid> account = lookup_local_account(account_name);
  if (!account) {
    throw Error(ErrorCode::win32_call_failed,
                "LookupAccountNameW(" + account_name + ") failed: no such account",
                ERROR_NONE_MAPPED);
  }
  std::vector<std::byte> descriptor = wfp_user_match_descriptor(*account);
  FWP_BYTE_BLOB descriptor_blob{};
  descriptor_blob.size = static_cast<UINT32>(descriptor.size());
  descriptor_blob.data = reinterpret_cast<UINT8*>(descriptor.data());

  GUID provider_key = parse_guid(kWfpProviderKey);
  const GUID sublayer_key = parse_guid(kWfpSublayerKey);
  std::wstring display_name = to_wide(kWfpDisplayName);

  WfpTransaction transaction;
  FWPM_PROVIDER0 provider{};
  provider.providerKey = provider_key;
  provider.displayData.name = display_name.data();
  provider.displayData.description = const_cast<wchar_t*>(kProviderDescription);
  provider.flags = kProviderFlagPersistent;
  DWORD result = ::FwpmProviderAdd0(transaction.engine(), &provider, nullptr);
  if (result != static_cast<DWORD>(FWP_E_ALREADY_EXISTS)) check(result, "FwpmProviderAdd0");

  FWPM_SUBLAYER0 sublayer{};
  sublayer.subLayerKey = sublayer_key;
  sublayer.displayData.name = display_name.data();
  sublayer.displayData.description = const_cast<wchar_t*>(kSublayerDescription);
  sublayer.flags = kSublayerFlagPersistent;
  sublayer.providerKey = &provider_key;
  sublayer.weight = kSublayerWeight;
  result = ::FwpmSubLayerAdd0(transaction.engine(), &sublayer, nullptr);
  if (result != static_cast<DWORD>(FWP_E_ALREADY_EXISTS)) check(result, "FwpmSubLayerAdd0");

  std::size_t installed = 0;
  for (const WfpFilterSpec& spec : filters) {
    const GUID key = parse_guid(spec.key);
    delete_filter(transaction.engine(), key, spec.name);
    FWPM_FILTER_CONDITION0 conditions[2] = {user_condition(&descriptor_blob),
                                            second_condition(spec)};
    std::wstring name = to_wide(spec.name);
    std::wstring description = to_wide(spec.description);
    FWPM_FILTER0 filter{};
    filter.filterKey = key;
    filter.displayData.name = name.data();
    filter.displayData.description = description.data();
    filter.flags = kFilterFlagPersistent;
    filter.providerKey = &provider_key;
    filter.layerKey = layer_key(spec.layer);
    filter.subLayerKey = sublayer_key;
    filter.weight.type = FWP_EMPTY;
    filter.numFilterConditions = 2;
    filter.filterCondition = conditions;
    filter.action.type = FWP_ACTION_BLOCK;
    UINT64 id = 0;
    check(::FwpmFilterAdd0(transaction.engine(), &filter, nullptr, &id),
          "FwpmFilterAdd0(" + spec.name + ")");
    ++installed;
  }
  transaction.commit();
  return installed;
}

std::size_t FwpmWfpFilters::remove_all(const std::vector<WfpFilterSpec>& filters) {
  const GUID provider_key = parse_guid(kWfpProviderKey);
  const GUID sublayer_key = parse_guid(kWfpSublayerKey);
  WfpTransaction transaction;
  std::size_t deleted = 0;
  for (const WfpFilterSpec& spec : filters) {
    if (delete_filter(transaction.engine(), parse_guid(spec.key), spec.name)) ++deleted;
  }
  DWORD result = ::FwpmSubLayerDeleteByKey0(transaction.engine(), &sublayer_key);
  if (result == ERROR_SUCCESS) {
    ++deleted;
  } else if (result != static_cast<DWORD>(FWP_E_SUBLAYER_NOT_FOUND)) {
    check(result, "FwpmSubLayerDeleteByKey0");
  }
  result = ::FwpmProviderDeleteByKey0(transaction.engine(), &provider_key);
  if (result == ERROR_SUCCESS) {
    ++deleted;
  } else if (result != static_cast<DWORD>(FWP_E_PROVIDER_NOT_FOUND)) {
    check(result, "FwpmProviderDeleteByKey0");
  }
  transaction.commit();
  return deleted;
}

}  // namespace winsandbox::win
