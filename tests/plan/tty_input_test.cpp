#include "plan/tty_input.hpp"

#include <string>

#include <gtest/gtest.h>

namespace winsandbox {
namespace {

// docs/execution.md#tty-input, one write per input.
TEST(TtyInputNormalizer, LineEndsBecomeCarriageReturnsAndTextIsUntouched) {
  TtyInputNormalizer normalizer;
  EXPECT_EQ(normalizer.normalize("first\n"), "first\r");
  EXPECT_EQ(normalizer.normalize("second\r"), "second\r");
  // The CR that ended the previous write swallows this LF.
  EXPECT_EQ(normalizer.normalize("\nthird\r\n"), "third\r");
  EXPECT_EQ(normalizer.normalize("cafe\xc3\xa9 \xe6\xbc\xa2\xe5\xad\x97\x08\x03"),
            "cafe\xc3\xa9 \xe6\xbc\xa2\xe5\xad\x97\x7f\x03");
}

TEST(TtyInputNormalizer, CrLfSplitAcrossWritesIsOneCarriageReturn) {
  TtyInputNormalizer normalizer;
  EXPECT_EQ(normalizer.normalize("a\r"), "a\r");
  EXPECT_EQ(normalizer.normalize("\n"), "");
  EXPECT_EQ(normalizer.normalize("\n"), "\r");  // a second LF is a new empty line
}

TEST(TtyInputNormalizer, BlankLinesAndLoneCarriageReturnsAreKept) {
  TtyInputNormalizer normalizer;
  EXPECT_EQ(normalizer.normalize("\n\n\r\r\r\n"), "\r\r\r\r\r");
  EXPECT_EQ(normalizer.normalize("\nx"), "\rx");  // the last byte was LF, not CR
  EXPECT_EQ(normalizer.normalize("y\r"), "y\r");
  EXPECT_EQ(normalizer.normalize(""), "");
  // An empty write does not reset the state: the CR before it still swallows this LF.
  EXPECT_EQ(normalizer.normalize("\nz"), "z");
}

TEST(TtyInputNormalizer, OnlyBackspaceAndLineFeedChange) {
  TtyInputNormalizer normalizer;
  std::string every_byte;
  for (int value = 0; value < 256; ++value) {
    if (value != '\n' && value != '\b') every_byte.push_back(static_cast<char>(value));
  }
  EXPECT_EQ(normalizer.normalize(every_byte), every_byte);
  EXPECT_EQ(normalizer.normalize(std::string("\0\b\0", 3)), std::string("\0\x7f\0", 3));
}

}  // namespace
}  // namespace winsandbox
