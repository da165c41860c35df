// Helpers shared by the fuzz targets: see fuzz_support.hpp.
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "winsandbox/acl_plan.hpp"
#include "winsandbox/capability_sids.hpp"

namespace winsandbox::fuzz {

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  for (const char c : bytes.substr(0, 512)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 32 && u < 127 && c != '\\') {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    }
  }
  if (bytes.size() > 512) out += "...";
  return out;
}

void require_documented(const Error& error, std::initializer_list<ErrorCode> documented,
                        std::string_view entry_point) {
  if (std::find(documented.begin(), documented.end(), error.code()) != documented.end()) return;
  throw UndocumentedErrorCode(std::string(entry_point) + " threw undocumented error code " +
                              std::string(error_code_name(error.code())) + ": " + error.what());
}

namespace {

// Deterministic capability SIDs for the writable roots of `resolved` (S-1-5-21-1-2-3-<n>).
CapabilitySids sids_for(const ResolvedPermissions& resolved) {
  std::vector<WinPath> roots;
  for (const auto& writable : resolved.writable_roots) roots.push_back(writable.root);
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  CapabilitySids sids;
  sids.read_only = "S-1-5-21-1-2-3-4";
  for (std::size_t i = 0; i < roots.size(); ++i) {
    sids.writable_roots.push_back({roots[i], "S-1-5-21-1-2-3-" + std::to_string(100 + i)});
  }
  return sids;
}

// A plan's entries are sorted and no two are the same ACE; a full apply, recorded, makes the
// next refresh with the same plan a no-op (the O(roots) refresh of docs/acl-and-sids.md#acl-diff).
void check_plan(const AclPlan& plan) {
  for (std::size_t i = 1; i < plan.entries.size(); ++i) {
    WS_FUZZ_CHECK(!plan.entries[i - 1].same_ace(plan.entries[i]),
                  "duplicate ACE on " + plan.entries[i].path.str());
  }
  for (const auto& entry : plan.entries) {
    WS_FUZZ_CHECK(is_capability_sid(entry.sid) || entry.sid == "S-1-5-21-9-9-9-513",
                  "unexpected SID " + entry.sid);
  }
  (void)acl_plan_to_json(plan);

  const AclDiff full = diff_acl(plan, AclState{});
  WS_FUZZ_CHECK(
      full.to_apply.size() == plan.entries.size(),
      std::to_string(full.to_apply.size()) + " of " + std::to_string(plan.entries.size()));
  WS_FUZZ_CHECK(full.to_revoke.empty() && full.unchanged.empty() && full.retained.empty(), "");
  (void)acl_diff_to_json(full);

  const AclState applied = record_operations(AclState{}, plan, full.operations());
  for (const AclSyncMode mode : {AclSyncMode::exact, AclSyncMode::additive}) {
    const AclDiff refresh = diff_acl(plan, applied, mode);
    WS_FUZZ_CHECK(refresh.empty(), "a refresh with an unchanged plan writes ACEs");
    WS_FUZZ_CHECK(refresh.unchanged.size() == plan.entries.size(), "");
  }
  // Revoking everything (an empty plan) undoes exactly what was applied.
  const AclDiff teardown = diff_acl(AclPlan{}, applied);
  WS_FUZZ_CHECK(teardown.to_apply.empty(), "");
  WS_FUZZ_CHECK(teardown.to_revoke.size() == plan.entries.size(), "");
  const AclState after = record_operations(applied, AclPlan{}, teardown.operations());
  WS_FUZZ_CHECK(after.entries.empty(), "revoked ACEs stay recorded");
}

}  // namespace

void check_resolved(const ResolvedPermissions& resolved, const FileSystemView& fs) {
  (void)resolved_to_json(resolved);

  // explain() answers for every path the result names.
  std::vector<WinPath> named = resolved.workspace_roots;
  named.push_back(resolved.command_cwd);
  named.insert(named.end(), resolved.readable_roots.begin(), resolved.readable_roots.end());
  named.insert(named.end(), resolved.deny_read.begin(), resolved.deny_read.end());
  for (const auto& writable : resolved.writable_roots) {
    named.push_back(writable.root);
    named.insert(named.end(), writable.read_only_subpaths.begin(),
                 writable.read_only_subpaths.end());
  }
  // Bounded work per input: explain() rebuilds the concrete entries on every call.
  if (named.size() > 12) named.erase(named.begin() + 12, named.end());
  std::vector<PathVerdict> verdicts;
  for (const auto& path : named) {
    verdicts.push_back(explain(resolved, path, fs));
  }
  // A deny-read path is unreadable, also when it reaches through a junction or symlink (glob
  // matches are reported by their lexical path, docs/resolution.md#deny-read-globs; explain()
  // denies either spelling —
  // regressions/fuzz_snapshot_resolve/deny_glob_matches_junction_to_workspace).
  for (std::size_t i = 0; i < resolved.deny_read.size() && i < 8; ++i) {
    const WinPath& path = resolved.deny_read[i];
    WS_FUZZ_CHECK(!explain(resolved, path, fs).read, "a deny-read path is readable: " + path.str());
  }
  (void)verdicts_to_json(verdicts);

  const CapabilitySids sids = sids_for(resolved);
  try {
    (void)token_capability_sids(resolved, sids);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::token_limit_exceeded}, "token_capability_sids");
  }

  // Elevated: a sandbox group, so deny-read is enforceable.
  AclPlanOptions elevated;
  elevated.sandbox_group_sid = "S-1-5-21-9-9-9-513";
  try {
    check_plan(plan_acl(resolved, sids, elevated));
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::token_limit_exceeded}, "plan_acl (elevated)");
  }
  // Unelevated: deny-read paths cannot be enforced and must be refused.
  try {
    const AclPlan plan = plan_acl(resolved, sids);
    WS_FUZZ_CHECK(resolved.deny_read.empty(), "unelevated plan accepted deny-read paths");
    check_plan(plan);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::invalid_profile) {
      WS_FUZZ_CHECK(!resolved.deny_read.empty(), std::string("refused: ") + e.what());
    } else {
      require_documented(e, {ErrorCode::token_limit_exceeded}, "plan_acl (unelevated)");
    }
  }
}

}  // namespace winsandbox::fuzz
