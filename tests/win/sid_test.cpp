#include "win/sid.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace winsandbox::win {
namespace {

TEST(Sid, ParsesAndPrintsBack) {
  const Sid sid = Sid::parse("S-1-5-21-1234567890-2-3-4294967295");
  EXPECT_EQ(sid.to_string(), "S-1-5-21-1234567890-2-3-4294967295");
  EXPECT_EQ(sid.length(), 8u + 4u * 5u);  // header + 5 sub-authorities
}

TEST(Sid, EveryoneIsS110) {
  EXPECT_EQ(Sid::everyone().to_string(), "S-1-1-0");
  EXPECT_EQ(Sid::everyone(), Sid::parse("S-1-1-0"));
}

TEST(Sid, CopiesAreIndependentValues) {
  const Sid original = Sid::parse("S-1-5-21-1-2-3-4");
  const Sid copy = Sid::copy_of(original.get());
  EXPECT_EQ(copy, original);
  EXPECT_NE(copy.get(), original.get());
  EXPECT_FALSE(copy == Sid::parse("S-1-5-21-1-2-3-5"));
}

TEST(Sid, RejectsMalformedText) {
  EXPECT_WS_ERROR(Sid::parse("S-1-x"), ErrorCode::invalid_argument, "S-1-x");
  EXPECT_WS_ERROR(Sid::parse(""), ErrorCode::invalid_argument, "not a valid SID");
  EXPECT_WS_ERROR(Sid::copy_of(nullptr), ErrorCode::invalid_argument, "invalid SID");
}

}  // namespace
}  // namespace winsandbox::win
