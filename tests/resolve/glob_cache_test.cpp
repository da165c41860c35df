// Deny-read glob walks reused between commands (docs/resolution.md#glob-expansion-cache): a
// second snapshot of a changed disk stands for the next command. Every change must be seen on
// the next walk, and a cache file that is not exactly ours must change nothing.
#include "resolve/glob_cache.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "../plan/plan_test_support.hpp"
#include "common/atomic_file.hpp"
#include "common/json_cursor.hpp"
#include "counting_view.hpp"
#include "resolve/glob.hpp"
#include "snapshot_builder.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {
namespace {

using testing::CountingView;
using testing::p;
using testing::SnapshotBuilder;

std::vector<WinPath> paths(std::initializer_list<const char*> texts) {
  std::vector<WinPath> out;
  for (const char* text : texts) out.push_back(p(text));
  return out;
}
std::vector<WinPath> sorted(std::vector<WinPath> list) {
  std::sort(list.begin(), list.end());
  return list;
}

// C:\w with three directories, two `.env` files and noise.
SnapshotBuilder workspace() {
  SnapshotBuilder builder;
  builder.file("C:\\w\\a\\one.env")
      .file("C:\\w\\a\\notes.txt")
      .file("C:\\w\\b\\c\\two.env")
      .file("C:\\w\\b\\c\\x.tmp")
      .dir("C:\\outside");
  return builder;
}

class GlobCacheTest : public ::testing::Test {
protected:
  // The walk through the cache, checked against a walk without it.
  std::vector<WinPath> walk(const FileSystemView& fs) {
    auto cached = expand_glob(glob, std::nullopt, fs, &cache);
    EXPECT_EQ(cached, expand_glob(glob, std::nullopt, fs));
    return cached;
  }
  std::filesystem::path file() const {
    return glob_walk_file(cache, {glob.pattern(), glob.scan_root(), std::nullopt});
  }

  testing::ScratchDir scratch;
  GlobExpansionCache cache = GlobExpansionCache::in_sandbox_home(scratch.path());
  GlobMatcher glob = GlobMatcher::compile("C:\\w\\**\\*.env");
};

TEST_F(GlobCacheTest, AnUnchangedTreeIsCheckedNotRead) {
  const auto fs = workspace().build();
  const CountingView cold(fs);
  EXPECT_EQ(expand_glob(glob, std::nullopt, cold, &cache),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"}));
  EXPECT_EQ(cold.reads, 4);  // C:\w, a, b, b\c
  EXPECT_TRUE(std::filesystem::exists(file()));
  const auto written = std::filesystem::last_write_time(file());

  const CountingView warm(fs);
  EXPECT_EQ(expand_glob(glob, std::nullopt, warm, &cache),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"}));
  EXPECT_EQ(warm.reads, 0);
  EXPECT_EQ(warm.stamps, 4);
  // Nothing changed, so nothing is written either.
  EXPECT_EQ(std::filesystem::last_write_time(file()), written);
}

TEST_F(GlobCacheTest, TheFileKeepsDirectoriesAndMatchesNotEveryFile) {
  walk(workspace().build());
  const std::string text = *read_file_if_exists(file());
  EXPECT_NE(text.find("one.env"), std::string::npos) << text;
  EXPECT_EQ(text.find("notes.txt"), std::string::npos) << text;
  EXPECT_EQ(text.find("x.tmp"), std::string::npos) << text;
}

TEST_F(GlobCacheTest, ANewFileIsFoundOnTheNextWalk) {
  walk(workspace().build());
  const auto changed = workspace().file("C:\\w\\a\\new.env").build();
  const CountingView fs(changed);
  EXPECT_EQ(sorted(expand_glob(glob, std::nullopt, fs, &cache)),
            paths({"C:\\w\\a\\new.env", "C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"}));
  EXPECT_EQ(fs.reads, 1);  // only C:\w\a changed
}

TEST_F(GlobCacheTest, AFileRenamedIntoPlaceIsFound) {
  walk(workspace().build());
  // x.tmp renamed to x.env.
  const auto renamed = SnapshotBuilder()
                           .file("C:\\w\\a\\one.env")
                           .file("C:\\w\\a\\notes.txt")
                           .file("C:\\w\\b\\c\\two.env")
                           .file("C:\\w\\b\\c\\x.env")
                           .dir("C:\\outside")
                           .build();
  EXPECT_EQ(sorted(walk(renamed)),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env", "C:\\w\\b\\c\\x.env"}));
}

TEST_F(GlobCacheTest, ANewSubdirectoryIsWalked) {
  walk(workspace().build());
  EXPECT_EQ(sorted(walk(workspace().file("C:\\w\\b\\c\\d\\e\\deep.env").build())),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\d\\e\\deep.env", "C:\\w\\b\\c\\two.env"}));
}

TEST_F(GlobCacheTest, ADeletedFileIsNoLongerListed) {
  walk(workspace().build());
  const auto deleted = SnapshotBuilder()
                           .file("C:\\w\\a\\notes.txt")
                           .file("C:\\w\\b\\c\\two.env")
                           .dir("C:\\outside")
                           .build();
  EXPECT_EQ(walk(deleted), paths({"C:\\w\\b\\c\\two.env"}));
}

TEST_F(GlobCacheTest, AJunctionAddedOrRetargetedIsFollowed) {
  walk(workspace().file("C:\\outside\\x\\secret.env").dir("C:\\outside\\y").build());
  EXPECT_EQ(walk(workspace()
                     .file("C:\\outside\\x\\secret.env")
                     .dir("C:\\outside\\y")
                     .junction("C:\\w\\link", "C:\\outside\\y")
                     .build()),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"}));
  // Retargeting a junction changes nothing in its parent (NTFS keeps the parent's time), but
  // the directory it reaches is another one.
  EXPECT_EQ(sorted(walk(workspace()
                            .file("C:\\outside\\x\\secret.env")
                            .dir("C:\\outside\\y")
                            .junction("C:\\w\\link", "C:\\outside\\x")
                            .build())),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env", "C:\\w\\link\\secret.env"}));
}

TEST_F(GlobCacheTest, ListingsWithoutAChangeTimeAreNeverReused) {
  const auto fs = workspace().build();
  const CountingView untrusted(fs, /*change_times=*/false);
  walk(untrusted);
  untrusted.reads = 0;
  EXPECT_EQ(expand_glob(glob, std::nullopt, untrusted, &cache),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"}));
  EXPECT_EQ(untrusted.reads, 4);
}

// A cache that says a directory held nothing must not hide what is there now: the file is
// ignored unless it is ours, whole and for this pattern; its listings only count while their
// directory's stamp is unchanged.
TEST_F(GlobCacheTest, CorruptForeignOrStaleFilesAreIgnored) {
  const auto fs = workspace().build();
  const auto expected = paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"});
  walk(fs);
  const std::string good = *read_file_if_exists(file());

  const GlobMatcher other = GlobMatcher::compile("C:\\w\\**\\*.pem");
  expand_glob(other, std::nullopt, fs, &cache);
  const std::string foreign =
      *read_file_if_exists(glob_walk_file(cache, {other.pattern(), other.scan_root(), {}}));

  // Every listing emptied, under stamps that are not the directories' current ones.
  Json forged = parse_json(good, ErrorCode::io_error);
  for (auto& directory : forged["directories"]) {
    directory["change_time"] = 12345;
    directory["entries"] = Json::array();
  }
  const std::string stale = dump_json(forged);
  ASSERT_EQ(stale.find("one.env"), std::string::npos) << stale;

  const std::map<std::string, std::string> bad = {
      {"not JSON", "{\"version\":1,"},
      {"garbage", std::string("\0\xff\xfe junk", 9)},
      {"older version", R"({"version":0,"pattern":"C:\\w\\**\\*.env","directories":[]})"},
      {"newer version", R"({"version":2,"pattern":"C:\\w\\**\\*.env","directories":[]})"},
      {"unknown field", good.substr(0, good.size() - 1) + R"(,"extra":1})"},
      {"another pattern's file", foreign},
      {"directory outside the scan root",
       R"({"version":1,"pattern":"C:\\w\\**\\*.env","max_depth":null,"directories":[)"
       R"({"path":"C:\\outside","identity":"C:\\OUTSIDE","change_time":1,"entries":[]}]})"},
      {"a name with a separator",
       R"({"version":1,"pattern":"C:\\w\\**\\*.env","max_depth":null,"directories":[)"
       R"({"path":"C:\\w","identity":"C:\\W","change_time":1,"entries":[["a\\b","dir"]]}]})"},
      {"emptied listings under stale stamps", stale},
      {"oversized", std::string(kMaxGlobCacheBytes + 1, ' ')},
  };
  for (const auto& [what, content] : bad) {
    SCOPED_TRACE(what);
    write_file_atomically(file(), content);
    EXPECT_EQ(expand_glob(glob, std::nullopt, fs, &cache), expected);
  }
}

// The cases above would walk the same even if the file were believed (their stamps do not
// match). Here the forgery keeps the directories' current stamps and empties their listings, so
// a believed file hides both matches: whole and ours, it is believed (which is why the cache
// lives in the sandbox home); with any one flaw it is ignored and the walk finds them again.
TEST_F(GlobCacheTest, AForgeryWithCurrentStampsIsBelievedOnlyWhenWholeAndOurs) {
  const auto fs = workspace().build();
  const auto expected = paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"});
  walk(fs);
  Json forged = parse_json(*read_file_if_exists(file()), ErrorCode::io_error);
  for (auto& directory : forged["directories"]) directory["entries"] = Json::array();

  write_file_atomically(file(), dump_json(forged));
  EXPECT_EQ(expand_glob(glob, std::nullopt, fs, &cache), std::vector<WinPath>{});

  const auto flawed = [&](const std::function<void(Json&)>& flaw) {
    Json copy = forged;
    flaw(copy);
    return dump_json(copy);
  };
  const std::map<std::string, std::string> bad = {
      {"another pattern", flawed([](Json& j) { j["pattern"] = "C:\\w\\**\\*.pem"; })},
      {"another depth", flawed([](Json& j) { j["max_depth"] = 5; })},
      {"another version", flawed([](Json& j) { j["version"] = 0; })},
      {"an unknown field", flawed([](Json& j) { j["extra"] = true; })},
      {"a directory outside the scan root", flawed([](Json& j) {
         j["directories"].push_back({{"path", "C:\\outside"},
                                     {"identity", "x"},
                                     {"change_time", 1},
                                     {"entries", Json::array()}});
       })},
      {"a directory listed twice (another spelling)", flawed([](Json& j) {
         Json twin = j["directories"][0];
         twin["path"] = "c:\\W";
         j["directories"].push_back(twin);
       })},
      {"an empty identity", flawed([](Json& j) { j["directories"][1]["identity"] = ""; })},
      {"a change time that is not an integer",
       flawed([](Json& j) { j["directories"][1]["change_time"] = 1.5; })},
      {"an unknown entry kind", flawed([](Json& j) {
         j["directories"][0]["entries"].push_back({"x", "pipe"});
       })},
      {"an entry name that is a path", flawed([](Json& j) {
         j["directories"][0]["entries"].push_back({"a\\b", "dir"});
       })},
      {"cut short", dump_json(forged).substr(0, dump_json(forged).size() / 2)},
  };
  for (const auto& [what, content] : bad) {
    SCOPED_TRACE(what);
    write_file_atomically(file(), content);
    EXPECT_EQ(expand_glob(glob, std::nullopt, fs, &cache), expected);
    // The walk replaced it with a file of its own, which a warm walk believes.
    EXPECT_EQ(expand_glob(glob, std::nullopt, fs, &cache), expected);
  }
}

TEST_F(GlobCacheTest, ACacheDirectoryThatCannotBeWrittenOnlyCostsAWalk) {
  const GlobExpansionCache unwritable(scratch.path() / "file-in-the-way");
  std::ofstream(scratch.path() / "file-in-the-way") << "x";
  EXPECT_EQ(expand_glob(glob, std::nullopt, workspace().build(), &unwritable),
            paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"}));
}

TEST_F(GlobCacheTest, ResolveUsesTheCacheFromItsOptions) {
  const PermissionProfile profile = ManagedProfile{
      RestrictedFileSystem{
          {{FileSystemSpecialPath{FileSystemSpecialPath::Kind::root, {}, {}},
            FileSystemAccessMode::read},
           {GlobPattern{"codex-project-roots://**/*.env"}, FileSystemAccessMode::deny}},
          {}},
      NetworkAccess::restricted};
  const auto fs = workspace().build();
  const CountingView counting(fs);
  const auto binding = ProfileBinding::for_profile_cwd(p("C:\\w"));
  const auto first = resolve(profile, binding, p("C:\\w"), {}, counting, {.glob_cache = &cache});
  counting.reads = 0;
  const auto second = resolve(profile, binding, p("C:\\w"), {}, counting, {.glob_cache = &cache});
  EXPECT_EQ(second, first);
  EXPECT_EQ(second.deny_read, paths({"C:\\w\\a\\one.env", "C:\\w\\b\\c\\two.env"}));
  EXPECT_EQ(counting.reads, 0);
}

TEST(GlobPruning, DirectoriesNoMatchCanLieBelowAreNotListed) {
  const auto snapshot = SnapshotBuilder()
                            .file("C:\\w\\src\\a.env")
                            .file("C:\\w\\lib\\b.env")
                            .file("C:\\w\\other\\c.env")
                            .file("C:\\w\\other\\deep\\d.env")
                            .build();
  const CountingView fs(snapshot);
  const auto glob = GlobMatcher::compile("C:\\w\\{src,lib}\\*.env");
  EXPECT_EQ(sorted(expand_glob(glob, std::nullopt, fs)),
            paths({"C:\\w\\lib\\b.env", "C:\\w\\src\\a.env"}));
  EXPECT_EQ(fs.reads, 3);  // C:\w, src, lib: never other
  EXPECT_FALSE(glob.may_match_below(p("C:\\w\\other")));
  EXPECT_TRUE(glob.may_match_below(p("C:\\w\\src")));
  EXPECT_FALSE(glob.may_match_below(p("C:\\w\\src\\x")));
  const auto recursive = GlobMatcher::compile("C:\\w\\**\\src\\*.env");
  EXPECT_TRUE(recursive.may_match_below(p("C:\\w\\a\\b\\c")));
  EXPECT_TRUE(recursive.may_match_below(p("C:\\w\\a\\src")));
  EXPECT_FALSE(GlobMatcher::compile("C:\\w\\*.env").may_match_below(p("C:\\w\\a")));
  EXPECT_FALSE(GlobMatcher::compile("C:\\w\\*.env").may_match_below(p("D:\\w")));
}

}  // namespace
}  // namespace winsandbox
