#include "win/unicode.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace winsandbox::win {
namespace {

TEST(Unicode, RoundTripsAcrossPlanes) {
  const std::string text = "C:\\Users\\J\xC3\xBCrgen\\\xE6\x96\x87\\\xF0\x9F\x98\x80";  // ü, 文, 😀
  const std::wstring wide = to_wide(text);
  EXPECT_EQ(wide, L"C:\\Users\\J\u00FCrgen\\\u6587\\\U0001F600");
  EXPECT_EQ(to_utf8(wide), text);
  EXPECT_EQ(to_wide(""), L"");
}

TEST(Unicode, RejectsInvalidInput) {
  EXPECT_WS_ERROR(to_wide("\xC3"), ErrorCode::invalid_argument, "invalid UTF-8");
  EXPECT_WS_ERROR(to_utf8(std::wstring(1, static_cast<wchar_t>(0xD800))),
                  ErrorCode::invalid_argument, "invalid UTF-16");
}

}  // namespace
}  // namespace winsandbox::win
