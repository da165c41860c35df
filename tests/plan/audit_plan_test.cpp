// The world-writable audit plan (docs/acl-and-sids.md#world-writable-audit): candidates, the
// bounded scan over a fake probe, and the deny entries for flagged directories.
#include "plan/audit_plan.hpp"

#include <set>

#include <gtest/gtest.h>

#include "plan_test_support.hpp"
#include "test_support.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox {
namespace {

WinPath p(std::string_view text) {
  return WinPath::parse(text);
}
std::vector<WinPath> paths(std::initializer_list<const char*> texts) {
  std::vector<WinPath> out;
  for (const char* t : texts) out.push_back(p(t));
  return out;
}

// Flags the directories it was told about; remembers every check in order.
class FakeProbe final : public WorldWritableProbe {
public:
  explicit FakeProbe(std::set<WinPath> writable = {}) : writable_(std::move(writable)) {}
  bool is_everyone_writable(const WinPath& directory) override {
    checked.push_back(directory);
    return writable_.count(directory) != 0;
  }
  std::vector<WinPath> checked;

private:
  std::set<WinPath> writable_;
};

SnapshotFileSystem candidates_fs() {
  return SnapshotFileSystem::from_json(R"({"nodes":[
      {"path":"C:\\repo\\src","type":"dir"},
      {"path":"C:\\Users\\me\\AppData\\Local\\Temp","type":"dir"},
      {"path":"C:\\Users\\Public","type":"dir"},
      {"path":"C:\\tmp2","type":"dir"},
      {"path":"C:\\tools\\bin","type":"dir"},
      {"path":"C:\\link","type":"junction","target":"C:\\tools\\bin"},
      {"path":"C:\\Windows\\System32","type":"dir"},
      {"path":"C:\\file.txt","type":"file"},
      {"path":"D:\\Win","type":"dir"}]})");
}

TEST(AuditCandidates, OrderAndSourcesFollowTheReference) {
  const auto fs = candidates_fs();
  const Environment child = Environment::from_assignments({
      "temp=C:\\Users\\me\\AppData\\Local\\Temp",
      "PUBLIC=C:\\tools\\bin",  // ignored: USERPROFILE and PUBLIC come from the parent
      "Path= \"C:\\tools\\bin\" "
      ";relative\\dir;C:\\Windows\\System32;C:\\missing;;C:\\repo;C:\\link;C:\\file.txt",
  });
  const Environment parent = Environment::from_assignments({
      "TEMP=C:\\ignored-because-the-child-has-one",
      "TMP=C:\\tmp2",
      "USERPROFILE=C:\\Users\\me",
      "PUBLIC=C:\\Users\\Public",
      "PATH=C:\\never-used",
      "SystemRoot=C:\\Windows",
  });
  const auto candidates = audit_candidates(p("c:\\REPO"), child, parent, fs);
  EXPECT_EQ(candidates.cwd, p("C:\\repo"));
  EXPECT_EQ(candidates.roots, paths({"C:\\repo", "C:\\Users\\me\\AppData\\Local\\Temp", "C:\\tmp2",
                                     "C:\\Users\\me", "C:\\Users\\Public", "C:\\tools\\bin",
                                     "C:\\Windows\\System32", "C:\\", "C:\\Windows"}));
  EXPECT_EQ(dump_json(to_json_value(AuditCandidates{std::nullopt, paths({"C:\\x"})})),
            R"({"cwd":null,"roots":["C:\\x"]})");
}

TEST(AuditCandidates, SystemDriveComesFromSystemRootElseDriveC) {
  const auto fs = candidates_fs();
  const Environment parent = Environment::from_assignments({"SystemRoot=D:\\Win"});
  EXPECT_EQ(audit_candidates(p("C:\\nowhere"), {}, parent, fs).roots, paths({"D:\\", "D:\\Win"}));
  const auto fallback = audit_candidates(p("C:\\nowhere"), {}, {}, fs);
  EXPECT_EQ(fallback.cwd, std::nullopt);  // the cwd does not resolve
  EXPECT_EQ(fallback.roots, paths({"C:\\", "C:\\Windows"}));
}

SnapshotFileSystem scan_fs() {
  return SnapshotFileSystem::from_json(R"({"nodes":[
      {"path":"C:\\repo\\a","type":"dir"},
      {"path":"C:\\repo\\b","type":"dir"},
      {"path":"C:\\repo\\f.txt","type":"file"},
      {"path":"C:\\repo\\j","type":"junction","target":"C:\\elsewhere"},
      {"path":"C:\\repo\\s","type":"symlink","target":"C:\\elsewhere"},
      {"path":"C:\\elsewhere","type":"dir"},
      {"path":"C:\\ProgramData\\x","type":"dir"},
      {"path":"C:\\Windows\\Installer","type":"dir"},
      {"path":"C:\\Windows\\Temp","type":"dir"}]})");
}

TEST(WorldWritableAudit, ScansCwdChildrenThenEachRootAndItsChildren) {
  const auto fs = scan_fs();
  const AuditCandidates candidates{p("C:\\repo"), paths({"C:\\repo", "C:\\", "C:\\Windows"})};
  FakeProbe probe({p("C:\\repo\\b"), p("C:\\Windows\\Temp"), p("C:\\")});
  const auto result = run_world_writable_audit(candidates, fs, probe);
  EXPECT_EQ(probe.checked,
            paths({"C:\\repo\\a", "C:\\repo\\b",  // phase 1: real child dirs only
                   "C:\\repo",                    // phase 2; its children were checked already
                   "C:\\", "C:\\elsewhere",       // C:\ProgramData, C:\repo (done), C:\Windows...
                   "C:\\Windows", "C:\\Windows\\Temp"}));  // ...C:\Windows\Installer skipped
  EXPECT_EQ(result.flagged, paths({"C:\\repo\\b", "C:\\", "C:\\Windows\\Temp"}));
  EXPECT_EQ(result.checked, 7u);
  EXPECT_EQ(result.stopped, AuditResult::Stop::completed);
}

TEST(WorldWritableAudit, StopsAtTheCheckBudget) {
  const auto fs = scan_fs();
  FakeProbe probe;
  AuditLimits limits;
  limits.max_checks = 3;
  const auto result =
      run_world_writable_audit({p("C:\\repo"), paths({"C:\\repo", "C:\\"})}, fs, probe, limits);
  EXPECT_EQ(result.checked, 3u);
  EXPECT_EQ(probe.checked.size(), 3u);
  EXPECT_EQ(result.stopped, AuditResult::Stop::check_budget);
}

TEST(WorldWritableAudit, StopsAtTheTimeBudget) {
  const auto fs = scan_fs();
  FakeProbe probe;
  auto now = std::chrono::steady_clock::time_point{};
  // Every reading of the clock advances it by 300 ms: the scan must stop after 2 s.
  const AuditClock clock = [&] { return now += std::chrono::milliseconds(300); };
  const auto result = run_world_writable_audit({p("C:\\repo"), paths({"C:\\repo", "C:\\"})}, fs,
                                               probe, AuditLimits{}, clock);
  EXPECT_EQ(result.stopped, AuditResult::Stop::time_budget);
  EXPECT_LT(result.checked, 7u);
  EXPECT_GT(result.duration, std::chrono::milliseconds(2000));
  EXPECT_EQ(probe.checked.size(), result.checked);
}

TEST(WorldWritableAudit, ReadsAtMostTheListingLimitPerDirectory) {
  const auto fs = scan_fs();
  FakeProbe probe;
  AuditLimits limits;
  limits.max_entries_per_directory = 2;  // of a, b, f.txt, j, s: only a and b
  run_world_writable_audit({p("C:\\repo"), {}}, fs, probe, limits);
  EXPECT_EQ(probe.checked, paths({"C:\\repo\\a", "C:\\repo\\b"}));
  limits.max_entries_per_directory = 1;
  FakeProbe one;
  run_world_writable_audit({p("C:\\repo"), {}}, fs, one, limits);
  EXPECT_EQ(one.checked, paths({"C:\\repo\\a"}));
}

TEST(WorldWritableAudit, LogLinesAndJson) {
  AuditResult ok;
  ok.checked = 291;
  ok.duration = std::chrono::milliseconds(16);
  EXPECT_EQ(audit_log_line(ok, p("C:\\repo")),
            "AUDIT: world-writable scan OK; checked=291; duration_ms=16");
  AuditResult failed = ok;
  failed.flagged = paths({"C:\\Users\\Public", "C:\\drop"});
  failed.stopped = AuditResult::Stop::time_budget;
  EXPECT_EQ(audit_log_line(failed, p("C:\\repo")),
            "AUDIT: world-writable scan FAILED; cwd=C:\\repo; checked=291; duration_ms=16; "
            "stopped=time_budget; flagged:\n - C:\\Users\\Public\n - C:\\drop");
  EXPECT_EQ(
      dump_json(to_json_value(failed)),
      R"({"flagged":["C:\\Users\\Public","C:\\drop"],"checked":291,"duration_ms":16,"stopped":"time_budget"})");
}

TEST(WorldWritableDenies, OutsideWritableRootsForEveryTokenSid) {
  ResolvedPermissions resolved = testing::empty_resolved("C:\\repo");
  resolved.writable_roots = {{p("C:\\repo"), {}}};
  const auto entries =
      world_writable_deny_entries(paths({"C:\\drop", "C:\\repo\\out", "c:\\DROP", "C:\\"}),
                                  resolved, {"S-1-5-21-1-1-1-1", "S-1-5-21-2-2-2-2"});
  std::vector<AclEntry> expected;
  for (const char* dir : {"C:\\drop", "C:\\"}) {
    for (const char* sid : {"S-1-5-21-1-1-1-1", "S-1-5-21-2-2-2-2"}) {
      expected.push_back(
          make_acl_entry(p(dir), sid, AceKind::deny_write, AceOrigin::world_writable_dir));
    }
  }
  EXPECT_EQ(entries, expected);
  EXPECT_EQ(entries[0].mask, kDenyWriteMask);
  EXPECT_FALSE(entries[0].create_directory_if_missing);
}

}  // namespace
}  // namespace winsandbox
