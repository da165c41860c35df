// The deny-read glob walk through the Win32 view and its cache on a real disk
// (docs/resolution.md#glob-expansion-cache): an unchanged tree is checked, not read; every change
// a next command must see — a file created, renamed into place or deleted, a new subdirectory, a
// junction — is seen. The tree's directory times are set an hour back first: times younger than
// two seconds are never trusted, which would make every walk read everything.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>
#include <windows.h>

#include "plan/plan_test_support.hpp"
#include "resolve/counting_view.hpp"
#include "resolve/glob.hpp"
#include "win/handles.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/glob_cache.hpp"

namespace winsandbox {
namespace {

using testing::CountingView;
using win::test::win_path_of;

class GlobWalkOnDisk : public ::testing::Test {
protected:
  void SetUp() override {
    write(repo / "a" / "one.env");
    write(repo / "a" / "notes.txt");
    write(repo / "b" / "c" / "x.tmp");
    backdate();
  }

  static void write(const std::filesystem::path& file) { std::ofstream(file) << "K=1"; }

  // Every directory of the tree (and the tree root) an hour old.
  void backdate() {
    std::vector<std::filesystem::path> dirs{repo};
    for (const auto& entry : std::filesystem::recursive_directory_iterator(repo)) {
      if (entry.is_directory() && !entry.is_symlink()) dirs.push_back(entry.path());
    }
    FILETIME now{};
    GetSystemTimeAsFileTime(&now);
    ULARGE_INTEGER past{{now.dwLowDateTime, now.dwHighDateTime}};
    past.QuadPart -= 3600ull * 10'000'000ull;
    const FILETIME hour_ago{past.LowPart, past.HighPart};
    for (const auto& dir : dirs) {
      const win::UniqueHandle handle(
          CreateFileW(dir.c_str(), FILE_WRITE_ATTRIBUTES,
                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                      OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr));
      ASSERT_TRUE(handle) << GetLastError();
      ASSERT_TRUE(SetFileTime(handle.get(), nullptr, nullptr, &hour_ago)) << GetLastError();
    }
  }

  // The walk through the cache, checked against one without it; sorted.
  std::vector<WinPath> walk(const FileSystemView& view) {
    auto cached = expand_glob(glob, std::nullopt, view, &cache);
    EXPECT_EQ(cached, expand_glob(glob, std::nullopt, *fs));
    std::sort(cached.begin(), cached.end());
    return cached;
  }
  std::vector<WinPath> under_repo(std::initializer_list<const char*> names) {
    std::vector<WinPath> out;
    for (const char* name : names) out.push_back(root.join(name));
    std::sort(out.begin(), out.end());
    return out;
  }

  ::winsandbox::testing::ScratchDir scratch;
  // The directories exist before `root` is canonicalized.
  static std::filesystem::path make_repo(const std::filesystem::path& base) {
    for (const char* dir : {"a", "b\\c"}) std::filesystem::create_directories(base / "repo" / dir);
    return base / "repo";
  }
  const std::filesystem::path repo = make_repo(scratch.path());
  const std::unique_ptr<FileSystemView> fs = open_host_file_system();
  const WinPath root = win::test::canonical_path_of(repo);
  const GlobMatcher glob = GlobMatcher::compile(root.str() + "\\**\\*.env");
  const GlobExpansionCache cache = GlobExpansionCache::in_sandbox_home(scratch.path() / "home");
};

TEST_F(GlobWalkOnDisk, ReadDirectoryListsKindsAndStampsTheDirectory) {
  const auto listing = fs->read_directory(root.join("a"));
  ASSERT_TRUE(listing);
  std::vector<std::string> names;
  for (const auto& entry : listing->entries) {
    names.push_back(entry.name);
    EXPECT_EQ(entry.kind, NodeKind::file) << entry.name;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"notes.txt", "one.env"}));
  EXPECT_TRUE(listing->stamp.change_time) << "an hour-old directory on NTFS has a change time";
  EXPECT_TRUE(fs->directory_unchanged(root.join("a"), listing->stamp));
  EXPECT_FALSE(fs->directory_unchanged(root.join("b"), listing->stamp));
  EXPECT_FALSE(fs->directory_unchanged(root.join("missing"), listing->stamp));
  EXPECT_FALSE(fs->read_directory(root.join("a").join("one.env")));
  write(repo / "a" / "two.txt");
  EXPECT_FALSE(fs->directory_unchanged(root.join("a"), listing->stamp));
}

TEST_F(GlobWalkOnDisk, AnUnchangedTreeIsCheckedNotRead) {
  EXPECT_EQ(walk(*fs), under_repo({"a\\one.env"}));
  const CountingView counting(*fs);
  EXPECT_EQ(walk(counting), under_repo({"a\\one.env"}));
  EXPECT_EQ(counting.reads, 0);
  EXPECT_EQ(counting.stamps, 4);  // repo, a, b, b\c
}

TEST_F(GlobWalkOnDisk, CreatedRenamedDeletedAndNewDirectoriesAreSeenNextTime) {
  walk(*fs);
  write(repo / "b" / "c" / "new.env");
  EXPECT_EQ(walk(*fs), under_repo({"a\\one.env", "b\\c\\new.env"}));

  backdate();
  walk(*fs);
  std::filesystem::rename(repo / "b" / "c" / "x.tmp", repo / "b" / "c" / "x.env");
  EXPECT_EQ(walk(*fs), under_repo({"a\\one.env", "b\\c\\new.env", "b\\c\\x.env"}));

  backdate();
  walk(*fs);
  std::filesystem::remove(repo / "a" / "one.env");
  EXPECT_EQ(walk(*fs), under_repo({"b\\c\\new.env", "b\\c\\x.env"}));

  backdate();
  walk(*fs);
  std::filesystem::create_directories(repo / "b" / "d" / "e");
  write(repo / "b" / "d" / "e" / "deep.env");
  EXPECT_EQ(walk(*fs), under_repo({"b\\c\\new.env", "b\\c\\x.env", "b\\d\\e\\deep.env"}));
}

TEST_F(GlobWalkOnDisk, AJunctionAddedIsFollowed) {
  walk(*fs);
  std::filesystem::create_directories(scratch.path() / "outside");
  write(scratch.path() / "outside" / "secret.env");
  const WinPath link = root.join("link");
  const std::wstring mklink = L"mklink /J \"" + win::to_wide(link.str()) + L"\" \"" +
                              (scratch.path() / "outside").wstring() + L"\" >NUL 2>NUL";
  if (_wsystem(mklink.c_str()) != 0 || fs->kind(link) != NodeKind::junction) {
    GTEST_SKIP() << "cannot make a junction here (Wine 8 has no mount points); the snapshot "
                    "tests cover junctions (GlobCacheTest.AJunctionAddedOrRetargetedIsFollowed)";
  }
  EXPECT_EQ(walk(*fs), under_repo({"a\\one.env", "link\\secret.env"}));
}

}  // namespace
}  // namespace winsandbox
