// Deny-read globs (docs/resolution.md#deny-read-globs).
#include "resolve/glob.hpp"

#include <cctype>
#include <random>

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

// Steps GlobMatcher spends on one match, counted rather than timed.
std::uint64_t steps_of(const GlobMatcher& glob, const WinPath& path, bool& matched) {
  const std::uint64_t before = glob_match_steps_on_this_thread();
  matched = glob.matches(path);
  return glob_match_steps_on_this_thread() - before;
}

TEST(Glob, ManyStarsMatchInPolynomialSteps) {
  // Backtracking over every star took seconds for 5 stars and minutes for 6 on such names.
  const std::string as(200, 'a');
  for (const std::string stars : {"*a*a*a*a*b", "*a*a*a*a*a*b", "*a*?*a*[a]*a*a*a*b"}) {
    const auto glob = GlobMatcher::compile("C:\\r\\" + stars);
    const std::uint64_t bound = (as.size() + 1) * (stars.size() + 1) + 64;
    bool matched = true;
    EXPECT_LE(steps_of(glob, p("C:\\r\\" + as), matched), bound) << stars;
    EXPECT_FALSE(matched) << stars;
    EXPECT_LE(steps_of(glob, p("C:\\r\\" + as.substr(1) + "B"), matched), bound) << stars;
    EXPECT_TRUE(matched) << stars;
  }
}

TEST(Glob, ManyGlobstarsMatchInPolynomialSteps) {
  // Each `**` tried every split of the remaining components: exponential in their number.
  const auto glob = GlobMatcher::compile("C:\\**\\a\\**\\a\\**\\a\\**\\a\\**\\a\\**\\b");
  std::string deep = "C:";
  for (int i = 0; i < 80; ++i) deep += "\\a";
  bool matched = true;
  const std::uint64_t bound = 12 * 82 * 4;  // segments x components x a few steps each
  EXPECT_LE(steps_of(glob, p(deep), matched), bound);
  EXPECT_FALSE(matched);
  EXPECT_LE(steps_of(glob, p(deep + "\\B"), matched), bound);
  EXPECT_TRUE(matched);
}

// A naive backtracking matcher over the same syntax (without `{}`), as the specification the
// random test checks GlobMatcher against.
struct RefToken {
  enum Kind { literal, any_one, any_run, in_ab, not_a } kind;
  char ch;
};
using RefComponent = std::vector<RefToken>;  // empty: `**`

bool ref_component(const RefComponent& tokens, std::size_t ti, const std::string& name,
                   std::size_t ni) {
  if (ti == tokens.size()) return ni == name.size();
  const RefToken& token = tokens[ti];
  if (token.kind == RefToken::any_run) {
    for (std::size_t skip = ni; skip <= name.size(); ++skip) {
      if (ref_component(tokens, ti + 1, name, skip)) return true;
    }
    return false;
  }
  if (ni == name.size()) return false;
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(name[ni])));
  const bool ok = token.kind == RefToken::any_one ||
                  (token.kind == RefToken::literal && token.ch == c) ||
                  (token.kind == RefToken::in_ab && (c == 'a' || c == 'b')) ||
                  (token.kind == RefToken::not_a && c != 'a');
  return ok && ref_component(tokens, ti + 1, name, ni + 1);
}

bool ref_path(const std::vector<RefComponent>& segments, std::size_t si,
              const std::vector<std::string>& names, std::size_t ni) {
  if (si == segments.size()) return ni == names.size();
  if (segments[si].empty()) {
    const std::size_t least = si + 1 == segments.size() ? 1 : 0;
    for (std::size_t take = least; ni + take <= names.size(); ++take) {
      if (ref_path(segments, si + 1, names, ni + take)) return true;
    }
    return false;
  }
  return ni < names.size() && ref_component(segments[si], 0, names[ni], 0) &&
         ref_path(segments, si + 1, names, ni + 1);
}

TEST(Glob, RandomPatternsAgreeWithNaiveBacktracking) {
  std::mt19937 random(20261205);
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  int matched_count = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<RefComponent> segments;
    std::string pattern = "C:\\r";
    const int segment_count = 1 + pick(4);
    for (int s = 0; s < segment_count; ++s) {
      pattern += '\\';
      if (pick(4) == 0 && (segments.empty() || !segments.back().empty())) {
        segments.emplace_back();
        pattern += "**";
        continue;
      }
      RefComponent tokens;
      const int length = 1 + pick(6);
      for (int t = 0; t < length; ++t) {
        switch (pick(6)) {
          case 0: tokens.push_back({RefToken::literal, 'a'}), pattern += 'a'; break;
          case 1: tokens.push_back({RefToken::literal, 'b'}), pattern += 'B'; break;
          case 2: tokens.push_back({RefToken::any_one, 0}), pattern += '?'; break;
          case 3: tokens.push_back({RefToken::in_ab, 0}), pattern += "[ab]"; break;
          case 4: tokens.push_back({RefToken::not_a, 0}), pattern += "[!a]"; break;
          default:
            // `**` inside a component is one star; the naive matcher tolerates doubles.
            tokens.push_back({RefToken::any_run, 0}), pattern += '*';
            break;
        }
      }
      if (tokens.size() == 2 && tokens[0].kind == RefToken::any_run &&
          tokens[1].kind == RefToken::any_run) {
        tokens.pop_back();  // `**` alone would be a globstar
        pattern.pop_back();
      }
      segments.push_back(std::move(tokens));
    }
    const auto glob = GlobMatcher::compile(pattern);
    for (int trial = 0; trial < 8; ++trial) {
      std::vector<std::string> names;
      std::string path = "C:\\r";
      const int depth = pick(5);
      for (int d = 0; d < depth; ++d) {
        std::string name;
        const int length = 1 + pick(6);
        for (int c = 0; c < length; ++c) name += "abcAB"[pick(5)];
        path += "\\" + name;
        names.push_back(name);
      }
      const bool expected = ref_path(segments, 0, names, 0);
      matched_count += expected ? 1 : 0;
      ASSERT_EQ(glob.matches(p(path)), expected) << pattern << " vs " << path;
      // What the walk asks instead: the parent's state, then the last name.
      if (const auto parent = p(path).parent()) {
        ASSERT_EQ(glob.child_matches(glob.state_at(*parent), p(path).filename()), expected)
            << pattern << " vs " << path << " (as a child)";
        if (expected) {
          ASSERT_TRUE(glob.may_match_below(*parent)) << pattern << " below " << parent->str();
        }
      }
    }
  }
  EXPECT_GT(matched_count, 500);  // the random cases exercise matches, not only misses
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
