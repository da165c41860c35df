// The elevated backend end to end under Wine (include/winsandbox/elevated.hpp): the API and the
// CLI start the real winsandbox-runner.exe through the direct launcher
// (WINSANDBOX_TEST_RUNNER_LAUNCH=direct) and talk to it over real named pipes; everything after
// the launch is the production path. What the runner does with hostile first frames, and the
// pipes' client check, are tested on the runner and the channel directly. Enforcement by the
// sandbox account (deny-read, network) is windows-smoke (smoke_enforcement_test.cpp).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <windows.h>
// after windows.h
#include <tlhelp32.h>

#include "plan/plan_test_support.hpp"
#include "test_support.hpp"
#include "win/elevated/elevated_launch.hpp"
#include "win/elevated/pipe_stream.hpp"
#include "win/elevated/runner_channel.hpp"
#include "win/elevated/runner_launcher.hpp"
#include "win/elevated/runner_main.hpp"
#include "win/unicode.hpp"
#include "win_test_support.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/elevated.hpp"

namespace winsandbox {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using win::test::win_path_of;

constexpr milliseconds kEndsWithin{15000};

// Selects the direct launcher for the test's duration.
class DirectLaunch {
public:
  DirectLaunch() { SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", L"direct"); }
  ~DirectLaunch() { SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", nullptr); }
};

class ElevatedTest : public ::testing::Test {
protected:
  ElevatedProfileCaptureRequest request(std::string_view helper,
                                        std::vector<std::string> args = {}) {
    ElevatedProfileCaptureRequest r;
    win::test::fill_sandboxed_request(r.capture, workspace_path(), home.path(), helper,
                                      std::move(args));
    r.capture.timeout = milliseconds(60000);
    return r;
  }
  ElevatedProfileSessionRequest session_request(std::string_view helper,
                                                std::vector<std::string> args = {}) {
    ElevatedProfileSessionRequest r;
    win::test::fill_sandboxed_request(r.session, workspace_path(), home.path(), helper,
                                      std::move(args));
    return r;
  }
  WinPath workspace_path() const { return win_path_of(workspace.path()); }

  DirectLaunch direct;
  testing::ScratchDir workspace;
  testing::ScratchDir home;
};

TEST_F(ElevatedTest, CapturesStdoutAndStderrApartWithExactExitCodes) {
  for (const char* code : {"0", "1", "255", "0xC0000005"}) {
    SCOPED_TRACE(code);
    const CaptureResult result =
        run_capture_for_permission_profile_elevated(request("exit_code", {code}));
    EXPECT_EQ(result.exit_code, static_cast<std::int32_t>(std::stoul(code, nullptr, 0)));
    EXPECT_EQ(result.stdout_bytes, "out");
    EXPECT_EQ(result.stderr_bytes, "err");
    EXPECT_FALSE(result.timed_out);
    EXPECT_FALSE(result.cancelled);
    ASSERT_FALSE(result.warnings.empty());
    EXPECT_EQ(result.warnings.front(), win::kDirectRunnerWarning);
  }
}

TEST_F(ElevatedTest, NonAsciiArgumentsReachTheChildIntact) {
  const std::vector<std::string> args{"h\xc3\xa9llo w\xc3\xb6rld", "\xe6\x97\xa5\xe6\x9c\xac",
                                      "a \"quoted\" arg", "trailing\\", ""};
  const CaptureResult result =
      run_capture_for_permission_profile_elevated(request("print_argv", args));
  ASSERT_EQ(result.exit_code, 0) << result.stderr_bytes;
  std::string expected = win::test::helper_path("print_argv").str() + "\n";
  for (const auto& arg : args) expected += arg + "\n";
  EXPECT_EQ(result.stdout_bytes, expected);
}

TEST_F(ElevatedTest, StreamsTwentyMegabytesInOrderOnBothStreams) {
  constexpr std::size_t kOut = 20 * 1024 * 1024;
  constexpr std::size_t kErr = 1024 * 1024;
  ElevatedProfileCaptureRequest r =
      request("write_bytes", {std::to_string(kOut), std::to_string(kErr)});
  r.capture.max_output_bytes = 1024;
  std::string streamed_out;
  std::string streamed_err;
  r.capture.on_stdout = [&](std::string_view chunk) { streamed_out.append(chunk); };
  r.capture.on_stderr = [&](std::string_view chunk) { streamed_err.append(chunk); };
  const CaptureResult result = run_capture_for_permission_profile_elevated(r);
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_TRUE(streamed_out == win::test::expected_pattern('a', kOut));
  EXPECT_TRUE(streamed_err == win::test::expected_pattern('A', kErr));
  EXPECT_EQ(result.stdout_bytes, win::test::expected_pattern('a', 1024));
  EXPECT_TRUE(result.stdout_truncated);
  EXPECT_TRUE(result.stderr_truncated);
}

TEST_F(ElevatedTest, TimeoutEndsTheCommandWith192) {
  ElevatedProfileCaptureRequest r = request("sleep", {"60000"});
  r.capture.timeout = milliseconds(500);
  const auto started = Clock::now();
  const CaptureResult result = run_capture_for_permission_profile_elevated(r);
  EXPECT_LT(Clock::now() - started, kEndsWithin);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.cancelled);
  EXPECT_EQ(result.exit_code, 192);
}

TEST_F(ElevatedTest, CancellationTerminatesTheTree) {
  // Cancel once the grandchild exists (the helper creates `ready` after starting it).
  const std::filesystem::path ready = workspace.path() / "grandchild-started";
  ElevatedProfileCaptureRequest r =
      request("spawn_grandchild", {"60000", "60000", win_path_of(ready).str()});
  std::optional<Clock::time_point> cancelled_at;
  r.capture.cancel_requested = [&] {
    if (!std::filesystem::exists(ready)) return false;
    if (!cancelled_at) cancelled_at = Clock::now();
    return true;
  };
  const CaptureResult result = run_capture_for_permission_profile_elevated(r);
  ASSERT_TRUE(cancelled_at) << "the grandchild never started: " << result.stderr_bytes;
  EXPECT_LT(Clock::now() - *cancelled_at, kEndsWithin);
  EXPECT_TRUE(result.cancelled);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 1);
  const DWORD grandchild = win::test::grandchild_pid(result.stdout_bytes);
  EXPECT_TRUE(win::test::process_is_gone(grandchild, milliseconds(10000)));
  win::test::kill_process(grandchild);
}

TEST_F(ElevatedTest, FeedsStdinLargerThanThePipesWhileReadingOutput) {
  ElevatedProfileCaptureRequest small = request("echo_stdin");
  small.capture.stdin_bytes = "hello sandbox";
  const CaptureResult echoed = run_capture_for_permission_profile_elevated(small);
  EXPECT_EQ(echoed.exit_code, 0);
  EXPECT_EQ(echoed.stdout_bytes, "hello sandbox");

  // 3 MiB in and back out: the pipes hold 64 KiB, so stdin and output must flow at once.
  ElevatedProfileCaptureRequest big = request("echo_stdin");
  big.capture.stdin_bytes = win::test::expected_pattern('a', 3 * 1024 * 1024);
  big.capture.max_output_bytes = 4 * 1024 * 1024;
  const CaptureResult result = run_capture_for_permission_profile_elevated(big);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.stdout_bytes == *big.capture.stdin_bytes);
}

TEST_F(ElevatedTest, LegacyPolicyAdapterBindsThePolicyCwd) {
  std::filesystem::create_directories(workspace.path() / "sub");
  ElevatedProfileCaptureRequest r = request("exit_code", {"3"});
  r.capture.cwd = win_path_of(workspace.path() / "sub").str();
  const CaptureResult result =
      run_capture_elevated_for_policy("workspace-write", workspace_path().str(), r);
  EXPECT_EQ(result.exit_code, 3) << result.stderr_bytes;
}

TEST_F(ElevatedTest, RefusalsBeforeAnythingStarts) {
  ElevatedProfileCaptureRequest missing = request("exit_code");
  missing.capture.command = {"ws-no-such-program"};
  EXPECT_WS_ERROR(run_capture_for_permission_profile_elevated(missing),
                  ErrorCode::command_not_found, "ws-no-such-program");
  ElevatedProfileCaptureRequest negative = request("exit_code");
  negative.capture.timeout = milliseconds(-1);
  EXPECT_WS_ERROR(run_capture_for_permission_profile_elevated(negative),
                  ErrorCode::invalid_argument, "negative");
}

// The production launcher needs the setup first; a caller that forbids the prompt gets
// setup_required before any helper starts (WINSANDBOX_TEST_SETUP_LAUNCH=prompt: as a caller that
// is not elevated, whatever Wine's user is).
TEST_F(ElevatedTest, TheProductionLauncherNeedsSetup) {
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", nullptr);
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_LAUNCH", L"prompt");
  ElevatedProfileCaptureRequest no_prompt = request("exit_code", {"0"});
  no_prompt.setup.allow_setup_prompt = false;
  EXPECT_WS_ERROR(run_capture_for_permission_profile_elevated(no_prompt), ErrorCode::setup_required,
                  "winsandbox setup");
  // Another value is not the direct launcher either.
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_RUNNER_LAUNCH", L"directly");
  EXPECT_WS_ERROR(run_capture_for_permission_profile_elevated(no_prompt), ErrorCode::setup_required,
                  "");
  SetEnvironmentVariableW(L"WINSANDBOX_TEST_SETUP_LAUNCH", nullptr);
  // No setup ran: no marker, no secrets.
  EXPECT_FALSE(std::filesystem::exists(home.path() / ".sandbox" / "setup_marker.json"));
  EXPECT_FALSE(std::filesystem::exists(home.path() / ".sandbox-secrets"));
}

TEST_F(ElevatedTest, SessionStdinCloseStdinAndExit) {
  Session session = spawn_session_for_permission_profile_elevated(session_request("echo_stdin"));
  EXPECT_FALSE(session.is_tty());
  EXPECT_NE(session.process_id(), 0U);
  session.write_stdin("hello ");
  session.write_stdin("elevated");
  EXPECT_FALSE(session.exit_code().has_value());
  session.close_stdin();
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(0));
  EXPECT_EQ(session.take_stdout(), "hello elevated");
  EXPECT_EQ(session.take_stderr(), "14");
  EXPECT_WS_ERROR(session.write_stdin("late"), ErrorCode::invalid_argument, "closed");
  EXPECT_WS_ERROR(session.resize({30, 100}), ErrorCode::invalid_argument, "tty");
}

TEST_F(ElevatedTest, SessionTerminateEndsTheCommand) {
  Session session =
      spawn_session_for_permission_profile_elevated(session_request("sleep", {"60000"}));
  EXPECT_FALSE(session.wait(milliseconds(200)).has_value());
  session.terminate();
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(1));
}

// A command that never reads its stdin: the runner blocks feeding it, so it takes no more frames
// (and the parent's write_stdin blocks too). terminate() must still end the command at once,
// without waiting behind the stuck write.
TEST_F(ElevatedTest, SessionTerminateEndsACommandThatNeverReadsItsStdin) {
  Session session =
      spawn_session_for_permission_profile_elevated(session_request("sleep", {"60000"}));
  std::atomic<bool> write_returned{false};
  std::thread writer([&] {
    try {
      session.write_stdin(std::string(8 * 1024 * 1024, 'x'));
    } catch (const Error&) {
      // the runner went away under the write: expected
    }
    write_returned.store(true);
  });
  Sleep(1500);
  EXPECT_FALSE(write_returned.load()) << "the write did not block: the test proves nothing";
  const auto started = Clock::now();
  session.terminate();
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(1));
  EXPECT_LT(Clock::now() - started, kEndsWithin);
  writer.join();
  EXPECT_TRUE(win::test::process_is_gone(session.process_id(), milliseconds(10000)));
}

TEST_F(ElevatedTest, CancellationEndsACommandThatNeverReadsItsStdin) {
  ElevatedProfileCaptureRequest r = request("sleep", {"60000"});
  r.capture.stdin_bytes = std::string(8 * 1024 * 1024, 'x');
  const auto started = Clock::now();
  r.capture.cancel_requested = [&] { return Clock::now() - started > milliseconds(1500); };
  const CaptureResult result = run_capture_for_permission_profile_elevated(r);
  EXPECT_LT(Clock::now() - started, kEndsWithin);
  EXPECT_TRUE(result.cancelled);
  EXPECT_EQ(result.exit_code, 1);
}

// The terminal size reaches the runner after the start; a command that has already finished by
// then must not turn the start into a failure.
TEST_F(ElevatedTest, ATtySessionWhoseCommandEndsAtOnceStillStarts) {
  for (int round = 0; round < 5; ++round) {
    // ws_sleep 0 writes nothing (a write to the pseudo console fails under Wine) and exits 0.
    ElevatedProfileSessionRequest r = session_request("sleep", {"0"});
    r.session.tty = true;
    r.session.terminal_size = {30, 100};
    Session session = spawn_session_for_permission_profile_elevated(r);
    EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(0));
  }
}

TEST_F(ElevatedTest, SessionOnAPseudoConsoleRoundTrip) {
  ElevatedProfileSessionRequest r = session_request("console_echo");
  r.session.tty = true;
  Session session = spawn_session_for_permission_profile_elevated(r);
  EXPECT_TRUE(session.is_tty());
  std::string seen;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (seen.find("ready") == std::string::npos && Clock::now() < deadline) {
    seen += session.take_stdout();
    Sleep(20);
  }
  ASSERT_NE(seen.find("ready"), std::string::npos) << seen;
  session.write_stdin("hello tty\n");
  while (seen.find("got[hello tty]") == std::string::npos && Clock::now() < deadline) {
    seen += session.take_stdout();
    Sleep(20);
  }
  EXPECT_NE(seen.find("got[hello tty]"), std::string::npos) << seen;
  session.write_stdin("exit 7\n");
  EXPECT_EQ(session.wait(milliseconds(30000)), std::optional<std::int32_t>(7));
}

// The binding rule (docs/architecture.md#binding-rule) on the elevated path: profile cwd W,
// command cwd W\sub, an extra writable root. The spawn request, the setup inputs and the
// capability SIDs come from W, never from the command cwd; the runner, which re-resolves with
// the request's binding and refuses SIDs it would not give, runs the command from W\sub for
// both a capture and a session.
TEST_F(ElevatedTest, BindsTheProfileCwdNotTheCommandCwd) {
  testing::ScratchDir scratch;
  std::filesystem::create_directories(workspace.path() / "sub");
  const PermissionProfile profile = profile_from_json(
      win::test::restricted_profile_json(win::test::path_entry_json(scratch.path(), "write")));
  const WinPath w = workspace_path();
  const WinPath sub = win_path_of(workspace.path() / "sub");
  const ProfileBinding binding = ProfileBinding::for_profile_cwd(w);
  const std::vector<std::string> command = {win::test::helper_path("exit_code").str(), "0"};
  const Environment env = win::test::base_environment();
  const auto prepare = [&](const WinPath& cwd) {
    const std::string cwd_text = cwd.str();
    return win::prepare_elevated_launch({profile, binding, command, cwd_text, env, home.path()}, {},
                                        {});
  };

  const win::ElevatedLaunch from_sub = prepare(sub);
  const win::ElevatedLaunch from_w = prepare(w);
  EXPECT_EQ(from_sub.request.permission_profile_cwd, w.str());
  EXPECT_FALSE(from_sub.request.workspace_roots.has_value());
  EXPECT_EQ(from_sub.request.cwd, sub.str());
  EXPECT_EQ(from_sub.request.cap_sids, from_w.request.cap_sids);
  EXPECT_FALSE(from_sub.request.cap_sids.empty());
  EXPECT_EQ(from_sub.setup_request.workspace_roots, std::vector<WinPath>{w});
  EXPECT_EQ(from_sub.setup_request.write_roots, from_w.setup_request.write_roots);
  const auto& writes = from_sub.setup_request.write_roots;
  EXPECT_NE(std::find(writes.begin(), writes.end(), w), writes.end());
  EXPECT_NE(std::find(writes.begin(), writes.end(), win_path_of(scratch.path())), writes.end());
  EXPECT_EQ(std::find(writes.begin(), writes.end(), sub), writes.end());

  ElevatedProfileCaptureRequest capture = request("exit_code", {"4"});
  capture.capture.profile = profile;
  capture.capture.cwd = sub.str();
  const CaptureResult result = run_capture_for_permission_profile_elevated(capture);
  EXPECT_EQ(result.exit_code, 4) << result.stderr_bytes;

  ElevatedProfileSessionRequest session = session_request("exit_code", {"5"});
  session.session.profile = profile;
  session.session.cwd = sub.str();
  Session running = spawn_session_for_permission_profile_elevated(session);
  EXPECT_EQ(running.wait(milliseconds(30000)), std::optional<std::int32_t>(5));
}

// proxy_enforced: a network-enabled profile still runs as the offline account when the host
// enforces a proxy; without it, as the online one.
TEST_F(ElevatedTest, ProxyEnforcedAsksForTheOfflineAccount) {
  const PermissionProfile online = profile_from_legacy_policy(
      parse_policy_string(R"({"type":"workspace-write","network_access":true})"), workspace_path(),
      *open_host_file_system());
  const ProfileBinding binding = ProfileBinding::for_profile_cwd(workspace_path());
  const std::vector<std::string> command = {win::test::helper_path("exit_code").str(), "0"};
  const Environment env = win::test::base_environment();
  const std::string cwd = workspace_path().str();
  ElevatedSetupOverrides setup;
  const win::SandboxedCommand sandboxed{online, binding, command, cwd, env, home.path()};
  EXPECT_EQ(win::prepare_elevated_launch(sandboxed, setup, {}).setup_request.network_identity,
            NetworkIdentity::online);
  setup.proxy_enforced = true;
  EXPECT_EQ(win::prepare_elevated_launch(sandboxed, setup, {}).setup_request.network_identity,
            NetworkIdentity::offline);
}

// --- the runner itself ---------------------------------------------------------------------

// A channel whose pipes admit this process's own account (the direct launcher's).
win::RunnerChannel own_user_channel() {
  const win::UniqueHandle token = win::open_current_process_token(TOKEN_QUERY);
  return win::RunnerChannel::create({win::token_user_sid(token.get())});
}

// `program` with `args`, started by the direct launcher in the test binary's directory.
win::RunnerProcess launch_direct(const WinPath& program, const std::vector<std::string>& args) {
  std::vector<std::string> argv{program.str()};
  argv.insert(argv.end(), args.begin(), args.end());
  return win::make_direct_runner_launcher()->launch(program, quote_command_line(argv),
                                                    win::test::test_binary_directory());
}

// The exit code of `process` once it exited (a test failure when it runs past 15 s).
DWORD exit_code_of(const win::RunnerProcess& process) {
  EXPECT_EQ(WaitForSingleObject(process.process.get(), 15000), WAIT_OBJECT_0);
  DWORD code = 0;
  GetExitCodeProcess(process.process.get(), &code);
  return code;
}

// A runner started by hand on two pipes the test owns, so it can be fed any bytes.
class RawRunner {
public:
  RawRunner() {
    channel_.emplace(own_user_channel());
    process_ =
        launch_direct(win::locate_runner_executable(),
                      {"--pipe-in=" + win::to_utf8(channel_->input_name()),
                       "--pipe-out=" + win::to_utf8(channel_->output_name()), "--launch=direct"});
    channel_->connect(process_.process.get(), process_.process_id, milliseconds(15000));
  }

  win::RunnerChannel& channel() { return *channel_; }

  // Every frame until the runner closes its pipe.
  std::vector<IpcMessage> frames() {
    std::vector<IpcMessage> messages;
    while (auto message = channel_->receive(milliseconds(50), [] {})) {
      messages.push_back(std::move(*message));
    }
    return messages;
  }

  DWORD exit_code() { return exit_code_of(process_); }

private:
  std::optional<win::RunnerChannel> channel_;
  win::RunnerProcess process_;
};

TEST(RunnerProcess, AnswersHostileFirstFramesWithAnErrorFrameAndExitsNonZero) {
  std::string v1 = encode_frame(IpcCloseStdin{});
  v1[4 + v1.substr(4).find("\"version\":2") + 10] = '1';
  struct Case {
    std::string name;
    std::string bytes;
    std::string code;
  };
  const std::vector<Case> cases{
      {"version 1", v1, "ipc_protocol_mismatch"},
      {"not a spawn_request", encode_frame(IpcStdin{"x"}), "ipc_malformed_message"},
      {"garbage", std::string("\x05\x00\x00\x00garbage", 11), "ipc_malformed_message"},
      {"too large", std::string("\xff\xff\xff\x7f", 4), "ipc_frame_too_large"},
      {"nothing", "", "ipc_truncated_frame"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawRunner runner;
    if (!c.bytes.empty()) runner.channel().send_raw_for_tests(c.bytes);
    runner.channel().close_input();
    const std::vector<IpcMessage> frames = runner.frames();
    ASSERT_EQ(frames.size(), 1U);
    const auto* error = std::get_if<IpcError>(&frames.front());
    ASSERT_NE(error, nullptr) << ipc_message_type(frames.front());
    EXPECT_EQ(error->code, c.code);
    EXPECT_EQ(error->stage, "handshake");
    EXPECT_EQ(runner.exit_code(), static_cast<DWORD>(win::kRunnerRefusedExitCode));
  }
}

TEST(RunnerProcess, RefusesARequestWhoseSidsDisagreeAndStartsNothing) {
  testing::ScratchDir workspace;
  testing::ScratchDir home;
  const DirectLaunch direct;
  SessionRequest session;
  win::test::fill_sandboxed_request(session, win_path_of(workspace.path()), home.path(),
                                    "exit_code", {"0"});
  win::ElevatedLaunch launch =
      win::prepare_elevated_launch({session.profile, session.binding, session.command, session.cwd,
                                    session.env, session.sandbox_home},
                                   {}, {});
  launch.request.cap_sids = {"S-1-5-21-1-2-3-4"};  // not the store's SID for the workspace
  RawRunner runner;
  runner.channel().send(launch.request);
  runner.channel().close_input();
  const std::vector<IpcMessage> frames = runner.frames();
  ASSERT_EQ(frames.size(), 1U);
  const auto* error = std::get_if<IpcError>(&frames.front());
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, "ipc_request_mismatch");
  EXPECT_EQ(error->stage, "plan");
  EXPECT_EQ(runner.exit_code(), static_cast<DWORD>(win::kRunnerRefusedExitCode));
}

TEST(RunnerProcess, WithoutItsPipesExitsWithTheUsageCode) {
  const auto launcher = win::make_direct_runner_launcher();
  const WinPath runner = win::locate_runner_executable();
  for (const std::string& args :
       {std::string(), std::string(" --pipe-in=x"), std::string(" --bogus"),
        std::string(" --pipe-in=\\\\.\\pipe\\ws-none-1 --pipe-out=\\\\.\\pipe\\ws-none-2")}) {
    SCOPED_TRACE(args);
    win::RunnerProcess process = launcher->launch(runner, quote_command_line({runner.str()}) + args,
                                                  win::test::test_binary_directory());
    EXPECT_EQ(exit_code_of(process), static_cast<DWORD>(win::kRunnerUsageExitCode));
  }
}

TEST(RunnerChannel, RefusesAClientThatIsNotTheRunner) {
  win::RunnerChannel channel = own_user_channel();
  // A stand-in "runner" that never connects, and this process connecting in its place.
  win::RunnerProcess fake = launch_direct(win::test::helper_path("sleep"), {"30000"});
  const win::UniqueHandle intruder(CreateFileW(channel.input_name().c_str(), GENERIC_READ, 0,
                                               nullptr, OPEN_EXISTING, 0, nullptr));
  ASSERT_TRUE(intruder) << GetLastError();
  EXPECT_WS_ERROR(channel.connect(fake.process.get(), fake.process_id, milliseconds(5000)),
                  ErrorCode::runner_failed, "not the runner");
  TerminateProcess(fake.process.get(), 1);
}

TEST(RunnerChannel, ARunnerThatExitsBeforeConnectingFailsFast) {
  win::RunnerChannel channel = own_user_channel();
  win::RunnerProcess quick = launch_direct(win::test::helper_path("exit_code"), {"9"});
  const auto started = Clock::now();
  EXPECT_WS_ERROR(channel.connect(quick.process.get(), quick.process_id, milliseconds(15000)),
                  ErrorCode::runner_failed, "exited with code 9");
  EXPECT_LT(Clock::now() - started, milliseconds(10000));
}

// --- a killed parent -----------------------------------------------------------------------

struct ProcessEntry {
  DWORD id = 0;
  DWORD parent = 0;
  std::wstring exe;
};

std::vector<ProcessEntry> running_processes() {
  std::vector<ProcessEntry> processes;
  const win::UniqueHandle snapshot(CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
  if (!snapshot) return processes;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof(entry);
  for (BOOL ok = Process32FirstW(snapshot.get(), &entry); ok;
       ok = Process32NextW(snapshot.get(), &entry)) {
    processes.push_back({entry.th32ProcessID, entry.th32ParentProcessID, entry.szExeFile});
  }
  return processes;
}

// The id of the process running `exe` whose parent is `parent`, or 0.
DWORD child_running(DWORD parent, std::wstring_view exe) {
  for (const ProcessEntry& p : running_processes()) {
    if (p.parent == parent && p.id != parent && _wcsicmp(p.exe.c_str(), exe.data()) == 0) {
      return p.id;
    }
  }
  return 0;
}

std::string process_table() {
  std::string table;
  for (const ProcessEntry& p : running_processes()) {
    table +=
        std::to_string(p.id) + " <- " + std::to_string(p.parent) + " " + win::to_utf8(p.exe) + "\n";
  }
  return table;
}

TEST_F(ElevatedTest, AKilledParentLeavesNoRunnerAndNoCommandBehind) {
  const WinPath cli =
      win::test::test_binary_directory().parent()->parent()->join("tools\\cli\\winsandbox.exe");
  ASSERT_TRUE(std::filesystem::exists(std::filesystem::path(win::to_wide(cli.str())))) << cli.str();
  // The CLI is a plain child of ours whose stderr lands in a file, for the failure message.
  const std::filesystem::path stderr_path = workspace.path() / "cli-stderr.txt";
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  const win::UniqueHandle stderr_file(CreateFileW(stderr_path.c_str(), GENERIC_WRITE,
                                                  FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable,
                                                  CREATE_ALWAYS, 0, nullptr));
  ASSERT_TRUE(stderr_file);
  std::wstring line = win::to_wide(quote_command_line(
      {cli.str(), "capture", "--elevated", "--policy", "read-only", "--profile-cwd",
       workspace_path().str(), "--sandbox-home", win::to_utf8(home.path().wstring()), "--",
       win::test::helper_path("sleep").str(), "60000"}));
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdError = stderr_file.get();
  PROCESS_INFORMATION info{};
  ASSERT_TRUE(CreateProcessW(win::to_wide(cli.str()).c_str(), line.data(), nullptr, nullptr, TRUE,
                             CREATE_NO_WINDOW, nullptr, workspace.path().c_str(), &startup, &info));
  const win::UniqueHandle cli_thread(info.hThread);
  const win::UniqueHandle cli_process(info.hProcess);
  const auto cli_stderr = [&] {
    std::ifstream in(stderr_path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  // Wait for the runner (the CLI's child) and the command (the runner's child).
  DWORD runner = 0;
  DWORD command = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while ((runner == 0 || command == 0) && Clock::now() < deadline) {
    if (runner == 0) runner = child_running(info.dwProcessId, L"winsandbox-runner.exe");
    if (runner != 0) command = child_running(runner, L"ws_sleep.exe");
    Sleep(50);
  }
  ASSERT_NE(runner, 0U) << "no runner under the CLI (" << info.dwProcessId << "): " << cli_stderr()
                        << "\n"
                        << process_table();
  ASSERT_NE(command, 0U) << "runner " << runner << "\n" << process_table();
  TerminateProcess(cli_process.get(), 9);
  EXPECT_TRUE(win::test::process_is_gone(runner, milliseconds(15000)));
  EXPECT_TRUE(win::test::process_is_gone(command, milliseconds(15000)));
  win::test::kill_process(command);
  win::test::kill_process(runner);
}

}  // namespace
}  // namespace winsandbox
