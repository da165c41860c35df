#include "win/environment_block.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace winsandbox::win {
namespace {

TEST(EnvironmentBlock, SortsByUpperCaseOrdinalAndDoubleNulTerminates) {
  Environment env;
  env.set("b", "2");
  env.set("_u", "x");
  env.set("Path", "C:\\bin");
  env.set("A", "1");
  env.set("=C:", "C:\\x");
  env.set("a2", "3");
  // Upper-case folding puts `_` (0x5F) after the letters; lower-case folding would not.
  const std::wstring expected(L"=C:=C:\\x\0A=1\0a2=3\0b=2\0Path=C:\\bin\0_u=x\0\0", 40);
  EXPECT_EQ(make_environment_block(env), expected);
}

TEST(EnvironmentBlock, EncodesUtf16AndKeepsEmptyValues) {
  Environment env;
  env.set("SMILE", "\xF0\x9F\x98\x80");  // U+1F600: a surrogate pair
  env.set("EMPTY", "");
  const std::wstring block = make_environment_block(env);
  const std::wstring expected{L'E',
                              L'M',
                              L'P',
                              L'T',
                              L'Y',
                              L'=',
                              L'\0',
                              L'S',
                              L'M',
                              L'I',
                              L'L',
                              L'E',
                              L'=',
                              static_cast<wchar_t>(0xD83D),
                              static_cast<wchar_t>(0xDE00),
                              L'\0',
                              L'\0'};
  EXPECT_EQ(block, expected);
}

TEST(EnvironmentBlock, KeysEqualIgnoringCaseFallBackToOrdinalOrder) {
  // Environment folds ASCII case only, so these are two variables; Windows folds them equal.
  Environment env;
  env.set("\xC3\xA4pfel", "lower");  // äpfel
  env.set("\xC3\x84PFEL", "upper");  // ÄPFEL
  const std::wstring block = make_environment_block(env);
  const std::wstring expected(L"\u00C4PFEL=upper\0\u00E4pfel=lower\0\0", 25);
  EXPECT_EQ(block, expected);
}

TEST(EnvironmentBlock, EmptyEnvironmentIsTwoNuls) {
  EXPECT_EQ(make_environment_block(Environment{}), std::wstring(2, L'\0'));
}

}  // namespace
}  // namespace winsandbox::win
