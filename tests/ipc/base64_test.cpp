// Base64 codec used for IPC byte payloads: RFC 4648 test vectors, the full byte range, and
// every non-canonical form the strict decoder must reject.
#include "common/base64.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace winsandbox {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesRfc4648Vectors) {
  EXPECT_EQ(base64_decode(""), std::optional<std::string>(""));
  EXPECT_EQ(base64_decode("Zg=="), std::optional<std::string>("f"));
  EXPECT_EQ(base64_decode("Zm8="), std::optional<std::string>("fo"));
  EXPECT_EQ(base64_decode("Zm9v"), std::optional<std::string>("foo"));
  EXPECT_EQ(base64_decode("Zm9vYg=="), std::optional<std::string>("foob"));
  EXPECT_EQ(base64_decode("Zm9vYmE="), std::optional<std::string>("fooba"));
  EXPECT_EQ(base64_decode("Zm9vYmFy"), std::optional<std::string>("foobar"));
}

TEST(Base64, UsesTheStandardAlphabetForTheLastTwoSymbols) {
  EXPECT_EQ(base64_encode(std::string("\xfb\xff", 2)), "+/8=");
  EXPECT_EQ(base64_decode("+/8="), std::optional<std::string>(std::string("\xfb\xff", 2)));
}

TEST(Base64, RoundTripsEveryByteValueAtEveryPaddingLength) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (std::size_t cut = 0; cut < 3; ++cut) {
    const std::string bytes = all.substr(cut);
    const std::string text = base64_encode(bytes);
    EXPECT_EQ(text.size(), (bytes.size() + 2) / 3 * 4);
    EXPECT_EQ(base64_decode(text), std::optional<std::string>(bytes)) << "cut " << cut;
  }
}

TEST(Base64, RejectsNonCanonicalAndForeignInput) {
  const char* rejected[] = {
      "Zg",        // padding missing
      "Zg=",       // length not a multiple of 4
      "Zh==",      // non-zero bits after the last byte
      "Zm9=",      // same, one padding symbol
      "Z===",      // three padding symbols
      "=Zm9",      // padding first
      "Zg==Zm9v",  // padding before the end
      "Zm9-",      // URL-safe alphabet
      "Zm9_",
      "Zm 9",  // whitespace
      "Zm9\n",
      "Zm\xc3\xa9",  // non-ASCII
      "Zm9-Zm9v",    // a foreign symbol in a quantum before the last
      "Zm9vZ\x80==",
  };
  for (const char* text : rejected) {
    EXPECT_EQ(base64_decode(text), std::nullopt) << "accepted `" << text << "`";
  }
  EXPECT_EQ(base64_decode(std::string("Zm9\0", 4)), std::nullopt);
}

}  // namespace
}  // namespace winsandbox
