// Deny-read globs (reference §3.10, §4.9, tests of §6.5).
#include "resolve/glob.hpp"

#include <gtest/gtest.h>

#include "snapshot_builder.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::SnapshotBuilder;
WinPath p(std::string_view text) {
  return WinPath::parse(text);
}
bool matches(std::string_view pattern, std::string_view path) {
  return GlobMatcher::compile(pattern).matches(p(path));
}

TEST(Glob, StarAndQuestionDoNotCrossSeparators) {
  // reference glob_patterns_do_not_cross_path_separators
  EXPECT_TRUE(matches("C:\\root\\*\\file[0-9]?.txt", "C:\\root\\app\\file42.txt"));
  EXPECT_FALSE(matches("C:\\root\\*\\file[0-9]?.txt", "C:\\root\\app\\sub\\file42.txt"));
  EXPECT_FALSE(matches("C:\\root\\*\\file[0-9]?.txt", "C:\\root\\file42.txt"));
  EXPECT_FALSE(matches("C:\\root\\*\\file[0-9]?.txt", "C:\\root\\app\\fileX2.txt"));
}

TEST(Glob, GlobstarMatchesRootAndNested) {
  // reference globstar_patterns_deny_root_and_nested_matches
  EXPECT_TRUE(matches("C:\\root\\**\\*.env", "C:\\root\\.env"));
  EXPECT_TRUE(matches("C:\\root\\**\\*.env", "C:\\root\\app\\.env"));
  EXPECT_TRUE(matches("C:\\root\\**\\*.env", "C:\\root\\a\\b\\c\\prod.env"));
  EXPECT_FALSE(matches("C:\\root\\**\\*.env", "C:\\other\\.env"));
  EXPECT_FALSE(matches("C:\\root\\**\\*.env", "C:\\root\\.env.bak"));
  EXPECT_TRUE(matches("C:\\root\\**", "C:\\root\\x\\y"));
  EXPECT_FALSE(matches("C:\\root\\**", "C:\\root"));
}

TEST(Glob, MatchingIsCaseInsensitiveAndSeparatorAgnostic) {
  EXPECT_TRUE(matches("C:/Repo/**/*.ENV", "c:\\repo\\App\\.env"));
  EXPECT_TRUE(matches("C:\\repo\\secret.txt", "C:\\REPO\\SECRET.TXT"));
}

TEST(Glob, ClassesAlternativesAndLiteralBrackets) {
  EXPECT_TRUE(matches("C:\\r\\[!a]*", "C:\\r\\bcd"));
  EXPECT_FALSE(matches("C:\\r\\[!a]*", "C:\\r\\abc"));
  EXPECT_TRUE(matches("C:\\r\\*.{pem,key}", "C:\\r\\id.key"));
  EXPECT_FALSE(matches("C:\\r\\*.{pem,key}", "C:\\r\\id.pub"));
  // reference unclosed_character_classes_match_literal_brackets
  EXPECT_TRUE(matches("C:\\r\\[abc", "C:\\r\\[abc"));
  EXPECT_FALSE(matches("C:\\r\\[abc", "C:\\r\\a"));
}

TEST(Glob, MatchesEveryChildOf) {
  const auto every_child = [](std::string_view pattern, std::string_view dir) {
    return GlobMatcher::compile(pattern).matches_every_child_of(p(dir));
  };
  EXPECT_TRUE(every_child(R"(C:\**)", R"(C:\)"));
  EXPECT_TRUE(every_child(R"(C:\*)", R"(C:\)"));
  EXPECT_TRUE(every_child(R"(C:\**\*)", R"(C:\)"));
  EXPECT_TRUE(every_child(R"(C:\{*,x})", R"(C:\)"));
  EXPECT_TRUE(every_child(R"(C:\repo\**)", R"(C:\repo)"));
  EXPECT_TRUE(every_child(R"(C:\**)", R"(C:\repo)"));
  EXPECT_FALSE(every_child(R"(C:\*.env)", R"(C:\)"));
  EXPECT_FALSE(every_child(R"(C:\?)", R"(C:\)"));
  EXPECT_FALSE(every_child(R"(C:\**\*.env)", R"(C:\)"));
  EXPECT_FALSE(every_child(R"(C:\*\**)", R"(C:\)"));
  EXPECT_FALSE(every_child(R"(C:\repo\**)", R"(C:\)"));
  EXPECT_FALSE(every_child(R"(D:\**)", R"(C:\)"));
}

TEST(Glob, InvalidPatternsFail) {
  // reference invalid_glob_patterns_fail_before_expansion
  EXPECT_WS_ERROR(GlobMatcher::compile("C:\\tmp\\**\\[z-a]"), ErrorCode::invalid_glob,
                  "invalid deny-read glob pattern `C:\\tmp\\**\\[z-a]`: invalid range");
  EXPECT_WS_ERROR(GlobMatcher::compile("C:\\r\\{a,b"), ErrorCode::invalid_glob,
                  "unclosed alternate group");
  EXPECT_WS_ERROR(GlobMatcher::compile("C:\\r\\a}"), ErrorCode::invalid_glob,
                  "unopened alternate group");
  EXPECT_WS_ERROR(GlobMatcher::compile("C:\\r\\{a,{b}}"), ErrorCode::invalid_glob, "nested");
  EXPECT_WS_ERROR(GlobMatcher::compile("*.env"), ErrorCode::invalid_glob, "absolute path");
  EXPECT_WS_ERROR(GlobMatcher::compile("C:\\r\\*\\..\\x"), ErrorCode::invalid_glob, "`..`");
}

TEST(Glob, ScanRootIsTheLiteralPrefix) {
  // reference scan_root_uses_literal_prefix_before_glob
  EXPECT_EQ(GlobMatcher::compile("C:\\Users\\dev\\repo\\**\\*.env").scan_root().str(),
            "C:\\Users\\dev\\repo");
  EXPECT_EQ(GlobMatcher::compile("C:\\*.env").scan_root().str(), "C:\\");
  EXPECT_EQ(GlobMatcher::compile("\\\\srv\\share\\a\\*.env").scan_root().str(),
            "\\\\srv\\share\\a");
}

TEST(Glob, ScanDepth) {
  // reference scan_depth_is_bounded_for_non_recursive_globs /
  // configured_depth_caps_recursive_glob_scans
  EXPECT_EQ(GlobMatcher::compile("C:\\tmp\\work\\*.env").scan_depth(std::nullopt), 1u);
  EXPECT_EQ(GlobMatcher::compile("C:\\tmp\\work\\*\\*.env").scan_depth(std::nullopt), 2u);
  EXPECT_EQ(GlobMatcher::compile("C:\\tmp\\work\\**\\*.env").scan_depth(std::nullopt),
            std::nullopt);
  EXPECT_EQ(GlobMatcher::compile("C:\\tmp\\work\\**\\*.env").scan_depth(2u), 2u);
  EXPECT_EQ(GlobMatcher::compile("C:\\tmp\\work\\*\\*.env").scan_depth(1u), 1u);
}

TEST(GlobExpansion, ExpandsToExistingMatches) {
  // reference glob_patterns_expand_to_existing_matches /
  // non_recursive_globs_do_not_expand_nested_matches
  const auto fs = SnapshotBuilder()
                      .file("C:\\tmp\\.env")
                      .file("C:\\tmp\\app\\.env")
                      .file("C:\\tmp\\app\\notes.txt")
                      .build();
  const auto recursive = GlobMatcher::compile("C:\\tmp\\**\\*.env");
  EXPECT_EQ(expand_glob(recursive, recursive.scan_depth(std::nullopt), fs),
            (std::vector<WinPath>{p("C:\\tmp\\.env"), p("C:\\tmp\\app\\.env")}));
  const auto flat = GlobMatcher::compile("C:\\tmp\\*.env");
  EXPECT_EQ(expand_glob(flat, flat.scan_depth(std::nullopt), fs),
            std::vector<WinPath>{p("C:\\tmp\\.env")});
  const auto capped = GlobMatcher::compile("C:\\tmp\\**\\*.env");
  EXPECT_EQ(expand_glob(capped, capped.scan_depth(1u), fs),
            std::vector<WinPath>{p("C:\\tmp\\.env")});
}

TEST(GlobExpansion, AliasedRootsKeepTheirLexicalMatches) {
  // reference aliased_glob_roots_each_preserve_their_lexical_matches
  const auto fs = SnapshotBuilder()
                      .file("C:\\w\\target\\secret.env")
                      .junction("C:\\w\\alias-a", "C:\\w\\target")
                      .symlink("C:\\w\\alias-b", "C:\\w\\target")
                      .build();
  for (const char* alias : {"alias-a", "alias-b"}) {
    const auto glob = GlobMatcher::compile(std::string("C:\\w\\") + alias + "\\**\\*.env");
    EXPECT_EQ(expand_glob(glob, std::nullopt, fs),
              std::vector<WinPath>{p(std::string("C:\\w\\") + alias + "\\secret.env")});
  }
}

TEST(GlobExpansion, JunctionCyclesTerminate) {
  const auto fs =
      SnapshotBuilder().file("C:\\w\\a\\x.env").junction("C:\\w\\a\\loop", "C:\\w").build();
  const auto glob = GlobMatcher::compile("C:\\w\\**\\*.env");
  EXPECT_EQ(expand_glob(glob, std::nullopt, fs), std::vector<WinPath>{p("C:\\w\\a\\x.env")});
}

}  // namespace
}  // namespace winsandbox
