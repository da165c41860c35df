// The portable part of the capture and session APIs: the JSON shape of a result, and the error on
// hosts that cannot run a Windows sandbox.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/session.hpp"

namespace winsandbox {
namespace {

TEST(CaptureResultJson, HasEveryFieldAndEscapesBytes) {
  CaptureResult result;
  result.exit_code = -1073741819;
  result.stdout_bytes = "out\n";
  result.stderr_bytes = std::string("a\"b\x01", 4);
  result.stdout_truncated = true;
  result.warnings = {"w"};
  EXPECT_EQ(capture_result_to_json(result),
            "{\"exit_code\":-1073741819,\"stdout\":\"out\\n\",\"stderr\":\"a\\\"b\\u0001\","
            "\"timed_out\":false,\"cancelled\":false,\"stdout_truncated\":true,"
            "\"stderr_truncated\":false,\"warnings\":[\"w\"]}");
}

TEST(CaptureResultJson, InvalidUtf8IsReplacedNotFatal) {
  CaptureResult result;
  result.stdout_bytes = "\xff";
  EXPECT_NE(capture_result_to_json(result).find("\"stdout\":\"\xEF\xBF\xBD\""), std::string::npos);
}

#if !defined(_WIN32)
CaptureRequest valid_request() {
  CaptureRequest request;
  request.binding = ProfileBinding::for_profile_cwd(WinPath::parse("C:\\repo"));
  request.command = {"cmd", "/c", "echo", "hi"};
  request.sandbox_home = "/tmp/winsandbox-home";
  return request;
}

TEST(CaptureApi, ProfileEntryPointIsUnsupportedOffWindows) {
  EXPECT_WS_ERROR(run_capture_for_permission_profile(valid_request()),
                  ErrorCode::unsupported_platform, "Windows host");
}

TEST(CaptureApi, LegacyAdapterIsUnsupportedOffWindows) {
  EXPECT_WS_ERROR(run_capture_for_policy("workspace-write", "C:\\repo", valid_request()),
                  ErrorCode::unsupported_platform, "run_capture_for_policy");
}

TEST(SessionApi, EntryPointsAreUnsupportedOffWindows) {
  SessionRequest request;
  request.binding = ProfileBinding::for_profile_cwd(WinPath::parse("C:\\repo"));
  request.command = {"cmd"};
  request.sandbox_home = "/tmp/winsandbox-home";
  EXPECT_WS_ERROR(spawn_session_for_permission_profile(request), ErrorCode::unsupported_platform,
                  "spawn_session_for_permission_profile");
  EXPECT_WS_ERROR(spawn_session_for_policy("read-only", "C:\\repo", request),
                  ErrorCode::unsupported_platform, "spawn_session_for_policy");
}
#endif

}  // namespace
}  // namespace winsandbox
