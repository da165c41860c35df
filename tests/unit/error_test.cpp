#include <gtest/gtest.h>

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

TEST(ErrorCode, NamesAreStableSnakeCase) {
  EXPECT_EQ(error_code_name(ErrorCode::profile_not_managed), "profile_not_managed");
  EXPECT_EQ(error_code_name(ErrorCode::filesystem_unrestricted), "filesystem_unrestricted");
  EXPECT_EQ(error_code_name(ErrorCode::full_disk_write), "full_disk_write");
  EXPECT_EQ(error_code_name(ErrorCode::unc_path_unsupported), "unc_path_unsupported");
  EXPECT_EQ(error_code_name(ErrorCode::invalid_policy), "invalid_policy");
  EXPECT_EQ(error_code_name(ErrorCode::ipc_protocol_mismatch), "ipc_protocol_mismatch");
  EXPECT_EQ(error_code_name(ErrorCode::setup_required), "setup_required");
  EXPECT_EQ(error_code_name(ErrorCode::win32_call_failed), "win32_call_failed");
  EXPECT_EQ(error_code_name(ErrorCode::unsupported_platform), "unsupported_platform");
}

TEST(ErrorCode, EveryCodeRoundTripsThroughItsName) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::command_start_failed); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const auto name = error_code_name(code);
    EXPECT_NE(name, "unknown") << i;
    EXPECT_EQ(error_code_from_name(name), code) << name;
  }
  EXPECT_EQ(error_code_from_name("no_such_code"), std::nullopt);
}

TEST(Error, CarriesCodeMessageAndWin32Error) {
  const Error error(ErrorCode::win32_call_failed, "CreateProcessAsUserW failed", 5u);
  EXPECT_EQ(error.code(), ErrorCode::win32_call_failed);
  EXPECT_STREQ(error.what(), "CreateProcessAsUserW failed");
  EXPECT_EQ(error.win32_error(), 5u);
  EXPECT_EQ(Error(ErrorCode::io_error, "x").win32_error(), std::nullopt);
}

}  // namespace
}  // namespace winsandbox
