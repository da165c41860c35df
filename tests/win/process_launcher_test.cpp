#include "win/process_launcher.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "win/capture.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"

namespace winsandbox::win {
namespace {

LaunchRequest sleeper_request(std::string milliseconds) {
  const WinPath program = test::helper_path("sleep");
  return LaunchRequest{
      .application = program,
      .command_line = quote_command_line({program.str(), std::move(milliseconds)}),
      .cwd = test::test_binary_directory(),
      .environment = test::base_environment(),
      .token = test::UnrestrictedTokenForTests::get(),
  };
}

// Reads a synchronous pipe end until end-of-file.
std::string read_all(HANDLE pipe) {
  std::string bytes;
  char buffer[4096];
  DWORD read = 0;
  while (ReadFile(pipe, buffer, sizeof(buffer), &read, nullptr) && read > 0) {
    bytes.append(buffer, read);
  }
  return bytes;
}

std::string handle_value(HANDLE h) {
  return std::to_string(reinterpret_cast<std::uintptr_t>(h));
}

TEST(ProcessLauncher, MissingApplicationIsCommandNotFound) {
  JobObject job = JobObject::create();
  LaunchRequest request = sleeper_request("0");
  request.application = test::test_binary_directory().join("missing.exe");
  EXPECT_WS_ERROR(launch_process(request, job), ErrorCode::command_not_found,
                  "CreateProcessAsUserW failed: 2");
}

TEST(ProcessLauncher, AFileThatIsNotAProgramCannotStart) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "ws-not-a-program";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "notes.exe";
  std::ofstream(file, std::ios::binary) << "just text, not a PE image\n";
  JobObject job = JobObject::create();
  LaunchRequest request = sleeper_request("0");
  request.application = WinPath::parse(to_utf8(file.wstring()));
  EXPECT_WS_ERROR(launch_process(request, job), ErrorCode::command_start_failed, "notes.exe");
  std::filesystem::remove_all(dir);
}

TEST(ProcessLauncher, MissingWorkingDirectoryFails) {
  JobObject job = JobObject::create();
  LaunchRequest request = sleeper_request("0");
  request.cwd = test::test_binary_directory().join("no-such-directory");
  try {
    launch_process(request, job);
    ADD_FAILURE() << "launch with a missing cwd succeeded";
  } catch (const Error& error) {
    // Windows reports ERROR_DIRECTORY (267), Wine a not-found error: either way the program
    // exists, so this is not command_not_found.
    EXPECT_EQ(error.code(), ErrorCode::command_start_failed) << error.what();
    EXPECT_TRUE(error.win32_error().has_value());
    EXPECT_NE(std::string(error.what()).find("no-such-directory"), std::string::npos)
        << error.what();
  }
}

TEST(ProcessLauncher, RejectsStreamsTogetherWithAPseudoConsole) {
  JobObject job = JobObject::create();
  LaunchRequest request = sleeper_request("0");
  request.stdio = StdioHandles{GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess()};
  request.pseudo_console = reinterpret_cast<HPCON>(static_cast<std::uintptr_t>(0x1234));
  EXPECT_WS_ERROR(launch_process(request, job), ErrorCode::invalid_argument, "pseudo console");
}

TEST(ProcessLauncher, RejectsAnEmptyCommandLine) {
  JobObject job = JobObject::create();
  LaunchRequest request = sleeper_request("0");
  request.command_line.clear();
  EXPECT_WS_ERROR(launch_process(request, job), ErrorCode::invalid_argument, "command line");
}

TEST(ProcessLauncher, ChildStartsInsideItsJob) {
  JobObject job = JobObject::create();
  LaunchedProcess child = launch_process(sleeper_request("60000"), job);
  BOOL in_job = FALSE;
  ASSERT_TRUE(IsProcessInJob(child.process.get(), job.get(), &in_job));
  EXPECT_TRUE(in_job);
  EXPECT_EQ(GetProcessId(child.process.get()), child.process_id);
  job.terminate();
}

// No launch without a token, and no token but the builder's: nothing can start a child with
// this process's own token by leaving the token out or passing null.
static_assert(!std::is_default_constructible_v<SandboxToken>);
static_assert(!std::is_constructible_v<SandboxToken, HANDLE>);
static_assert(!std::is_constructible_v<SandboxToken, std::nullptr_t>);
static_assert(!std::is_constructible_v<SandboxToken, UniqueHandle>);
static_assert(!std::is_copy_constructible_v<SandboxToken>);
static_assert(!std::is_default_constructible_v<LaunchRequest>);
static_assert(!std::is_default_constructible_v<CaptureRequest>);
static_assert(!std::is_constructible_v<decltype(LaunchRequest::token), std::nullptr_t>);
static_assert(!std::is_constructible_v<decltype(LaunchRequest::token), HANDLE>);
static_assert(!std::is_constructible_v<decltype(CaptureRequest::token), std::nullptr_t>);
static_assert(!std::is_constructible_v<decltype(CaptureRequest::token), HANDLE>);
// A request without a token does not compile (aggregate initialization needs every member
// that has no default).
template <typename Request>
concept TokenlessRequestCompiles = requires {
  Request{.application = WinPath::parse("C:\\x")};
};
static_assert(!TokenlessRequestCompiles<LaunchRequest>);
static_assert(!TokenlessRequestCompiles<CaptureRequest>);

// docs/execution.md#launch-sequence: a test asserts the restricting SIDs of the child's token on
// every spawn path. This is the launcher path that capture (and later session) go through.
TEST(ProcessLauncher, ChildTokenCarriesTheRestrictingSids) {
  const UniqueHandle base = open_current_process_token();
  const SandboxToken token = create_restricted_token(
      base.get(), {.capability_sids = {"S-1-5-21-10-20-30-40", "S-1-5-21-50-60-70-80"}});
  JobObject job = JobObject::create();
  LaunchRequest request = sleeper_request("60000");
  request.token = token;
  LaunchedProcess child = launch_process(request, job);

  UniqueHandle child_token;
  ASSERT_TRUE(OpenProcessToken(child.process.get(), TOKEN_QUERY, child_token.put()))
      << GetLastError();
  const auto actual = test::query_restricting_sids(child_token.get());
  job.terminate();
  if (!actual) GTEST_SKIP() << test::kWineHasNoRestrictedSidsQuery;
  const UniqueHandle query = open_current_process_token(TOKEN_QUERY);
  const std::vector<std::string> expected{"S-1-5-21-10-20-30-40", "S-1-5-21-50-60-70-80",
                                          find_logon_sid(query.get())->to_string(), "S-1-1-0"};
  EXPECT_EQ(*actual, expected);
}

}  // namespace
}  // namespace winsandbox::win

namespace winsandbox::win {
namespace {

TEST(ProcessLauncher, ChildInheritsOnlyItsStandardStreams) {
  // An inheritable handle of ours that is not one of the child's streams must not reach it.
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  const UniqueHandle stray(CreateEventW(&inheritable, TRUE, FALSE, nullptr));
  ASSERT_TRUE(stray);
  UniqueHandle read_end;
  UniqueHandle write_end;
  ASSERT_TRUE(CreatePipe(read_end.put(), write_end.put(), nullptr, 0));

  const WinPath program = test::helper_path("handle_info");
  JobObject job = JobObject::create();
  LaunchedProcess child = launch_process(
      LaunchRequest{
          .application = program,
          .command_line = quote_command_line(
              {program.str(), handle_value(stray.get()), handle_value(write_end.get())}),
          .cwd = test::test_binary_directory(),
          .environment = test::base_environment(),
          .token = test::UnrestrictedTokenForTests::get(),
          .stdio = StdioHandles{write_end.get(), write_end.get(), write_end.get()},
      },
      job);
  // The launch made the stream handle inheritable only while it ran.
  DWORD flags = 0;
  ASSERT_TRUE(GetHandleInformation(write_end.get(), &flags));
  EXPECT_EQ(flags & HANDLE_FLAG_INHERIT, 0u);
  const std::string stream_value = handle_value(write_end.get());
  write_end.reset();
  const std::string report = read_all(read_end.get());
  EXPECT_EQ(WaitForSingleObject(child.process.get(), 10000), WAIT_OBJECT_0);

  const std::string stray_line = handle_value(stray.get()) + "=open\n";
  if (report.find(stray_line) != std::string::npos && test::running_under_wine()) {
    GTEST_SKIP() << "Wine ignores PROC_THREAD_ATTRIBUTE_HANDLE_LIST (every inheritable handle is "
                    "inherited); asserted on Windows (windows-smoke)";
  }
  // The child's stdout is the pipe's write end, so that value is open in the child.
  EXPECT_EQ(report, handle_value(stray.get()) + "=closed\n" + stream_value + "=open\n");
}

// The seam the ConPTY session (a later task) needs: a launch with a pseudo console and no
// redirected streams, the child's console output arriving on the pseudo console's pipe.
TEST(ProcessLauncher, RunsAChildOnAPseudoConsole) {
  UniqueHandle input_read;
  UniqueHandle input_write;
  UniqueHandle output_read;
  UniqueHandle output_write;
  ASSERT_TRUE(CreatePipe(input_read.put(), input_write.put(), nullptr, 0));
  ASSERT_TRUE(CreatePipe(output_read.put(), output_write.put(), nullptr, 0));
  UniquePseudoConsole console;
  const HRESULT created =
      CreatePseudoConsole(COORD{80, 24}, input_read.get(), output_write.get(), 0, console.put());
  ASSERT_TRUE(SUCCEEDED(created)) << "CreatePseudoConsole: 0x" << std::hex << created;
  input_read.reset();  // the pseudo console holds its own references
  output_write.reset();

  // Drain the console output on a thread of its own: the pseudo console stalls when nobody
  // reads it, and closing it waits for the output to be consumed.
  struct ReaderState {
    HANDLE pipe;
    std::string output;
  } state{output_read.get(), {}};
  const UniqueHandle reader(CreateThread(
      nullptr, 0,
      [](void* param) -> DWORD {
        auto* s = static_cast<ReaderState*>(param);
        s->output = read_all(s->pipe);
        return 0;
      },
      &state, 0, nullptr));
  ASSERT_TRUE(reader);

  const WinPath program = test::helper_path("print_argv");
  JobObject job = JobObject::create();
  LaunchRequest request{
      .application = program,
      .command_line = quote_command_line({program.str(), "conpty-marker"}),
      .cwd = test::test_binary_directory(),
      .environment = test::base_environment(),
      .token = test::UnrestrictedTokenForTests::get(),
      .pseudo_console = console.get(),
  };
  LaunchedProcess child = launch_process(request, job);
  EXPECT_EQ(WaitForSingleObject(child.process.get(), 10000), WAIT_OBJECT_0);
  DWORD exit_code = 1;
  EXPECT_TRUE(GetExitCodeProcess(child.process.get(), &exit_code));
  // ws_print_argv exits 90 when writing to its stdout fails.
  const bool wine_without_console_streams = test::running_under_wine() && exit_code == 90;
  if (!wine_without_console_streams) {
    EXPECT_EQ(exit_code, 0u);
  }

  console.reset();  // ClosePseudoConsole: the console host ends and closes the output pipe
  if (WaitForSingleObject(reader.get(), 10000) != WAIT_OBJECT_0) {
    CancelSynchronousIo(reader.get());
    WaitForSingleObject(reader.get(), 5000);
    FAIL() << "the pseudo console's output pipe never reached end-of-file";
  }
  if (wine_without_console_streams) {
    GTEST_SKIP() << "Wine 8 starts the child with the pseudo-console attribute but does not make "
                    "the pseudo console its standard streams (its stdout write failed); the "
                    "output assertion runs on Windows (windows-smoke)";
  }
  EXPECT_NE(state.output.find("conpty-marker"), std::string::npos) << state.output;
}

}  // namespace
}  // namespace winsandbox::win
