#include "win/job.hpp"

#include <algorithm>
#include <chrono>

#include <gtest/gtest.h>

#include "win/process_launcher.hpp"
#include "win_test_support.hpp"

namespace winsandbox::win {
namespace {

using std::chrono::milliseconds;

// Starts ws_sleep (60 s, no redirected streams) in `job`.
LaunchedProcess start_sleeper(JobObject& job) {
  const WinPath program = test::helper_path("sleep");
  return launch_process(
      LaunchRequest{
          .application = program,
          .command_line = quote_command_line({program.str(), "60000"}),
          .cwd = test::test_binary_directory(),
          .environment = test::base_environment(),
          .token = test::UnrestrictedTokenForTests::get(),
      },
      job);
}

DWORD exit_code_of(HANDLE process) {
  DWORD code = 0;
  EXPECT_TRUE(GetExitCodeProcess(process, &code));
  return code;
}

TEST(JobObject, ClosingTheJobKillsItsProcesses) {
  DWORD pid = 0;
  UniqueHandle process;
  {
    JobObject job = JobObject::create();
    LaunchedProcess child = start_sleeper(job);
    pid = child.process_id;
    process = std::move(child.process);
    ASSERT_FALSE(test::process_is_gone(pid));
  }
  EXPECT_EQ(WaitForSingleObject(process.get(), 5000), WAIT_OBJECT_0)
      << "process survived its job's last handle";
}

TEST(JobObject, TerminateEndsEveryProcessWithExitCode1) {
  JobObject job = JobObject::create();
  LaunchedProcess first = start_sleeper(job);
  LaunchedProcess second = start_sleeper(job);
  // The job may hold more than these two: each console child gets a conhost.exe (Wine puts it
  // in the job too).
  const std::vector<DWORD> ids = job.process_ids();
  EXPECT_NE(std::find(ids.begin(), ids.end(), first.process_id), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), second.process_id), ids.end());

  job.terminate();
  ASSERT_EQ(WaitForSingleObject(first.process.get(), 5000), WAIT_OBJECT_0);
  ASSERT_EQ(WaitForSingleObject(second.process.get(), 5000), WAIT_OBJECT_0);
  EXPECT_EQ(exit_code_of(first.process.get()), kJobKilledExitCode);
  EXPECT_EQ(exit_code_of(second.process.get()), kJobKilledExitCode);
  EXPECT_TRUE(job.process_ids().empty());
}

TEST(JobObject, PreservedProcessesOutliveTheJob) {
  DWORD pid = 0;
  {
    JobObject job = JobObject::create();
    pid = start_sleeper(job).process_id;
    job.preserve_descendants();
  }
  EXPECT_FALSE(test::process_is_gone(pid, milliseconds(500)))
      << "kill-on-close still applied after preserve_descendants()";
  test::kill_process(pid);
}

TEST(JobObject, ChildrenOfAMemberJoinTheJob) {
  // ws_spawn_grandchild starts ws_sleep; both must be in the job (the launcher assigned only
  // the first). Its stdout goes to a pipe we read the grandchild's pid from.
  JobObject job = JobObject::create();
  const WinPath program = test::helper_path("spawn_grandchild");
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
  UniqueHandle read_end;
  UniqueHandle write_end;
  ASSERT_TRUE(CreatePipe(read_end.put(), write_end.put(), &inheritable, 0));
  LaunchedProcess child = launch_process(
      LaunchRequest{
          .application = program,
          .command_line = quote_command_line({program.str(), "60000", "60000"}),
          .cwd = test::test_binary_directory(),
          .environment = test::base_environment(),
          .token = test::UnrestrictedTokenForTests::get(),
          .stdio = StdioHandles{write_end.get(), write_end.get(), write_end.get()},
      },
      job);
  write_end.reset();
  std::string line;
  char c = 0;
  DWORD read = 0;
  while (ReadFile(read_end.get(), &c, 1, &read, nullptr) && read == 1 && c != '\n') line += c;
  ASSERT_FALSE(line.empty());
  const DWORD grandchild = static_cast<DWORD>(std::stoul(line));
  const std::vector<DWORD> ids = job.process_ids();
  EXPECT_NE(std::find(ids.begin(), ids.end(), child.process_id), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), grandchild), ids.end());
  job.terminate();
  EXPECT_TRUE(test::process_is_gone(grandchild, milliseconds(5000)));
}

}  // namespace
}  // namespace winsandbox::win
