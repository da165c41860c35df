// The world-writable audit plan: see audit_plan.hpp.
#include "plan/audit_plan.hpp"

#include <algorithm>
#include <unordered_set>

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

std::optional<std::string_view> child_else_parent(const Environment& child,
                                                  const Environment& parent, std::string_view key) {
  if (const auto value = child.get(key)) return value;
  return parent.get(key);
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// An environment value as a path: trimmed, surrounding quotes removed, absolute only.
std::optional<WinPath> env_path(std::string_view value) {
  value = trim(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = trim(value.substr(1, value.size() - 2));
  }
  if (value.empty() || !WinPath::looks_absolute(value)) return std::nullopt;
  return WinPath::try_parse(value);
}

// System directories with deliberately unusual ACLs that the reference never checks.
bool is_skipped_system_dir(const WinPath& path) {
  const std::string& id = path.identity();
  for (const std::string_view suffix :
       {"\\WINDOWS\\INSTALLER", "\\WINDOWS\\REGISTRATION", "\\PROGRAMDATA"}) {
    if (id.size() >= suffix.size() &&
        id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

class CandidateList {
public:
  explicit CandidateList(const FileSystemView& fs) : fs_(fs) {}
  void add(const std::optional<WinPath>& path) {
    if (!path) return;
    const auto canonical = fs_.canonical(*path);
    if (!canonical || !fs_.is_directory(*canonical)) return;
    if (std::find(roots_.begin(), roots_.end(), *canonical) == roots_.end()) {
      roots_.push_back(*canonical);
    }
  }
  std::vector<WinPath> take() && { return std::move(roots_); }

private:
  const FileSystemView& fs_;
  std::vector<WinPath> roots_;
};

class Scan {
public:
  Scan(const FileSystemView& fs, WorldWritableProbe& probe, const AuditLimits& limits,
       const AuditClock& clock)
      : fs_(fs), probe_(probe), limits_(limits), clock_(clock), start_(clock()) {}

  // False once the budget is spent.
  bool within_budget() {
    if (result_.stopped != AuditResult::Stop::completed) return false;
    if (clock_() - start_ > limits_.time_budget) {
      result_.stopped = AuditResult::Stop::time_budget;
    } else if (result_.checked >= limits_.max_checks) {
      result_.stopped = AuditResult::Stop::check_budget;
    }
    return result_.stopped == AuditResult::Stop::completed;
  }

  void check(const WinPath& directory) {
    if (!within_budget() || !visited_.insert(directory.identity()).second) return;
    ++result_.checked;
    if (probe_.is_everyone_writable(directory)) result_.flagged.push_back(directory);
  }

  void check_children(const WinPath& directory) {
    if (!within_budget()) return;
    std::vector<std::string> names = fs_.list_directory(directory);
    if (names.size() > limits_.max_entries_per_directory) {
      names.resize(limits_.max_entries_per_directory);
    }
    for (const auto& name : names) {
      if (!within_budget()) return;
      std::optional<WinPath> child;
      try {
        child = directory.child(name);
      } catch (const Error&) {
        continue;  // a name that is not a single component (never from a real listing)
      }
      if (fs_.kind(*child) != NodeKind::directory || is_skipped_system_dir(*child)) continue;
      check(*child);
    }
  }

  AuditResult finish() && {
    result_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(clock_() - start_);
    return std::move(result_);
  }

private:
  const FileSystemView& fs_;
  WorldWritableProbe& probe_;
  const AuditLimits& limits_;
  const AuditClock& clock_;
  std::chrono::steady_clock::time_point start_;
  std::unordered_set<std::string> visited_;
  AuditResult result_;
};

}  // namespace

AuditCandidates audit_candidates(const WinPath& cwd, const Environment& child_env,
                                 const Environment& parent_env, const FileSystemView& fs) {
  AuditCandidates candidates;
  if (const auto canonical = fs.canonical(cwd); canonical && fs.is_directory(*canonical)) {
    candidates.cwd = *canonical;
  }
  CandidateList list(fs);
  list.add(cwd);
  for (const std::string_view key : {"TEMP", "TMP"}) {
    if (const auto value = child_else_parent(child_env, parent_env, key))
      list.add(env_path(*value));
  }
  for (const std::string_view key : {"USERPROFILE", "PUBLIC"}) {
    if (const auto value = parent_env.get(key)) list.add(env_path(*value));
  }
  if (const auto path = child_else_parent(child_env, parent_env, "PATH")) {
    std::string_view rest = *path;
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      list.add(env_path(rest.substr(0, semicolon)));
      if (semicolon == std::string_view::npos) break;
      rest.remove_prefix(semicolon + 1);
    }
  }
  std::optional<WinPath> system_root;
  if (const auto value = parent_env.get("SystemRoot")) system_root = env_path(*value);
  if (!system_root) system_root = WinPath::parse("C:\\Windows");
  list.add(system_root->root());
  list.add(system_root);
  candidates.roots = std::move(list).take();
  return candidates;
}

AuditResult run_world_writable_audit(const AuditCandidates& candidates, const FileSystemView& fs,
                                     WorldWritableProbe& probe, const AuditLimits& limits,
                                     const AuditClock& clock) {
  Scan scan(fs, probe, limits, clock);
  if (candidates.cwd) scan.check_children(*candidates.cwd);
  for (const auto& root : candidates.roots) {
    if (is_skipped_system_dir(root)) continue;
    scan.check(root);
    scan.check_children(root);
  }
  return std::move(scan).finish();
}

std::string audit_log_line(const AuditResult& result, const WinPath& cwd) {
  std::string line = "AUDIT: world-writable scan ";
  if (result.flagged.empty()) {
    line += "OK";
  } else {
    line += "FAILED; cwd=" + cwd.str();
  }
  line += "; checked=" + std::to_string(result.checked) +
          "; duration_ms=" + std::to_string(result.duration.count());
  if (result.stopped != AuditResult::Stop::completed) {
    line += "; stopped=" + std::string(audit_stop_name(result.stopped));
  }
  if (!result.flagged.empty()) {
    line += "; flagged:";
    for (const auto& path : result.flagged) line += "\n - " + path.str();
  }
  return line;
}

std::vector<AclEntry> world_writable_deny_entries(const std::vector<WinPath>& flagged,
                                                  const ResolvedPermissions& resolved,
                                                  const std::vector<std::string>& token_sids) {
  std::vector<AclEntry> entries;
  std::vector<WinPath> seen;
  for (const auto& dir : flagged) {
    if (std::find(seen.begin(), seen.end(), dir) != seen.end()) continue;
    seen.push_back(dir);
    const bool inside_root =
        std::any_of(resolved.writable_roots.begin(), resolved.writable_roots.end(),
                    [&](const WritableRoot& root) { return dir.is_within(root.root); });
    if (inside_root) continue;
    for (const auto& sid : token_sids) {
      entries.push_back(
          make_acl_entry(dir, sid, AceKind::deny_write, AceOrigin::world_writable_dir));
    }
  }
  return entries;
}

std::string_view audit_stop_name(AuditResult::Stop stop) noexcept {
  switch (stop) {
    case AuditResult::Stop::completed: return "completed";
    case AuditResult::Stop::time_budget: return "time_budget";
    case AuditResult::Stop::check_budget: return "check_budget";
  }
  return "unknown";
}

Json to_json_value(const AuditCandidates& candidates) {
  Json out = Json::object();
  out["cwd"] = candidates.cwd ? Json(candidates.cwd->str()) : Json(nullptr);
  Json roots = Json::array();
  for (const auto& root : candidates.roots) roots.push_back(root.str());
  out["roots"] = std::move(roots);
  return out;
}

Json to_json_value(const AuditResult& result) {
  Json out = Json::object();
  Json flagged = Json::array();
  for (const auto& path : result.flagged) flagged.push_back(path.str());
  out["flagged"] = std::move(flagged);
  out["checked"] = result.checked;
  out["duration_ms"] = result.duration.count();
  out["stopped"] = audit_stop_name(result.stopped);
  return out;
}

}  // namespace winsandbox
