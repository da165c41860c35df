// Unit tests for WinPath (include/winsandbox/path.hpp).
//
// Strings are raw literals so that every backslash in a test is a backslash in the path.

#include "winsandbox/path.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

using Strings = std::vector<std::string>;

// Asserts that `fn` throws winsandbox::Error with `code` (and, if given, a message containing
// `substring`).
void expect_error_code(const std::function<void()>& fn, ErrorCode code,
                       std::string_view substring = {}) {
  try {
    fn();
    ADD_FAILURE() << "expected Error(" << error_code_name(code) << "), nothing was thrown";
  } catch (const Error& e) {
    EXPECT_EQ(error_code_name(e.code()), error_code_name(code)) << e.what();
    EXPECT_NE(std::string(e.what()).find(substring), std::string::npos) << e.what();
  }
}

std::string str(std::string_view input) {
  return WinPath::parse(input).str();
}

// ---------------------------------------------------------------------------------------------
// Golden parse -> str() table. Every expected display must also re-parse to itself.

struct Golden {
  std::string input;
  std::string display;
  WinPathKind kind;
};

void PrintTo(const Golden& g, std::ostream* os) {
  *os << g.input;
}

class ParseGolden : public ::testing::TestWithParam<Golden> {};

TEST_P(ParseGolden, DisplaysNormalizedForm) {
  const WinPath path = WinPath::parse(GetParam().input);
  EXPECT_EQ(path.str(), GetParam().display);
  EXPECT_EQ(path.kind(), GetParam().kind);
}

TEST_P(ParseGolden, DisplayRoundTrips) {
  const WinPath path = WinPath::parse(GetParam().input);
  const WinPath again = WinPath::parse(path.str());
  EXPECT_EQ(again.str(), path.str());
  EXPECT_EQ(again.identity(), path.identity());
  EXPECT_EQ(again.kind(), path.kind());
}

constexpr auto kDrive = WinPathKind::drive;
constexpr auto kUnc = WinPathKind::unc;
constexpr auto kDevice = WinPathKind::device;

INSTANTIATE_TEST_SUITE_P(
    Drive, ParseGolden,
    ::testing::Values(Golden{R"(C:\x)", R"(C:\x)", kDrive}, Golden{R"(c:/x)", R"(C:\x)", kDrive},
                      Golden{R"(C:\)", R"(C:\)", kDrive}, Golden{R"(c:/)", R"(C:\)", kDrive},
                      Golden{R"(C:\\\)", R"(C:\)", kDrive},
                      Golden{R"(C:\Users\Dev\Repo\)", R"(C:\Users\Dev\Repo)", kDrive},
                      Golden{R"(C:\\a//b\/c)", R"(C:\a\b\c)", kDrive},
                      Golden{R"(C:\a\.\b\..\c)", R"(C:\a\c)", kDrive},
                      Golden{R"(C:\a\b\..\..)", R"(C:\)", kDrive},
                      Golden{R"(C:\..\..\x)", R"(C:\x)", kDrive},
                      Golden{R"(C:/./.)", R"(C:\)", kDrive},
                      Golden{R"(z:\Program Files (x86)\App)", R"(Z:\Program Files (x86)\App)",
                             kDrive},
                      Golden{R"(C:\Ärger\Ωmega\Привет)", R"(C:\Ärger\Ωmega\Привет)", kDrive},
                      Golden{R"(C:\a\.git)", R"(C:\a\.git)", kDrive},
                      Golden{R"(C:\a\..b)", R"(C:\a\..b)", kDrive}));

INSTANTIATE_TEST_SUITE_P(
    Unc, ParseGolden,
    ::testing::Values(Golden{R"(\\server\share\x)", R"(\\server\share\x)", kUnc},
                      Golden{R"(//server/share/x/)", R"(\\server\share\x)", kUnc},
                      Golden{R"(\\server\share)", R"(\\server\share\)", kUnc},
                      Golden{R"(\\server\share\)", R"(\\server\share\)", kUnc},
                      Golden{R"(\\server\share\..\..\x)", R"(\\server\share\x)", kUnc},
                      Golden{R"(\/server\\share\\a\.\b)", R"(\\server\share\a\b)", kUnc},
                      Golden{R"(\\video1\node\cs-web)", R"(\\video1\node\cs-web)", kUnc}));

INSTANTIATE_TEST_SUITE_P(
    Verbatim, ParseGolden,
    ::testing::Values(Golden{R"(\\?\C:\x)", R"(C:\x)", kDrive},
                      Golden{R"(\\?\c:\Users\Dev\Repo)", R"(C:\Users\Dev\Repo)", kDrive},
                      Golden{R"(\??\C:\x)", R"(C:\x)", kDrive},
                      Golden{R"(\\?\C:\)", R"(C:\)", kDrive},
                      Golden{R"(\\?\C:\a\\b\)", R"(C:\a\b)", kDrive},
                      Golden{R"(\\?\UNC\server\share\repo)", R"(\\server\share\repo)", kUnc},
                      Golden{R"(\\?\unc\server\share)", R"(\\server\share\)", kUnc},
                      Golden{R"(\??\UNC\server\share\x)", R"(\\server\share\x)", kUnc},
                      Golden{R"(\\?\C:)", R"(\\.\C:)", kDevice},
                      Golden{R"(\\?\pipe\x)", R"(\\.\pipe\x)", kDevice},
                      Golden{R"(\\?\GLOBALROOT\Device\HarddiskVolume1\x)",
                             R"(\\.\GLOBALROOT\Device\HarddiskVolume1\x)", kDevice}));

INSTANTIATE_TEST_SUITE_P(
    Device, ParseGolden,
    ::testing::Values(Golden{R"(\\.\pipe\name)", R"(\\.\pipe\name)", kDevice},
                      Golden{R"(//./pipe/name)", R"(\\.\pipe\name)", kDevice},
                      Golden{R"(\\.\pipe\)", R"(\\.\pipe)", kDevice},
                      Golden{R"(\\.\COM1)", R"(\\.\COM1)", kDevice},
                      Golden{R"(\\.\pipe\a\..\..\b)", R"(\\.\pipe\b)", kDevice},
                      Golden{R"(\\.\pipe\winsandbox-runner-0f-in)",
                             R"(\\.\pipe\winsandbox-runner-0f-in)", kDevice},
                      Golden{R"(\\.\pipe\a:b)", R"(\\.\pipe\a:b)", kDevice},
                      Golden{R"(\\.\c:)", R"(\\.\C:)", kDevice},
                      Golden{R"(\\.\c:\x)", R"(C:\x)", kDrive},
                      Golden{R"(//?/C:/x/../y)", R"(C:\y)", kDrive},
                      Golden{R"(\\.\UNC\server\share\x)", R"(\\server\share\x)", kUnc},
                      Golden{R"(\\.\UNC\server\share\..\other\x)", R"(\\server\other\x)", kUnc}));

// Win32 drops one trailing `.` from inner names and all trailing dots and spaces from the final
// name unless the path ends in a separator. Names that keep a trailing dot or space can only be
// spelled with `\\?\`, so that is how they are displayed.
INSTANTIATE_TEST_SUITE_P(
    TrailingDotsAndSpaces, ParseGolden,
    ::testing::Values(
        Golden{R"(C:\dir.\x )", R"(C:\dir\x)", kDrive}, Golden{R"(C:\x.)", R"(C:\x)", kDrive},
        Golden{R"(C:\x. . )", R"(C:\x)", kDrive}, Golden{R"(C:\a\...)", R"(C:\a)", kDrive},
        Golden{R"(C:\a\ )", R"(C:\a)", kDrive}, Golden{R"(C:\a \.)", R"(C:\a)", kDrive},
        Golden{R"(C:\dir \x)", R"(\\?\C:\dir \x)", kDrive},
        Golden{R"(C:\dir \)", R"(\\?\C:\dir )", kDrive},
        Golden{R"(C:\dir..\x)", R"(\\?\C:\dir.\x)", kDrive},
        Golden{R"(C:\a \b\..)", R"(\\?\C:\a )", kDrive},
        Golden{R"(\\server\share\x.)", R"(\\server\share\x)", kUnc},
        Golden{R"(\\.\pipe\x.)", R"(\\.\pipe\x)", kDevice},
        Golden{R"(\\?\C:\dir.\x )", R"(\\?\C:\dir.\x )", kDrive},
        Golden{R"(\\?\C:\x...)", R"(\\?\C:\x...)", kDrive},
        Golden{R"(\\?\UNC\server\share\x.)", R"(\\?\UNC\server\share\x.)", kUnc},
        Golden{R"(\\?\pipe\x.)", R"(\\?\pipe\x.)", kDevice}));

// ---------------------------------------------------------------------------------------------
// Rejections

struct Rejected {
  std::string input;
  ErrorCode code;
};

void PrintTo(const Rejected& r, std::ostream* os) {
  *os << r.input;
}

class ParseRejects : public ::testing::TestWithParam<Rejected> {};

TEST_P(ParseRejects, WithStableCode) {
  expect_error_code([] { WinPath::parse(GetParam().input); }, GetParam().code);
  EXPECT_EQ(WinPath::try_parse(GetParam().input), std::nullopt);
}

constexpr auto kRelative = ErrorCode::relative_path;
constexpr auto kInvalid = ErrorCode::invalid_path;

INSTANTIATE_TEST_SUITE_P(
    Relative, ParseRejects,
    ::testing::Values(Rejected{"repo", kRelative}, Rejected{R"(.\x)", kRelative},
                      Rejected{R"(..\x)", kRelative}, Rejected{".", kRelative},
                      Rejected{"C:x", kRelative}, Rejected{"C:", kRelative},
                      Rejected{R"(C:..\x)", kRelative}, Rejected{R"(\x)", kRelative},
                      Rejected{"/x", kRelative}, Rejected{R"(\)", kRelative},
                      Rejected{R"( C:\x)", kRelative}, Rejected{"   ", kRelative},
                      Rejected{R"(1:\x)", kRelative}, Rejected{R"(/??/C:/x)", kRelative},
                      Rejected{"a<b", kRelative}));

INSTANTIATE_TEST_SUITE_P(
    Malformed, ParseRejects,
    ::testing::Values(Rejected{"", kInvalid}, Rejected{std::string("C:\\a\0b", 6), kInvalid},
                      Rejected{"C:\\\xff", kInvalid}, Rejected{"C:\\\xc0\xaf", kInvalid},
                      Rejected{"C:\\\xed\xa0\x80", kInvalid}, Rejected{"C:\\\xc3", kInvalid},
                      Rejected{"C:\\\xf4\x90\x80\x80", kInvalid}, Rejected{R"(\\server)", kInvalid},
                      Rejected{R"(\\server\)", kInvalid}, Rejected{R"(\\)", kInvalid},
                      Rejected{R"(\\\server\share)", kInvalid},
                      Rejected{R"(\\server\..\x)", kInvalid}, Rejected{R"(\\..\share)", kInvalid},
                      Rejected{R"(\\?x\share)", kInvalid}, Rejected{R"(\\ser?ver\share)", kInvalid},
                      Rejected{R"(\\server\sh*are)", kInvalid}, Rejected{R"(\\?\)", kInvalid},
                      Rejected{R"(\\?\\x)", kInvalid}, Rejected{R"(\\?\C:x)", kInvalid},
                      Rejected{R"(\\?\C:\a/b)", kInvalid}, Rejected{R"(\\?\C:/a)", kInvalid},
                      Rejected{R"(\\?\C:\a\..\b)", kInvalid}, Rejected{R"(\\?\C:\.)", kInvalid},
                      Rejected{R"(\\?\UNC\server)", kInvalid}, Rejected{R"(\\?\UNC)", kInvalid},
                      Rejected{R"(\\?\C:\a<b)", kInvalid}, Rejected{R"(\\?)", kInvalid},
                      Rejected{R"(\\.)", kInvalid}, Rejected{R"(\\.\)", kInvalid},
                      Rejected{R"(\\.\..\x)", kInvalid}, Rejected{R"(\\.\UNC\server)", kInvalid},
                      Rejected{R"(\\.\UNC\server\..\share)", kInvalid},
                      Rejected{R"(C:\a<b)", kInvalid}, Rejected{R"(C:\a>b)", kInvalid},
                      Rejected{R"(C:\a"b)", kInvalid}, Rejected{R"(C:\a|b)", kInvalid},
                      Rejected{R"(C:\a?b)", kInvalid}, Rejected{R"(C:\a*b)", kInvalid},
                      Rejected{"C:\\a\x01"
                               "b",
                               kInvalid},
                      Rejected{"C:\\a\x1f", kInvalid}, Rejected{R"(C:\a:b)", kInvalid},
                      Rejected{R"(C:\dir::$INDEX_ALLOCATION)", kInvalid},
                      Rejected{R"(C:\a<\..\b)", kInvalid}, Rejected{R"(C:\a\...\b)", kInvalid}));

TEST(WinPathParse, ErrorMessageNamesTheProblem) {
  expect_error_code([] { WinPath::parse("C:x"); }, kRelative, "drive-relative");
  expect_error_code([] { WinPath::parse(R"(\\server)"); }, kInvalid, "share");
  expect_error_code([] { WinPath::parse(R"(\\?\C:\a/b)"); }, kInvalid, "'/'");
  expect_error_code([] { WinPath::parse(""); }, kInvalid, "empty");
}

TEST(WinPathParse, ErrorMessageOfHugeInputIsBounded) {
  const std::string input = "relative" + std::string(40000, 'x');
  try {
    WinPath::parse(input);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), kRelative);
    EXPECT_LT(std::string(e.what()).size(), 400u);
  }
}

TEST(WinPathParse, TryParseReturnsValueForValidInput) {
  const auto path = WinPath::try_parse("c:/x");
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->str(), R"(C:\x)");
}

TEST(WinPathParse, LooksAbsolute) {
  for (const char* yes : {R"(C:\x)", "c:/", R"(\\server\share)", R"(\\?\C:\x)", R"(\??\C:\x)",
                          R"(\\.\pipe\x)", R"(\\server)"}) {
    EXPECT_TRUE(WinPath::looks_absolute(yes)) << yes;
  }
  for (const char* no : {"", "repo", R"(.\x)", "C:", "C:x", R"(\x)", "/x", R"(1:\x)"}) {
    EXPECT_FALSE(WinPath::looks_absolute(no)) << no;
  }
}

// ---------------------------------------------------------------------------------------------
// Identity

TEST(WinPathIdentity, IsCaseInsensitiveAndSeparatorInsensitive) {
  const WinPath a = WinPath::parse(R"(C:\Users\Dev\Repo)");
  const WinPath b = WinPath::parse("c:/users/dev/repo");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.identity(), R"(C:\USERS\DEV\REPO)");
  EXPECT_EQ(b.identity(), R"(C:\USERS\DEV\REPO)");
  EXPECT_EQ(a.str(), R"(C:\Users\Dev\Repo)");
  EXPECT_EQ(b.str(), R"(C:\users\dev\repo)");
  EXPECT_EQ(std::hash<WinPath>{}(a), std::hash<WinPath>{}(b));
}

TEST(WinPathIdentity, VerbatimPrefixIsStripped) {
  EXPECT_EQ(WinPath::parse(R"(\\?\C:\Users\Dev\Repo)"), WinPath::parse(R"(C:\Users\Dev\Repo)"));
  EXPECT_EQ(WinPath::parse(R"(\??\C:\x)").identity(), R"(C:\X)");
  const WinPath unc = WinPath::parse(R"(\\?\UNC\server\share\repo)");
  EXPECT_EQ(unc.str(), R"(\\server\share\repo)");
  EXPECT_EQ(unc, WinPath::parse(R"(\\SERVER\Share\Repo)"));
  EXPECT_EQ(unc.identity(), R"(\\SERVER\SHARE\REPO)");
}

TEST(WinPathIdentity, TrailingDotIsPartOfAVerbatimNameOnly) {
  const WinPath literal = WinPath::parse(R"(\\?\C:\x.)");
  const WinPath stripped = WinPath::parse(R"(C:\x.)");
  EXPECT_NE(literal, stripped);
  EXPECT_EQ(literal.identity(), R"(C:\X.)");
  EXPECT_EQ(stripped.identity(), R"(C:\X)");
  EXPECT_EQ(WinPath::parse(R"(C:\dir.\x )"), WinPath::parse(R"(C:\dir\x)"));
}

TEST(WinPathIdentity, DevicePathsOfDrivesAndUncAreTheSameFiles) {
  EXPECT_EQ(WinPath::parse(R"(\\.\C:\Repo)"), WinPath::parse(R"(c:\repo)"));
  EXPECT_EQ(WinPath::parse(R"(\\.\UNC\s\sh\x)"), WinPath::parse(R"(\\s\sh\x)"));
  EXPECT_EQ(WinPath::parse(R"(\\?\pipe\X)"), WinPath::parse(R"(\\.\PIPE\x)"));
  EXPECT_NE(WinPath::parse(R"(\\.\C:)"), WinPath::parse(R"(C:\)"));  // volume vs root dir
}

TEST(WinPathIdentity, UnicodeCaseFolding) {
  EXPECT_EQ(WinPath::parse(R"(C:\Ärger)"), WinPath::parse(R"(c:\ärger)"));
  EXPECT_EQ(WinPath::parse(R"(C:\Ärger)").identity(), R"(C:\ÄRGER)");
  EXPECT_EQ(WinPath::parse(R"(C:\Σοφία)"), WinPath::parse(R"(C:\ΣΟΦΊΑ)"));
  EXPECT_EQ(WinPath::parse(R"(C:\Привет)"), WinPath::parse(R"(C:\пРИВЕТ)"));
  EXPECT_NE(WinPath::parse(R"(C:\ı)"), WinPath::parse(R"(C:\I)"));
  EXPECT_NE(WinPath::parse(R"(C:\straße)"), WinPath::parse(R"(C:\STRASSE)"));
}

TEST(WinPathIdentity, OrderingAndHashingFollowIdentity) {
  const WinPath a = WinPath::parse(R"(c:\a)");
  const WinPath b = WinPath::parse(R"(C:\B)");
  EXPECT_TRUE(a < b);
  EXPECT_TRUE(WinPath::parse(R"(C:\A)") <= a);
  EXPECT_TRUE(WinPath::parse(R"(C:\A)") >= a);
  const std::set<WinPath> ordered{b, a, WinPath::parse(R"(C:\A)")};
  EXPECT_EQ(ordered.size(), 2u);
  const std::unordered_set<WinPath> unique{
      WinPath::parse(R"(C:\Repo)"), WinPath::parse("c:/repo/"), WinPath::parse(R"(\\?\C:\REPO)"),
      WinPath::parse(R"(C:\repo\.\sub\..)"), WinPath::parse(R"(C:\repo.)")};
  EXPECT_EQ(unique.size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// fold_case

TEST(FoldCase, UpperCasesSupportedScripts) {
  EXPECT_EQ(fold_case("abc XYZ 09_-"), "ABC XYZ 09_-");
  EXPECT_EQ(fold_case("ärger àéîõü ÿ þ"), "ÄRGER ÀÉÎÕÜ Ÿ Þ");
  EXPECT_EQ(fold_case("łódź ŋ ž ĳ ĺ"), "ŁÓDŹ Ŋ Ž Ĳ Ĺ");
  EXPECT_EQ(fold_case("αβγ ς ά έ ό ύ ώ ϊ"), "ΑΒΓ Σ Ά Έ Ό Ύ Ώ Ϊ");
  EXPECT_EQ(fold_case("привет ё ђ ѣ ґ ӂ ӑ"), "ПРИВЕТ Ё Ђ Ѣ Ґ Ӂ Ӑ");
}

TEST(FoldCase, LeavesUnmappedCharactersAlone) {
  EXPECT_EQ(fold_case("ß ı ſ ĸ ÷ × µ"), "ß ı ſ ĸ ÷ × Μ");
  EXPECT_EQ(fold_case("日本語 😀 ÀÉ"), "日本語 😀 ÀÉ");
  EXPECT_EQ(fold_case(""), "");
}

TEST(FoldCase, PassesInvalidBytesThrough) {
  EXPECT_EQ(fold_case("a\xff"
                      "b\xc3"),
            "A\xff"
            "B\xc3");
}

// ---------------------------------------------------------------------------------------------
// Roots, parents, components

TEST(WinPathRoot, DriveRoot) {
  const WinPath path = WinPath::parse(R"(l:\cs-web)");
  EXPECT_EQ(path.kind(), WinPathKind::drive);
  EXPECT_EQ(path.root().str(), R"(L:\)");
  EXPECT_EQ(path.drive_letter(), 'L');
  EXPECT_FALSE(path.is_root());
  EXPECT_TRUE(path.root().is_root());
  EXPECT_EQ(path.root().kind(), WinPathKind::drive);
}

TEST(WinPathRoot, UncRoot) {
  const WinPath path = WinPath::parse(R"(\\video1\node\cs-web)");
  EXPECT_EQ(path.kind(), WinPathKind::unc);
  EXPECT_EQ(path.root().str(), R"(\\video1\node\)");
  EXPECT_EQ(path.root().kind(), WinPathKind::unc);
  EXPECT_EQ(path.drive_letter(), std::nullopt);
}

TEST(WinPathRoot, DeviceRootIsPrefixPlusFirstName) {
  const WinPath pipe = WinPath::parse(R"(\\.\pipe\name)");
  EXPECT_EQ(pipe.root().str(), R"(\\.\pipe)");
  EXPECT_EQ(pipe.root().kind(), WinPathKind::device);
  EXPECT_EQ(pipe.drive_letter(), std::nullopt);
  const WinPath com = WinPath::parse(R"(\\.\COM1)");
  EXPECT_TRUE(com.is_root());
  EXPECT_EQ(com.root().str(), R"(\\.\COM1)");
}

TEST(WinPathRoot, RootOfVerbatimDisplayIsPlain) {
  const WinPath path = WinPath::parse(R"(\\?\C:\dir.\x)");
  EXPECT_EQ(path.str(), R"(\\?\C:\dir.\x)");
  EXPECT_EQ(path.root().str(), R"(C:\)");
  EXPECT_EQ(path.drive_letter(), 'C');
  EXPECT_EQ(WinPath::parse(R"(\\?\UNC\s\sh\x.)").root().str(), R"(\\s\sh\)");
}

TEST(WinPathParent, OfRootIsNullopt) {
  EXPECT_EQ(WinPath::parse(R"(C:\)").parent(), std::nullopt);
  EXPECT_EQ(WinPath::parse(R"(\\server\share)").parent(), std::nullopt);
  EXPECT_EQ(WinPath::parse(R"(\\.\COM1)").parent(), std::nullopt);
  EXPECT_EQ(WinPath::parse(R"(\\.\pipe)").parent(), std::nullopt);
}

TEST(WinPathParent, DropsTheLastName) {
  EXPECT_EQ(WinPath::parse(R"(C:\a\b)").parent()->str(), R"(C:\a)");
  EXPECT_EQ(WinPath::parse(R"(C:\a)").parent()->str(), R"(C:\)");
  EXPECT_EQ(WinPath::parse(R"(\\s\sh\x)").parent()->str(), R"(\\s\sh\)");
  EXPECT_EQ(WinPath::parse(R"(\\.\pipe\x)").parent()->str(), R"(\\.\pipe)");
  EXPECT_EQ(WinPath::parse(R"(\\?\C:\a.\b)").parent()->str(), R"(\\?\C:\a.)");
  EXPECT_EQ(WinPath::parse(R"(\\?\C:\a\b.)").parent()->str(), R"(C:\a)");
}

TEST(WinPathComponents, RootFirstThenNames) {
  const WinPath drive = WinPath::parse(R"(C:\a\b)");
  EXPECT_EQ(drive.components(), (Strings{R"(C:\)", "a", "b"}));
  EXPECT_EQ(drive.component_count(), 3u);
  EXPECT_EQ(drive.filename(), "b");

  const WinPath root = WinPath::parse(R"(C:\)");
  EXPECT_EQ(root.components(), (Strings{R"(C:\)"}));
  EXPECT_EQ(root.component_count(), 1u);
  EXPECT_EQ(root.filename(), "");

  const WinPath unc = WinPath::parse(R"(\\s\sh\x)");
  EXPECT_EQ(unc.components(), (Strings{R"(\\s\sh\)", "x"}));
  EXPECT_EQ(unc.component_count(), 2u);

  const WinPath pipe = WinPath::parse(R"(\\.\pipe\n)");
  EXPECT_EQ(pipe.components(), (Strings{R"(\\.\pipe)", "n"}));
  EXPECT_EQ(pipe.component_count(), 2u);
  EXPECT_EQ(pipe.filename(), "n");

  const WinPath verbatim = WinPath::parse(R"(\\?\C:\a.\b )");
  EXPECT_EQ(verbatim.components(), (Strings{R"(C:\)", "a.", "b "}));
  EXPECT_EQ(verbatim.component_count(), 3u);
  EXPECT_EQ(verbatim.filename(), "b ");
}

// ---------------------------------------------------------------------------------------------
// join

TEST(WinPathJoin, AppendsAndFolds) {
  const WinPath repo = WinPath::parse(R"(C:\repo)");
  EXPECT_EQ(repo.join("src/main.cpp").str(), R"(C:\repo\src\main.cpp)");
  EXPECT_EQ(repo.join(R"(a\..\b)").str(), R"(C:\repo\b)");
  EXPECT_EQ(repo.join(R"(.\a\\b\)").str(), R"(C:\repo\a\b)");
  EXPECT_EQ(repo.join("").str(), R"(C:\repo)");
  EXPECT_EQ(repo.join(".").str(), R"(C:\repo)");
  EXPECT_EQ(repo.join(R"(a\..)").str(), R"(C:\repo)");
  EXPECT_EQ(repo.join(".git").str(), R"(C:\repo\.git)");
  EXPECT_EQ(WinPath::parse(R"(C:\)").join("x").str(), R"(C:\x)");
  EXPECT_EQ(WinPath::parse(R"(\\s\sh)").join("x").str(), R"(\\s\sh\x)");
  EXPECT_EQ(WinPath::parse(R"(\\.\pipe)").join("x").str(), R"(\\.\pipe\x)");
}

TEST(WinPathJoin, ResultIsWithinBase) {
  const WinPath repo = WinPath::parse(R"(C:\Repo)");
  const WinPath joined = repo.join(R"(a\b)");
  EXPECT_TRUE(joined.is_within(repo));
  EXPECT_EQ(joined, WinPath::parse(R"(c:\repo\A\B)"));
}

TEST(WinPathJoin, AppliesWin32TrimmingToTheSubpath) {
  const WinPath repo = WinPath::parse(R"(C:\repo)");
  EXPECT_EQ(repo.join("x.").str(), R"(C:\repo\x)");
  EXPECT_EQ(repo.join(R"(x \y)").str(), R"(\\?\C:\repo\x \y)");
  EXPECT_EQ(WinPath::parse(R"(\\?\C:\a.)").join("b").str(), R"(\\?\C:\a.\b)");
}

TEST(WinPathJoin, RejectsEscapes) {
  const WinPath repo = WinPath::parse(R"(C:\repo)");
  expect_error_code([&] { repo.join(".."); }, kInvalid, "escapes");
  expect_error_code([&] { repo.join(R"(a\..\..\x)"); }, kInvalid, "escapes");
  expect_error_code([&] { repo.join("../repo/x"); }, kInvalid, "escapes");
  expect_error_code([&] { WinPath::parse(R"(C:\)").join(".."); }, kInvalid, "escapes");
}

TEST(WinPathJoin, RejectsNonRelativeSubpaths) {
  const WinPath repo = WinPath::parse(R"(C:\repo)");
  for (const char* bad : {R"(C:\x)", "C:x", "c:", R"(\x)", "/x", R"(\\s\sh)", R"(\\?\C:\x)"}) {
    expect_error_code([&] { repo.join(bad); }, kInvalid);
  }
  expect_error_code([&] { repo.join("a<b"); }, kInvalid);
  expect_error_code([&] { repo.join("a:b"); }, kInvalid);
  expect_error_code([&] { repo.join(std::string("a\0b", 3)); }, kInvalid);
}

// ---------------------------------------------------------------------------------------------
// is_within / relative_to

bool within(std::string_view inner, std::string_view outer) {
  return WinPath::parse(inner).is_within(WinPath::parse(outer));
}

TEST(WinPathChild, AppendsListedNamesLiterally) {
  const WinPath repo = WinPath::parse(R"(C:\repo)");
  EXPECT_EQ(repo.child("src").str(), R"(C:\repo\src)");
  // Names Win32 would alter keep their exact spelling through `\\?\`; join() trims them.
  EXPECT_EQ(repo.child("a ").str(), R"(\\?\C:\repo\a )");
  EXPECT_EQ(repo.child("b.").str(), R"(\\?\C:\repo\b.)");
  EXPECT_NE(repo.child("a "), repo.join("a "));
  EXPECT_EQ(repo.child("CON").str(), R"(\\?\C:\repo\CON)");
  EXPECT_EQ(WinPath::parse(R"(\\srv\share)").child("nul.txt").str(),
            R"(\\?\UNC\srv\share\nul.txt)");
  EXPECT_EQ(repo.child("a ").child("x").str(), R"(\\?\C:\repo\a \x)");
}

TEST(WinPathChild, RejectsWhatIsNotOneName) {
  const WinPath repo = WinPath::parse(R"(C:\repo)");
  for (const char* name : {"", ".", "..", R"(a\b)", "a/b", "a:b", "a*", "a\x01"}) {
    SCOPED_TRACE(name);
    EXPECT_THROW((void)repo.child(name), Error);
  }
}

TEST(WinPathDisplay, VerbatimReservedDeviceNamesKeepThePrefix) {
  for (const char* text : {R"(\\?\C:\x\CON)", R"(\\?\C:\x\nul.txt)", R"(\\?\UNC\s\sh\COM1)"}) {
    SCOPED_TRACE(text);
    const WinPath path = WinPath::parse(text);
    EXPECT_EQ(path.str(), text);
    EXPECT_EQ(WinPath::parse(path.str()), path);
  }
  EXPECT_EQ(WinPath::parse(R"(\\?\C:\x\CON\y)").parent()->str(), R"(\\?\C:\x\CON)");
  EXPECT_EQ(WinPath::parse(R"(\\?\C:\x\CON\y)").parent()->parent()->str(), R"(C:\x)");
}

TEST(WinPathIsWithin, ComponentWise) {
  EXPECT_TRUE(within(R"(C:\a\b)", R"(C:\a)"));
  EXPECT_FALSE(within(R"(C:\ab)", R"(C:\a)"));
  EXPECT_FALSE(within(R"(C:\a)", R"(C:\a\b)"));
  EXPECT_TRUE(within(R"(C:\a)", R"(C:\a)"));
  EXPECT_TRUE(within(R"(c:\A\b)", R"(C:\a)"));
  EXPECT_TRUE(within(R"(\\?\C:\a\b)", R"(C:\A)"));
}

TEST(WinPathIsWithin, Roots) {
  EXPECT_TRUE(within(R"(C:\a)", R"(C:\)"));
  EXPECT_TRUE(within(R"(C:\)", R"(C:\)"));
  EXPECT_FALSE(within(R"(D:\a)", R"(C:\)"));
  EXPECT_FALSE(within(R"(C:\)", R"(C:\a)"));
}

TEST(WinPathIsWithin, NeverAcrossNamespaces) {
  EXPECT_FALSE(within(R"(D:\a)", R"(C:\a)"));
  EXPECT_FALSE(within(R"(\\s\sh\a)", R"(C:\)"));
  EXPECT_FALSE(within(R"(\\.\C:)", R"(C:\)"));
  EXPECT_TRUE(within(R"(\\S\SH\a)", R"(\\s\sh)"));
  EXPECT_FALSE(within(R"(\\s\shx\a)", R"(\\s\sh)"));
  EXPECT_FALSE(within(R"(\\s\sh\a)", R"(\\s\other)"));
  EXPECT_TRUE(within(R"(\\.\pipe\x)", R"(\\.\PIPE)"));
  EXPECT_FALSE(within(R"(\\.\pipex)", R"(\\.\pipe)"));
}

TEST(WinPathRelativeTo, ReturnsNamesBelowAncestor) {
  const WinPath path = WinPath::parse(R"(C:\Repo\Src\main.cpp)");
  EXPECT_EQ(path.relative_to(WinPath::parse(R"(c:\repo)")), (Strings{"Src", "main.cpp"}));
  EXPECT_EQ(path.relative_to(WinPath::parse(R"(C:\)")), (Strings{"Repo", "Src", "main.cpp"}));
  EXPECT_EQ(path.relative_to(path), Strings{});
  EXPECT_EQ(path.relative_to(WinPath::parse(R"(C:\Rep)")), std::nullopt);
  EXPECT_EQ(path.relative_to(WinPath::parse(R"(D:\)")), std::nullopt);
  EXPECT_EQ(WinPath::parse(R"(\\.\pipe\a\b)").relative_to(WinPath::parse(R"(\\.\pipe)")),
            (Strings{"a", "b"}));
}

// ---------------------------------------------------------------------------------------------
// Long paths: no MAX_PATH limit, no recursion, exact round trip.

TEST(WinPathLong, FortyThousandCharactersRoundTrip) {
  std::string input = R"(C:\)";
  std::size_t names = 0;
  while (input.size() < 40000) {
    input += "segment" + std::to_string(names++) + "\\";
  }
  input.pop_back();
  const WinPath path = WinPath::parse(input);
  EXPECT_EQ(path.str(), input);
  EXPECT_EQ(path.component_count(), names + 1);
  EXPECT_EQ(WinPath::parse(path.str()), path);
  EXPECT_EQ(WinPath::parse(R"(\\?\)" + input).str(), input);
  EXPECT_EQ(path.parent()->filename(), "segment" + std::to_string(names - 2));
  EXPECT_TRUE(path.is_within(*path.parent()));
}

TEST(WinPathLong, LongVerbatimNameWithTrailingSpaceRoundTrips) {
  const std::string input = R"(\\?\C:\)" + std::string(40000, 'a') + " ";
  const WinPath path = WinPath::parse(input);
  EXPECT_EQ(path.str(), input);
  EXPECT_EQ(path.filename().size(), 40001u);
}

TEST(WinPathLong, ManyParentReferencesClampAtRoot) {
  std::string input = R"(C:\x)";
  for (int i = 0; i < 10000; ++i) input += R"(\..)";
  input += R"(\y)";
  EXPECT_EQ(str(input), R"(C:\y)");
}

}  // namespace
}  // namespace winsandbox
