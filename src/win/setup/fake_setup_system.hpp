// The recording fake machine behind SetupSystem (docs/setup.md#seams): local accounts, the
// secret protector, the firewall, WFP and file DACLs, all kept in ONE JSON file, so the
// processes of a test (the test itself, the library's orchestrator, winsandbox-setup.exe) see
// the same fake machine and the same call counters. Selected by WINSANDBOX_TEST_SETUP_SYSTEM
// (kFakeSetupSystemVariable); tests and Wine only — never a real setup.
//
// Every operation locks the file (`<file>.lock`, FileLock), loads it, changes it and writes it
// back atomically, counting the call under its method name ("accounts.ensure_user",
// "firewall.ensure_rule", "files.write_dacl", ...). File DACLs are SDDL strings kept by path
// identity and edited exactly as SddlDaclAccess edits them (the fake reuses it per call);
// directories created through the fake are also created on disk, so files written next to them
// (marker, secrets) have a place to go.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "win/setup/setup_system.hpp"

namespace winsandbox::win {

struct FakeUser {
  std::string sid;
  std::string password;
  std::vector<std::string> groups;  // local groups the fake added it to
  bool hidden = false;              // hidden from the logon screen
  friend bool operator==(const FakeUser&, const FakeUser&) = default;
};

struct FakeGroup {
  std::string sid;
  std::string comment;
  friend bool operator==(const FakeGroup&, const FakeGroup&) = default;
};

struct FakeFirewallRule {
  FirewallRuleSpec spec;
  std::string local_user_authorized_list;
  bool enabled = true;
  friend bool operator==(const FakeFirewallRule&, const FakeFirewallRule&) = default;
};

struct FakeDacl {
  std::string path;  // as first given (WinPath::str())
  std::string sddl;
  friend bool operator==(const FakeDacl&, const FakeDacl&) = default;
};

// The whole fake machine, as persisted (pretty JSON; field names as below).
struct FakeMachineState {
  // Machine contents.
  std::map<std::string, FakeUser> users;    // by account name as created
  std::map<std::string, FakeGroup> groups;  // by group name
  // Other accounts lookup_sid knows (the real user, "Administrators", "SYSTEM", ...).
  std::map<std::string, std::string> known_sids;
  std::map<std::string, FakeFirewallRule> firewall_rules;  // by rule name
  std::map<std::string, std::string> wfp_filters;          // filter key -> account name
  bool wfp_provider = false;                               // provider + sublayer installed
  std::map<std::string, FakeDacl> dacls;                   // path identity -> DACL

  // Behaviour switches.
  FirewallModifyState modify_state = FirewallModifyState::ok;
  // read_rule reports an empty LocalUserAuthorizedList (a firewall that dropped it).
  bool firewall_drops_authorized_list = false;
  // Method name -> call numbers (1 = the first call of that method ever counted) that throw
  // Error(win32_call_failed, ..., ERROR_ACCESS_DENIED) and change nothing; 0 = every call.
  std::map<std::string, std::set<std::uint64_t>> failing_calls;
  // The DACL a directory gets when the fake creates it, or when a path that exists on disk is
  // first read without a recorded DACL.
  std::string default_dacl = "D:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

  // Counters.
  std::map<std::string, std::uint64_t> calls;  // method name -> calls (failed ones included)
  std::uint64_t helper_runs = 0;               // winsandbox-setup.exe starts
  std::uint64_t dacl_writes = 0;               // successful DACL writes
  std::uint64_t next_rid = 1001;               // the next fake account's relative id

  friend bool operator==(const FakeMachineState&, const FakeMachineState&) = default;
};

std::string fake_machine_state_to_json(const FakeMachineState& state);
// Error(invalid_argument) for a malformed file.
FakeMachineState fake_machine_state_from_json(std::string_view json);

// The persisted fake machine: one JSON file (missing = an empty machine).
class FakeSetupMachine {
public:
  explicit FakeSetupMachine(std::filesystem::path file);

  const std::filesystem::path& file() const noexcept { return file_; }

  // The state as it is now on disk.
  FakeMachineState load() const;
  // Replaces the state (tests seed and configure the machine with it).
  void store(const FakeMachineState& state) const;

  // The file's lock and the state loaded under it; commit() writes the state back.
  class Transaction {
  public:
    explicit Transaction(const FakeSetupMachine& machine);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    // calls[method] += 1; when that call is one to fail, stores the count and throws the
    // injected Error.
    void count(const std::string& method);
    void commit();

    FakeMachineState state;

  private:
    struct Lock;
    const FakeSetupMachine& machine_;
    std::unique_ptr<Lock> lock_;
  };

  // Load, change, store, under the file's lock; returns what `change` returns.
  template <typename F>
  auto update(F&& change) const {
    Transaction transaction(*this);
    return finish(transaction, std::forward<F>(change));
  }
  // The same for one seam call: counts calls[method] first and throws the injected failure if
  // that call is to fail (the count is kept, nothing else changes).
  template <typename F>
  auto call(const std::string& method, F&& change) const {
    Transaction transaction(*this);
    transaction.count(method);
    return finish(transaction, std::forward<F>(change));
  }

  // helper_runs += 1 (winsandbox-setup.exe calls it when it starts on the fake).
  void record_helper_run() const;

private:
  template <typename F>
  static auto finish(Transaction& transaction, F&& change) {
    if constexpr (std::is_void_v<decltype(change(transaction.state))>) {
      change(transaction.state);
      transaction.commit();
    } else {
      auto result = change(transaction.state);
      transaction.commit();
      return result;
    }
  }

  std::filesystem::path file_;
};

// A SetupSystem (name "fake") whose seams all work on `machine`'s file.
SetupSystem make_fake_setup_system(const std::filesystem::path& file);

// The fake protector's blob format (reversible, not the identity, bound to the entropy): "WSFAKE1"
// + u32 LE entropy length + entropy + the secret's bytes XOR 0x5A. unprotect with another
// entropy throws Error(win32_call_failed, ..., ERROR_INVALID_DATA), like CryptUnprotectData.
std::vector<std::uint8_t> fake_protect(std::string_view secret, std::string_view entropy);
std::string fake_unprotect(const std::vector<std::uint8_t>& blob, std::string_view entropy);

// The fake file named by kFakeSetupSystemVariable in this process's environment, if set.
std::optional<std::filesystem::path> fake_setup_system_file();

}  // namespace winsandbox::win
