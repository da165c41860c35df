#include "win/win32_error.hpp"

#include <string>

#include <gtest/gtest.h>

#include "win/random.hpp"

namespace winsandbox::win {
namespace {

TEST(Win32Error, NamesTheCallTheCodeAndTheSystemText) {
  const Error error = win32_error("OpenThing", ERROR_ACCESS_DENIED);
  EXPECT_EQ(error.code(), ErrorCode::win32_call_failed);
  EXPECT_EQ(error.win32_error(), std::optional<std::uint32_t>(ERROR_ACCESS_DENIED));
  const std::string message = error.what();
  EXPECT_EQ(message.rfind("OpenThing failed: 5 (", 0), 0u) << message;
  EXPECT_EQ(message.back(), ')') << message;  // trailing newline/period of the system text trimmed
}

TEST(Win32Error, ThrowLastErrorUsesGetLastError) {
  SetLastError(ERROR_FILE_NOT_FOUND);
  try {
    throw_last_error("FindIt");
    ADD_FAILURE() << "throw_last_error returned";  // unreachable unless [[noreturn]] is broken
  } catch (const Error& error) {
    EXPECT_EQ(error.win32_error(), std::optional<std::uint32_t>(ERROR_FILE_NOT_FOUND));
    EXPECT_EQ(std::string(error.what()).rfind("FindIt failed: 2", 0), 0u) << error.what();
  }
}

TEST(Win32Error, HresultsAreShownInHex) {
  const Error error = hresult_error("ResizePseudoConsole", E_NOTIMPL);
  EXPECT_EQ(error.code(), ErrorCode::win32_call_failed);
  EXPECT_EQ(error.win32_error(), std::optional<std::uint32_t>(0x80004001u));
  const std::string message = error.what();
  EXPECT_EQ(message.rfind("ResizePseudoConsole failed: HRESULT 0x80004001", 0), 0u) << message;
}

TEST(Random, HexHasTwoLowerCaseDigitsPerByteAndVaries) {
  const std::string first = random_hex(16);
  const std::string second = random_hex(16);
  ASSERT_EQ(first.size(), 32u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;
  EXPECT_NE(first, second);  // 2^-128 chance of a false failure
  EXPECT_EQ(random_hex(0), "");
}

}  // namespace
}  // namespace winsandbox::win
