#include "winsandbox/error.hpp"

#include <gtest/gtest.h>

#include "winsandbox/acl_plan.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/setup_request.hpp"

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
  EXPECT_EQ(error_code_name(ErrorCode::setup_failed), "setup_failed");
  EXPECT_EQ(error_code_name(ErrorCode::setup_canceled), "setup_canceled");
  EXPECT_EQ(error_code_from_name("setup_canceled"), ErrorCode::setup_canceled);
}

TEST(ErrorCode, EveryCodeRoundTripsThroughItsName) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::setup_canceled); ++i) {
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

namespace winsandbox {
namespace {

// A value outside an enum's name table (a cast from a bad integer) is named "unknown", which
// no reader accepts: it never passes for a real value (an access mode never becomes "read").
TEST(EnumNames, AValueOutsideTheTableIsUnknownAndFailsClosed) {
  EXPECT_EQ(error_code_name(static_cast<ErrorCode>(200)), "unknown");
  EXPECT_FALSE(error_code_from_name("unknown"));
  EXPECT_EQ(access_mode_name(static_cast<FileSystemAccessMode>(7)), "unknown");
  EXPECT_EQ(ace_kind_name(static_cast<AceKind>(9)), "unknown");
  EXPECT_EQ(setup_mode_name(static_cast<SetupMode>(9)), "unknown");
}

}  // namespace
}  // namespace winsandbox
