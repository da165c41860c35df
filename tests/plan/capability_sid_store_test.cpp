// Capability SIDs: generation, the persistent store (atomic write, corrupt-file recovery,
// concurrency across threads and processes), the token limit; and the atomic-file primitives
// they rest on.
#include "plan/capability_sid_store.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "common/atomic_file.hpp"
#include "plan_test_support.hpp"
#include "test_support.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
extern char** environ;
#endif

namespace winsandbox {
namespace {

using testing::CountingRandom;
using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr const char* kSid0 = "S-1-5-21-50462976-117835012-185207048-252579084";
constexpr const char* kSid16 = "S-1-5-21-319951120-387323156-454695192-522067228";
constexpr const char* kSid32 = "S-1-5-21-589439264-656811300-724183336-791555372";
constexpr const char* kSid48 = "S-1-5-21-858927408-926299444-993671480-1061043516";

WinPath p(std::string_view text) {
  return WinPath::parse(text);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void spit(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// ---- generation and syntax ------------------------------------------------------------------

TEST(CapabilitySid, GeneratedFromSixteenLittleEndianBytes) {
  CountingRandom random(0);
  EXPECT_EQ(generate_capability_sid(random), kSid0);
  EXPECT_EQ(generate_capability_sid(random), kSid16);
  CountingRandom high(0xF0);  // bytes F0..FF: values near 2^32 print without sign
  EXPECT_EQ(generate_capability_sid(high), "S-1-5-21-4092785136-4160157172-4227529208-4294901244");
}

TEST(CapabilitySid, SyntaxIsExactlyFourDecimalU32s) {
  EXPECT_TRUE(is_capability_sid("S-1-5-21-1-2-3-4"));
  EXPECT_TRUE(is_capability_sid("S-1-5-21-0-0-0-0"));
  EXPECT_TRUE(is_capability_sid("S-1-5-21-4294967295-4294967295-4294967295-4294967295"));
  EXPECT_FALSE(is_capability_sid("S-1-5-21-4294967296-1-2-3"));  // > u32
  EXPECT_FALSE(is_capability_sid("S-1-5-21-01-2-3-4"));          // leading zero
  EXPECT_FALSE(is_capability_sid("S-1-5-21-1-2-3"));             // three values
  EXPECT_FALSE(is_capability_sid("S-1-5-21-1-2-3-4-5"));         // five values
  EXPECT_FALSE(is_capability_sid("S-1-5-21-1-2-3-"));
  EXPECT_FALSE(is_capability_sid("S-1-5-21-1--3-4"));
  EXPECT_FALSE(is_capability_sid("S-1-5-21-+1-2-3-4"));
  EXPECT_FALSE(is_capability_sid("S-1-5-32-544"));
  EXPECT_FALSE(is_capability_sid("s-1-5-21-1-2-3-4"));
  EXPECT_FALSE(is_capability_sid(""));
}

// ---- the store ------------------------------------------------------------------------------

TEST(CapabilitySidStore, FirstAssignPersistsExactFile) {
  ScratchDir home;
  CountingRandom random(0);
  CapabilitySidStore store(home.path(), random);
  const CapabilitySids sids = store.assign({p("D:\\scratch"), p("C:\\Repo"), p("c:/repo/")});

  // The read-only SID is created first, then one SID per root in identity order.
  EXPECT_EQ(sids.read_only, kSid0);
  ASSERT_EQ(sids.writable_roots.size(), 2u);
  EXPECT_EQ(sids.writable_roots[0], (RootCapabilitySid{p("C:\\Repo"), kSid16}));
  EXPECT_EQ(sids.writable_roots[1], (RootCapabilitySid{p("D:\\scratch"), kSid32}));
  EXPECT_EQ(slurp(home.path() / "cap_sids.json"), std::string("{\n"
                                                              "  \"version\": 1,\n"
                                                              "  \"read_only\": \"") +
                                                      kSid0 +
                                                      "\",\n"
                                                      "  \"writable_roots\": {\n"
                                                      "    \"C:\\\\REPO\": \"" +
                                                      kSid16 +
                                                      "\",\n"
                                                      "    \"D:\\\\SCRATCH\": \"" +
                                                      kSid32 +
                                                      "\"\n"
                                                      "  }\n"
                                                      "}\n");
  EXPECT_TRUE(store.warnings().empty());
  // No temp files left behind; the lock file stays (it is never deleted).
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(home.path()))
    names.insert(entry.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"cap_sids.json", "cap_sids.json.lock"}));
}

TEST(CapabilitySidStore, SidsPersistAcrossStoresAndSpellings) {
  ScratchDir home;
  CountingRandom first_random(0);
  const CapabilitySids first =
      CapabilitySidStore(home.path(), first_random).assign({p("C:\\repo"), p("D:\\scratch")});
  const std::string file_before = slurp(home.path() / "cap_sids.json");

  CountingRandom second_random(100);
  CapabilitySidStore second(home.path(), second_random);
  const CapabilitySids again = second.assign({p("\\\\?\\c:\\REPO\\"), p("d:/Scratch")});
  EXPECT_EQ(again.read_only, first.read_only);
  EXPECT_EQ(*again.sid_for_root(p("C:\\repo")), kSid16);
  EXPECT_EQ(*again.sid_for_root(p("D:\\scratch")), kSid32);
  EXPECT_EQ(second_random.calls(), 0) << "nothing new, so no randomness and no write";
  EXPECT_EQ(slurp(home.path() / "cap_sids.json"), file_before);
}

TEST(CapabilitySidStore, AddingARootKeepsEveryExistingSid) {
  ScratchDir home;
  CountingRandom random(0);
  CapabilitySidStore store(home.path(), random);
  store.assign({p("C:\\repo")});                                  // read-only 0, repo 16
  const auto sids = store.assign({p("C:\\repo"), p("E:\\new")});  // new 32
  EXPECT_EQ(sids.read_only, kSid0);
  EXPECT_EQ(*sids.sid_for_root(p("C:\\repo")), kSid16);
  EXPECT_EQ(*sids.sid_for_root(p("E:\\new")), kSid32);
  // A command with fewer roots gets only its roots; the others stay stored.
  const auto fewer = store.assign({p("E:\\new")});
  EXPECT_EQ(fewer.writable_roots, (std::vector<RootCapabilitySid>{{p("E:\\new"), kSid32}}));
  EXPECT_EQ(store.read().writable_roots,
            (std::map<std::string, std::string>{{"C:\\REPO", kSid16}, {"E:\\NEW", kSid32}}));
}

TEST(CapabilitySidStore, ReadOnlyCommandGetsOnlyTheReadOnlySid) {
  ScratchDir home;
  CountingRandom random(0);
  const auto sids = CapabilitySidStore(home.path(), random).assign({});
  EXPECT_EQ(sids.read_only, kSid0);
  EXPECT_TRUE(sids.writable_roots.empty());
}

TEST(CapabilitySidStore, GeneratedSidsNeverCollideWithStoredOnes) {
  ScratchDir home;
  CountingRandom random(0);
  CapabilitySidStore(home.path(), random).assign({p("C:\\a")});  // 0 and 16
  CountingRandom replay(0);  // produces 0, 16, 32...: the first two are taken
  const auto sids = CapabilitySidStore(home.path(), replay).assign({p("C:\\b")});
  EXPECT_EQ(*sids.sid_for_root(p("C:\\b")), kSid32);
}

TEST(CapabilitySidStore, UnparsableFileIsKeptAsCorruptAndReplaced) {
  ScratchDir home;
  spit(home.path() / "cap_sids.json", "{\"version\": 1, \"read_only\": ");  // torn write
  CountingRandom random(0);
  CapabilitySidStore store(home.path(), random);
  const auto sids = store.assign({p("C:\\repo")});
  EXPECT_EQ(sids.read_only, kSid0);
  EXPECT_EQ(slurp(home.path() / "cap_sids.json.corrupt"), "{\"version\": 1, \"read_only\": ");
  ASSERT_EQ(store.warnings().size(), 1u);
  EXPECT_NE(store.warnings()[0].find("capability SID store"), std::string::npos)
      << store.warnings()[0];
  EXPECT_NE(store.warnings()[0].find("was corrupt"), std::string::npos) << store.warnings()[0];
  EXPECT_NE(store.warnings()[0].find("cap_sids.json.corrupt"), std::string::npos)
      << store.warnings()[0];
  // The replacement is valid: a new store reads it without a warning.
  CountingRandom unused(0);
  CapabilitySidStore reader(home.path(), unused);
  EXPECT_EQ(reader.read().read_only, kSid0);
  EXPECT_TRUE(reader.warnings().empty());
}

TEST(CapabilitySidStore, SchemaViolationsAreCorrupt) {
  const std::string ok_ro = "\"read_only\": \"S-1-5-21-1-2-3-4\"";
  const std::map<std::string, std::string> cases = {
      {"not an object", "[1, 2]"},
      {"no version", "{" + ok_ro + ", \"writable_roots\": {}}"},
      {"old version", "{\"version\": 0, " + ok_ro + ", \"writable_roots\": {}}"},
      {"bad read-only SID",
       "{\"version\": 1, \"read_only\": \"S-1-5-32-544\", \"writable_roots\": {}}"},
      {"key not an identity", "{\"version\": 1, " + ok_ro +
                                  ", \"writable_roots\": {\"c:\\\\repo\": \"S-1-5-21-5-6-7-8\"}}"},
      {"SID used twice", "{\"version\": 1, " + ok_ro +
                             ", \"writable_roots\": {\"C:\\\\A\": \"S-1-5-21-5-6-7-8\", "
                             "\"C:\\\\B\": \"S-1-5-21-5-6-7-8\"}}"},
      {"root reuses read-only SID",
       "{\"version\": 1, " + ok_ro + ", \"writable_roots\": {\"C:\\\\A\": \"S-1-5-21-1-2-3-4\"}}"},
      {"unknown field",
       "{\"version\": 1, " + ok_ro + ", \"writable_roots\": {}, \"workspace\": \"x\"}"},
      {"roots not an object", "{\"version\": 1, " + ok_ro + ", \"writable_roots\": []}"},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    ScratchDir home;
    spit(home.path() / "cap_sids.json", text);
    CountingRandom random(0);
    CapabilitySidStore store(home.path(), random);
    EXPECT_EQ(store.assign({}).read_only, kSid0);
    EXPECT_EQ(slurp(home.path() / "cap_sids.json.corrupt"), text);
    EXPECT_EQ(store.warnings().size(), 1u);
  }
}

TEST(CapabilitySidStore, FileFromANewerVersionIsNeverTouched) {
  ScratchDir home;
  const std::string text = "{\"version\": 2, \"whatever\": true}";
  spit(home.path() / "cap_sids.json", text);
  CountingRandom random(0);
  CapabilitySidStore store(home.path(), random);
  EXPECT_WS_ERROR(store.assign({p("C:\\repo")}), ErrorCode::io_error, "newer winsandbox");
  EXPECT_EQ(slurp(home.path() / "cap_sids.json"), text);
  EXPECT_FALSE(fs::exists(home.path() / "cap_sids.json.corrupt"));
}

// preview(): the dry-run read. Same SIDs as assign() for stored roots, in-memory SIDs for the
// others, and never a byte written (no file, no lock, no move-aside).
TEST(CapabilitySidStore, PreviewReusesStoredSidsAndWritesNothing) {
  ScratchDir home;
  CountingRandom seed(0);
  const CapabilitySids stored = CapabilitySidStore(home.path(), seed).assign({p("C:\\repo")});
  fs::remove(home.path() / "cap_sids.json.lock");
  const std::string before = slurp(home.path() / "cap_sids.json");

  CountingRandom random(200);
  CapabilitySidStore store(home.path(), random);
  const CapabilitySids preview = store.preview({p("D:\\new"), p("c:\\REPO")});
  EXPECT_EQ(preview.read_only, stored.read_only);
  ASSERT_EQ(preview.writable_roots.size(), 2u);
  EXPECT_EQ(preview.writable_roots[0], stored.writable_roots[0]);
  EXPECT_EQ(preview.writable_roots[1].root, p("D:\\new"));
  EXPECT_EQ(preview.writable_roots[1].sid, "S-1-5-21-3419064776-3486436812-3553808848-3621180884");
  EXPECT_EQ(slurp(home.path() / "cap_sids.json"), before);
  EXPECT_FALSE(fs::exists(home.path() / "cap_sids.json.lock"));
  EXPECT_TRUE(store.warnings().empty());
}

TEST(CapabilitySidStore, PreviewLeavesCorruptAndNewerFilesAlone) {
  ScratchDir home;
  spit(home.path() / "cap_sids.json", "{broken");
  CountingRandom random(0);
  CapabilitySidStore store(home.path(), random);
  const CapabilitySids preview = store.preview({p("C:\\repo")});
  EXPECT_EQ(preview.read_only, "S-1-5-21-50462976-117835012-185207048-252579084");
  EXPECT_EQ(slurp(home.path() / "cap_sids.json"), "{broken");
  EXPECT_FALSE(fs::exists(home.path() / "cap_sids.json.corrupt"));
  ASSERT_EQ(store.warnings().size(), 1u);
  EXPECT_NE(store.warnings()[0].find("left it in place"), std::string::npos);

  spit(home.path() / "cap_sids.json", "{\"version\": 2}");
  EXPECT_WS_ERROR(store.preview({p("C:\\repo")}), ErrorCode::io_error, "newer winsandbox");
}

TEST(CapabilitySidStore, TooManyRootsFailBeforeAnythingIsPersisted) {
  ScratchDir home;
  std::vector<WinPath> roots;
  for (std::size_t i = 0; i <= kMaxTokenCapabilitySids; ++i)
    roots.push_back(p("C:\\r\\" + std::to_string(i)));
  testing::SplitMixRandom random(7);
  CapabilitySidStore store(home.path(), random);
  EXPECT_WS_ERROR(store.assign(roots), ErrorCode::token_limit_exceeded,
                  "65 capability SIDs needed for the writable roots of this command, but a sandbox "
                  "token carries at most 64");
  EXPECT_FALSE(fs::exists(home.path() / "cap_sids.json"));
  EXPECT_FALSE(fs::exists(home.path() / "cap_sids.json.lock")) << "not even the lock was taken";
  roots.pop_back();
  EXPECT_EQ(store.assign(roots).writable_roots.size(), kMaxTokenCapabilitySids);
}

// Threads in one process each use their own store object (their own lock file descriptor):
// the lock must exclude them from each other as it does processes. Runs under Wine too, where
// it exercises the C runtime's _locking.
TEST(CapabilitySidStore, ConcurrentThreadsNeverLoseEachOthersSids) {
  ScratchDir home;
  constexpr int kThreads = 4;
  constexpr int kRootsPerThread = 25;
  std::vector<std::map<std::string, std::string>> seen(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        testing::SplitMixRandom random(static_cast<std::uint64_t>(t) + 1);
        CapabilitySidStore store(home.path(), random);
        for (int i = 0; i < kRootsPerThread; ++i) {
          const WinPath mine = p("C:\\t" + std::to_string(t) + "\\" + std::to_string(i));
          const auto sids = store.assign({mine, p("C:\\shared")});
          for (const auto& root : sids.writable_roots) seen[t][root.root.identity()] = root.sid;
        }
      } catch (const std::exception& error) {
        errors[t] = error.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) EXPECT_EQ(error, "");
  ASSERT_EQ(seen[0].count("C:\\SHARED"), 1u);
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t]["C:\\SHARED"], seen[0]["C:\\SHARED"]);

  CountingRandom unused(0);
  const StoredCapabilitySids stored = CapabilitySidStore(home.path(), unused).read();
  EXPECT_EQ(stored.writable_roots.size(), static_cast<std::size_t>(kThreads * kRootsPerThread + 1));
  for (int t = 0; t < kThreads; ++t) {
    for (const auto& [key, sid] : seen[t]) {
      ASSERT_TRUE(stored.writable_roots.count(key)) << key;
      EXPECT_EQ(stored.writable_roots.at(key), sid) << key;
    }
  }
  std::set<std::string> unique;
  for (const auto& [key, sid] : stored.writable_roots) unique.insert(sid);
  EXPECT_EQ(unique.size(), stored.writable_roots.size());
}

#if !defined(_WIN32)
// Output of one stress helper run: identity -> SID, one line each.
std::map<std::string, std::string> parse_stress_output(const fs::path& path) {
  std::map<std::string, std::string> result;
  std::ifstream in(path);
  std::string identity, sid;
  while (in >> identity >> sid) {
    const auto [it, inserted] = result.emplace(identity, sid);
    EXPECT_TRUE(inserted || it->second == sid) << "one process saw two SIDs for " << identity;
  }
  return result;
}

pid_t spawn_stress(const fs::path& home, const std::string& prefix, int count,
                   const fs::path& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string exe = WINSANDBOX_SID_STORE_STRESS_EXE;
  const std::string count_text = std::to_string(count);
  std::vector<char*> argv{const_cast<char*>(exe.c_str()), const_cast<char*>(home.c_str()),
                          const_cast<char*>(prefix.c_str()), const_cast<char*>(count_text.c_str()),
                          nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "posix_spawn " << exe;
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
#endif

// Two real processes add roots to one store at the same time (each assign is its own locked
// transaction, and every call also assigns a root both share). Nothing may be lost: every SID
// a process was handed is the one on disk at the end, and both got the same shared SID.
TEST(CapabilitySidStore, TwoProcessesAddingRootsConcurrentlyLoseNothing) {
#if defined(_WIN32)
  GTEST_SKIP() << "two-process store test runs natively on Linux (it spawns the POSIX stress "
                  "helper); under Wine the thread test above covers the Windows lock";
#else
  ScratchDir home;
  constexpr int kCount = 150;
  const fs::path out_a = home.path() / "a.out";
  const fs::path out_b = home.path() / "b.out";
  const pid_t a = spawn_stress(home.path() / "home", "a", kCount, out_a);
  const pid_t b = spawn_stress(home.path() / "home", "b", kCount, out_b);
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  EXPECT_EQ(wait_exit(a), 0);
  EXPECT_EQ(wait_exit(b), 0);

  const auto seen_a = parse_stress_output(out_a);
  const auto seen_b = parse_stress_output(out_b);
  EXPECT_EQ(seen_a.size(), kCount + 1u);  // its roots + the shared one
  EXPECT_EQ(seen_b.size(), kCount + 1u);
  ASSERT_TRUE(seen_a.count("C:\\STRESS\\SHARED"));
  EXPECT_EQ(seen_a.at("C:\\STRESS\\SHARED"), seen_b.at("C:\\STRESS\\SHARED"));

  CountingRandom unused(0);
  CapabilitySidStore store(home.path() / "home", unused);
  const StoredCapabilitySids stored = store.read();
  EXPECT_TRUE(store.warnings().empty());
  EXPECT_EQ(stored.writable_roots.size(), 2u * kCount + 1u);
  for (const auto* seen : {&seen_a, &seen_b}) {
    for (const auto& [key, sid] : *seen) {
      ASSERT_TRUE(stored.writable_roots.count(key)) << key << " lost";
      EXPECT_EQ(stored.writable_roots.at(key), sid) << key;
    }
  }
  std::set<std::string> unique;
  for (const auto& [key, sid] : stored.writable_roots) unique.insert(sid);
  EXPECT_EQ(unique.size(), stored.writable_roots.size());
#endif
}

// ---- token SIDs -----------------------------------------------------------------------------

ResolvedPermissions resolved_with_roots(std::vector<std::string> roots) {
  ResolvedPermissions r = testing::empty_resolved("C:\\cwd");
  for (const auto& root : roots) r.writable_roots.push_back({p(root), {}});
  r.token_mode =
      roots.empty() ? TokenMode::read_only_capability : TokenMode::writable_roots_capability;
  return r;
}

TEST(TokenCapabilitySids, ReadOnlyModeCarriesOnlyTheReadOnlySid) {
  const CapabilitySids sids{"S-1-5-21-1-1-1-1", {{p("C:\\repo"), "S-1-5-21-2-2-2-2"}}};
  EXPECT_EQ(token_capability_sids(resolved_with_roots({}), sids),
            (std::vector<std::string>{"S-1-5-21-1-1-1-1"}));
}

TEST(TokenCapabilitySids, WritableModeCarriesOneSidPerRootSortedByIdentity) {
  const CapabilitySids sids{"S-1-5-21-1-1-1-1",
                            {{p("C:\\repo"), "S-1-5-21-2-2-2-2"},
                             {p("D:\\scratch"), "S-1-5-21-3-3-3-3"},
                             {p("E:\\unused"), "S-1-5-21-4-4-4-4"}}};
  EXPECT_EQ(token_capability_sids(resolved_with_roots({"D:\\scratch", "C:\\Repo"}), sids),
            (std::vector<std::string>{"S-1-5-21-2-2-2-2", "S-1-5-21-3-3-3-3"}));
  EXPECT_WS_ERROR(token_capability_sids(resolved_with_roots({"F:\\missing"}), sids),
                  ErrorCode::invalid_argument, "no capability SID for writable root F:\\missing");
}

TEST(TokenCapabilitySids, RejectsTokensOverTheLimit) {
  std::vector<std::string> roots;
  CapabilitySids sids{"S-1-5-21-1-1-1-1", {}};
  for (std::size_t i = 0; i < kMaxTokenCapabilitySids + 1; ++i) {
    roots.push_back("C:\\r\\" + std::to_string(i));
    sids.writable_roots.push_back({p(roots.back()), "S-1-5-21-9-9-9-" + std::to_string(i)});
  }
  EXPECT_WS_ERROR(token_capability_sids(resolved_with_roots(roots), sids),
                  ErrorCode::token_limit_exceeded, "at most 64");
  roots.pop_back();
  EXPECT_EQ(token_capability_sids(resolved_with_roots(roots), sids).size(), 64u);
}

TEST(CapabilitySidsJson, Golden) {
  const CapabilitySids sids{"S-1-5-21-1-1-1-1", {{p("C:\\repo"), "S-1-5-21-2-2-2-2"}}};
  EXPECT_EQ(
      capability_sids_to_json(sids),
      R"({"read_only":"S-1-5-21-1-1-1-1","writable_roots":[{"root":"C:\\repo","sid":"S-1-5-21-2-2-2-2"}]})");
}

// ---- atomic files and the lock --------------------------------------------------------------

TEST(AtomicFile, WriteReplacesAndReadsBack) {
  ScratchDir dir;
  const fs::path file = dir.path() / "sub" / "state.json";
  EXPECT_EQ(read_file_if_exists(file), std::nullopt);
  write_file_atomically(file, "first");
  write_file_atomically(file, std::string("sec\0ond", 7));
  EXPECT_EQ(read_file_if_exists(file), std::string("sec\0ond", 7));
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1);
}

TEST(AtomicFile, MoveAsideReplacesOlderBackup) {
  ScratchDir dir;
  const fs::path file = dir.path() / "state.json";
  write_file_atomically(file, "one");
  EXPECT_EQ(move_aside_as_corrupt(file), dir.path() / "state.json.corrupt");
  write_file_atomically(file, "two");
  move_aside_as_corrupt(file);
  EXPECT_EQ(slurp(dir.path() / "state.json.corrupt"), "two");
  EXPECT_FALSE(fs::exists(file));
}

TEST(FileLock, ExcludesASecondHolderUntilReleased) {
  ScratchDir dir;
  const fs::path lock_path = dir.path() / "x.lock";
  std::optional<FileLock> held = FileLock::acquire(lock_path);
  EXPECT_WS_ERROR(FileLock::acquire(lock_path, std::chrono::milliseconds(30)), ErrorCode::io_error,
                  "timed out after 30 ms waiting for the lock");
  held.reset();
  EXPECT_NO_THROW(FileLock::acquire(lock_path, std::chrono::milliseconds(30)));
  // Moved-from locks do not release twice; the moved-to one still excludes.
  FileLock first = FileLock::acquire(lock_path);
  FileLock second = std::move(first);
  EXPECT_WS_ERROR(FileLock::acquire(lock_path, std::chrono::milliseconds(10)), ErrorCode::io_error,
                  "timed out");
}

TEST(FileLock, WaiterGetsTheLockOnceTheHolderLetsGo) {
  ScratchDir dir;
  const fs::path lock_path = dir.path() / "x.lock";
  auto held = std::make_unique<FileLock>(FileLock::acquire(lock_path));
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    held.reset();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NO_THROW(FileLock::acquire(lock_path, std::chrono::milliseconds(5000)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
  releaser.join();
}

}  // namespace
}  // namespace winsandbox
