// Shared by the Win32 tests: locating the helper programs, building requests for them, and
// checking on processes.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <windows.h>

#include "common/json_cursor.hpp"
#include "win/capture.hpp"
#include "win/selftest_fixtures.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::win::test {

// The directory holding this test binary (and the ws_*.exe helpers).
inline WinPath test_binary_directory() {
  std::wstring path(32768, L'\0');
  path.resize(GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size())));
  return *WinPath::parse(to_utf8(path)).parent();
}

// `ws_<name>.exe` next to the test binary.
inline WinPath helper_path(std::string_view name) {
  return test_binary_directory().join("ws_" + std::string(name) + ".exe");
}

// The library's own Wine detection (src/win/selftest_fixtures.hpp).
using win::running_under_wine;

// Why the restricting-SID assertions skip under Wine.
inline constexpr char kWineHasNoRestrictedSidsQuery[] =
    "Wine does not implement GetTokenInformation(TokenRestrictedSids) (ERROR_INVALID_FUNCTION), "
    "so restricting SIDs cannot be read back; the assertion runs on Windows (windows-smoke)";

// restricting_sids(token); nullopt only under Wine, which cannot answer the query.
inline std::optional<std::vector<std::string>> query_restricting_sids(HANDLE token) {
  try {
    return restricting_sids(token);
  } catch (const Error& error) {
    if (running_under_wine() && error.win32_error() == ERROR_INVALID_FUNCTION) return std::nullopt;
    throw;
  }
}

// A small child environment: SystemRoot (which system DLLs expect) plus `extra`.
inline Environment base_environment(const std::vector<std::string>& extra = {}) {
  Environment env;
  wchar_t root[MAX_PATH];
  const DWORD length = GetEnvironmentVariableW(L"SystemRoot", root, MAX_PATH);
  if (length > 0 && length < MAX_PATH) env.set("SystemRoot", to_utf8(std::wstring(root, length)));
  const Environment additions = Environment::from_assignments(extra);
  for (const auto& [key, value] : additions.entries()) env.set(key, value);
  return env;
}

// The launch engine's own tests (capture, launcher, job) run plain children: this is the one
// way to get a SandboxToken that is not restricted, a primary duplicate of this process's own
// token, and it exists only in the tests (the library declares the name a friend and never
// defines it).
struct UnrestrictedTokenForTests {
  static const SandboxToken& get() {
    static const SandboxToken token = make();
    return token;
  }

private:
  static SandboxToken make() {
    const UniqueHandle own = open_current_process_token();
    UniqueHandle primary;
    if (!DuplicateTokenEx(own.get(), 0, nullptr, SecurityImpersonation, TokenPrimary,
                          primary.put())) {
      throw_last_error("DuplicateTokenEx");
    }
    return SandboxToken(std::move(primary));
  }
};

// A capture of helper `name` with `args`, cwd = the test binary directory, as this process's
// own user (UnrestrictedTokenForTests).
inline CaptureRequest helper_request(std::string_view name, std::vector<std::string> args = {}) {
  const WinPath program = helper_path(name);
  std::vector<std::string> argv{program.str()};
  argv.insert(argv.end(), args.begin(), args.end());
  return CaptureRequest{
      .application = program,
      .command_line = quote_command_line(argv),
      .cwd = test_binary_directory(),
      .environment = base_environment(),
      .token = UnrestrictedTokenForTests::get(),
  };
}

// True when process `pid` no longer runs, waiting up to `wait` for it to end.
inline bool process_is_gone(DWORD pid,
                            std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
  const HANDLE process = OpenProcess(SYNCHRONIZE, FALSE, pid);
  if (process == nullptr) return true;  // no such process (any more)
  const bool exited =
      WaitForSingleObject(process, static_cast<DWORD>(wait.count())) == WAIT_OBJECT_0;
  CloseHandle(process);
  return exited;
}

// The grandchild pid ws_spawn_grandchild prints first on its stdout; 0 (and a test failure) if
// there is none.
inline DWORD grandchild_pid(const std::string& stdout_bytes) {
  const auto newline = stdout_bytes.find('\n');
  if (newline == 0 || newline == std::string::npos ||
      stdout_bytes.find_first_not_of("0123456789") != newline) {
    ADD_FAILURE() << "no pid line in: `" << stdout_bytes << "`";
    return 0;
  }
  return static_cast<DWORD>(std::stoul(stdout_bytes.substr(0, newline)));
}

// Ends process `pid` if it still runs (cleanup after tests that keep descendants alive).
inline void kill_process(DWORD pid) {
  const HANDLE process = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pid);
  if (process == nullptr) return;
  TerminateProcess(process, 1);
  WaitForSingleObject(process, 5000);
  CloseHandle(process);
}

// The bytes ws_write_bytes writes to stdout ('a'...) or stderr ('A'...): `count` from position 0.
inline std::string expected_pattern(char first, std::size_t count) {
  std::string bytes(count, '\0');
  for (std::size_t i = 0; i < count; ++i) bytes[i] = static_cast<char>(first + i % 26);
  return bytes;
}

// Fills a sandboxed request (CaptureRequest or SessionRequest: same field names) for helper
// `name` with `args`: the workspace-write legacy profile bound to `workspace`, the small base
// environment, `sandbox_home`.
template <typename Request>
void fill_sandboxed_request(Request& request, const WinPath& workspace,
                            const std::filesystem::path& sandbox_home, std::string_view name,
                            std::vector<std::string> args = {}) {
  request.profile = profile_from_legacy_policy(parse_policy_string("workspace-write"), workspace,
                                               *open_host_file_system());
  request.binding = ProfileBinding::for_profile_cwd(workspace);
  request.command = {helper_path(name).str()};
  request.command.insert(request.command.end(), args.begin(), args.end());
  request.env = base_environment();
  request.sandbox_home = sandbox_home;
}

// A profile entry for the exact path `path` with `access` ("read", "write", "none", ...),
// the path JSON-escaped by the project's own codec.
inline std::string path_entry_json(const std::filesystem::path& path, std::string_view access) {
  return R"({"path":{"type":"path","path":)" + dump_json(Json(to_utf8(path.wstring()))) +
         R"(},"access":")" + std::string(access) + R"("})";
}

// A managed, restricted profile: `:root` readable, the project roots writable, then
// `extra_entry` (a JSON object, or empty); the network restricted unless `network_enabled`.
inline std::string restricted_profile_json(const std::string& extra_entry,
                                           bool network_enabled = false) {
  return R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
         R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"},)"
         R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"})" +
         (extra_entry.empty() ? "" : "," + extra_entry) + R"(]},"network":")" +
         (network_enabled ? "enabled" : "restricted") + R"("})";
}

// Profiles the unelevated backend must refuse (elevated_backend_required): reads narrowed to
// the workspace, `:root` denied, an exact deny-read path under `workspace`, and a deny-read glob
// that matches nothing.
inline std::vector<std::string> read_restricting_profiles(const std::filesystem::path& workspace) {
  const std::string root = R"({"path":{"type":"special","value":{"kind":"root"}},"access":)";
  const std::string project =
      R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"})";
  const auto managed = [](const std::string& entries) {
    return R"({"type":"managed","file_system":{"type":"restricted","entries":[)" + entries +
           R"(]},"network":"restricted"})";
  };
  return {
      managed(project),
      managed(root + R"("none"},)" + project),
      restricted_profile_json(path_entry_json(workspace / "secret", "none")),
      restricted_profile_json(
          R"({"path":{"type":"glob_pattern","pattern":"codex-project-roots://**/*.env"},)"
          R"("access":"none"})"),
  };
}

// Workspace-write with the network enabled.
inline constexpr char kNetworkEnabledWorkspaceProfile[] =
    R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
    R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"},)"
    R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"}]},)"
    R"("network":"enabled"})";

// The Windows spelling of a host path.
inline WinPath win_path_of(const std::filesystem::path& path) {
  return WinPath::parse(to_utf8(path.wstring()));
}

// An existing path as the file system names it (junctions and 8.3 short names such as a
// runner's `C:\Users\RUNNER~1\...` TEMP resolved), which is how the resolver hands ACL targets
// to the effector; the effector refuses any other spelling of them.
inline WinPath canonical_path_of(const std::filesystem::path& path) {
  const std::optional<WinPath> canonical = open_host_file_system()->canonical(win_path_of(path));
  if (!canonical)
    throw Error(ErrorCode::invalid_path, "no canonical path for " + to_utf8(path.wstring()));
  return *canonical;
}

}  // namespace winsandbox::win::test
