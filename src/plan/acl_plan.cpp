// The ACL plan and its diff: see include/winsandbox/acl_plan.hpp.
#include "winsandbox/acl_plan.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "plan/acl_state.hpp"
#include "plan/audit_plan.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

std::uint32_t mask_of(AceKind kind) noexcept {
  switch (kind) {
    case AceKind::deny_read: return kDenyReadMask;
    case AceKind::deny_write: return kDenyWriteMask;
    case AceKind::allow_write: return kAllowWriteMask;
    case AceKind::allow_read_execute: return kAllowReadExecuteMask;
  }
  return 0;
}

// The ACE identity, ordered the way plans are: kind (denies first), path, SID, then the bits.
using AceKey = std::tuple<AceKind, std::string, std::string, std::uint32_t, std::uint8_t>;

AceKey key_of(const AclEntry& entry) {
  return {entry.kind, entry.path.identity(), entry.sid, entry.mask, entry.inheritance};
}

bool plan_order(const AclEntry& a, const AclEntry& b) {
  return key_of(a) < key_of(b);
}

// Collects entries, merging duplicates (the first origin wins; the create flag is OR-ed).
class EntrySet {
public:
  void add(AclEntry entry) {
    const auto [it, inserted] = index_.try_emplace(key_of(entry), entries_.size());
    if (inserted) {
      entries_.push_back(std::move(entry));
    } else {
      entries_[it->second].create_directory_if_missing |= entry.create_directory_if_missing;
    }
  }
  bool contains(const AclEntry& entry) const { return index_.count(key_of(entry)) != 0; }
  std::vector<AclEntry> sorted() && {
    std::sort(entries_.begin(), entries_.end(), plan_order);
    return std::move(entries_);
  }

private:
  std::map<AceKey, std::size_t> index_;
  std::vector<AclEntry> entries_;
};

std::vector<RootCapabilitySid> root_sids(const ResolvedPermissions& resolved,
                                         const CapabilitySids& sids) {
  std::vector<RootCapabilitySid> result;
  if (resolved.token_mode != TokenMode::writable_roots_capability) return result;
  for (const auto& writable : resolved.writable_roots) {
    const std::string* sid = sids.sid_for_root(writable.root);
    if (!sid) {
      throw Error(ErrorCode::invalid_argument,
                  "no capability SID for writable root " + writable.root.str());
    }
    result.push_back({writable.root, *sid});
  }
  return result;
}

// The SID of the most specific root containing `path` (docs/acl-and-sids.md#acl-plan).
const std::string* most_specific_root_sid(const std::vector<RootCapabilitySid>& roots,
                                          const WinPath& path) {
  const RootCapabilitySid* best = nullptr;
  for (const auto& root : roots) {
    if (path.is_within(root.root) &&
        (!best || root.root.component_count() > best->root.component_count())) {
      best = &root;
    }
  }
  return best ? &best->sid : nullptr;
}

}  // namespace

std::vector<std::string> deny_write_sids(const std::vector<RootCapabilitySid>& roots,
                                         const WinPath& path) {
  std::vector<std::string> overlapping;
  std::vector<std::string> all;
  const auto add_once = [](std::vector<std::string>& sids, const std::string& sid) {
    if (std::find(sids.begin(), sids.end(), sid) == sids.end()) sids.push_back(sid);
  };
  for (const auto& root : roots) {
    add_once(all, root.sid);
    if (path.is_within(root.root) || root.root.is_within(path)) add_once(overlapping, root.sid);
  }
  return overlapping.empty() ? all : overlapping;
}

std::vector<AclEntry> in_plan_order(std::vector<AclEntry> entries) {
  EntrySet set;
  for (auto& entry : entries) set.add(std::move(entry));
  return std::move(set).sorted();
}

bool looks_like_sid(std::string_view text) noexcept {
  if (!text.starts_with("S-1-") || text.size() < 5) return false;
  return std::all_of(text.begin() + 4, text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

bool AclEntry::same_ace(const AclEntry& other) const noexcept {
  return kind == other.kind && path == other.path && sid == other.sid && mask == other.mask &&
         inheritance == other.inheritance;
}

AclEntry make_acl_entry(WinPath path, std::string sid, AceKind kind, AceOrigin origin,
                        bool create_directory_if_missing) {
  return AclEntry{std::move(path), std::move(sid),     kind,
                  mask_of(kind),   kInheritToChildren, create_directory_if_missing,
                  origin};
}

AclPlan plan_acl(const ResolvedPermissions& resolved, const CapabilitySids& sids,
                 const AclPlanOptions& options) {
  const std::optional<std::string>& group = options.sandbox_group_sid;
  if (group && !looks_like_sid(*group)) {
    throw Error(ErrorCode::invalid_argument, "sandbox group SID `" + *group + "` is not a SID");
  }
  if (!group && !resolved.deny_read.empty()) {
    throw Error(ErrorCode::invalid_profile,
                "deny-read restrictions (" + resolved.deny_read.front().str() +
                    ", ...) need the elevated Windows sandbox backend: a write-restricted token "
                    "checks its capability SIDs for writes only, so a deny-read ACE cannot bind "
                    "it; refusing to run less restricted than the profile asks");
  }
  if (!group && !options.setup_read_roots.empty()) {
    throw Error(ErrorCode::invalid_argument, "setup read roots need a sandbox group SID");
  }
  const std::vector<std::string> token_sids = token_capability_sids(resolved, sids);
  const std::vector<RootCapabilitySid> roots = root_sids(resolved, sids);

  EntrySet entries;
  for (const auto& path : resolved.acl.allow_write) {
    const std::string* sid = most_specific_root_sid(roots, path);
    if (!sid)
      continue;  // not under a writable root: nothing to grant (docs/acl-and-sids.md#acl-plan)
    entries.add(make_acl_entry(path, *sid, AceKind::allow_write, AceOrigin::writable_root));
    if (group) {
      entries.add(make_acl_entry(path, *group, AceKind::allow_write, AceOrigin::writable_root));
    }
  }
  for (const auto& path : resolved.acl.deny_write) {
    for (const auto& sid : deny_write_sids(roots, path)) {
      entries.add(make_acl_entry(path, sid, AceKind::deny_write, AceOrigin::read_only_subpath));
    }
  }
  for (const auto& path : resolved.acl.protect_missing) {
    for (const auto& sid : deny_write_sids(roots, path)) {
      entries.add(make_acl_entry(path, sid, AceKind::deny_write, AceOrigin::missing_subpath, true));
    }
  }
  if (group) {
    for (const auto& path : resolved.deny_read) {
      entries.add(make_acl_entry(path, *group, AceKind::deny_read, AceOrigin::deny_read, true));
    }
    for (const auto& path : options.setup_read_roots) {
      if (entries.contains(
              make_acl_entry(path, *group, AceKind::allow_write, AceOrigin::writable_root))) {
        continue;  // the write grant includes read and execute
      }
      entries.add(
          make_acl_entry(path, *group, AceKind::allow_read_execute, AceOrigin::setup_read_root));
    }
  }
  for (auto& entry :
       world_writable_deny_entries(options.world_writable_dirs, resolved, token_sids)) {
    entries.add(std::move(entry));
  }

  std::vector<WinPath> audited;
  for (const auto& dir : options.world_writable_dirs) {
    if (std::find(audited.begin(), audited.end(), dir) == audited.end()) audited.push_back(dir);
  }
  return AclPlan{std::move(entries).sorted(), std::move(audited)};
}

std::vector<AclOperation> AclDiff::operations() const {
  std::vector<AclOperation> ops;
  ops.reserve(to_apply.size() + to_revoke.size());
  for (const auto& entry : to_apply) ops.push_back({AclAction::apply, entry});
  for (const auto& entry : to_revoke) ops.push_back({AclAction::revoke, entry});
  return ops;
}

AclDiff diff_acl(const AclPlan& plan, const AclState& applied, AclSyncMode mode) {
  std::map<AceKey, const AclEntry*> applied_keys;
  for (const auto& entry : applied.entries) applied_keys.emplace(key_of(entry), &entry);
  std::map<AceKey, const AclEntry*> planned_keys;
  for (const auto& entry : plan.entries) planned_keys.emplace(key_of(entry), &entry);

  AclDiff diff;
  for (const auto& entry : plan.entries) {
    (applied_keys.count(key_of(entry)) ? diff.unchanged : diff.to_apply).push_back(entry);
  }
  // Plan order already puts every deny before every allow; keep it explicit for safety.
  std::stable_partition(diff.to_apply.begin(), diff.to_apply.end(),
                        [](const AclEntry& e) { return e.is_deny(); });
  for (const auto& [key, entry] : applied_keys) {
    if (planned_keys.count(key)) continue;
    (mode == AclSyncMode::exact ? diff.to_revoke : diff.retained).push_back(*entry);
  }
  // Revoke grants before denies: tighten before loosening.
  std::stable_partition(diff.to_revoke.begin(), diff.to_revoke.end(),
                        [](const AclEntry& e) { return !e.is_deny(); });
  return diff;
}

AclState record_operations(AclState state, const AclPlan& plan,
                           const std::vector<AclOperation>& completed) {
  std::map<AceKey, AclEntry> entries;
  for (auto& entry : state.entries) entries.insert_or_assign(key_of(entry), std::move(entry));
  for (const auto& op : completed) {
    if (op.action == AclAction::apply) {
      entries.insert_or_assign(key_of(op.entry), op.entry);
    } else {
      entries.erase(key_of(op.entry));
    }
  }
  // Recorded entries the plan also has take its description (origin, create flag).
  for (const auto& planned : plan.entries) {
    const auto it = entries.find(key_of(planned));
    if (it != entries.end()) it->second = planned;
  }
  state.entries.clear();
  for (auto& [key, entry] : entries) state.entries.push_back(std::move(entry));  // plan order
  state.world_writable_dirs = plan.world_writable_dirs;
  return state;
}

std::string_view ace_kind_name(AceKind kind) noexcept {
  return enum_name(kAceKindNames, kind);
}

std::string_view ace_origin_name(AceOrigin origin) noexcept {
  return enum_name(kAceOriginNames, origin);
}

std::string acl_plan_to_json(const AclPlan& plan) {
  return dump_json(to_json_value(plan));
}

std::string acl_diff_to_json(const AclDiff& diff) {
  return dump_json(to_json_value(diff));
}

}  // namespace winsandbox
