// The self-test's probe catalogue (docs/selftest.md#catalogue): data only, portable, so its
// shape and its verdict rules are unit-tested on every host. src/api/selftest.cpp runs it.
//
// Strings in a probe may name the probe's places and fixtures as `{name}`:
//
// clang-format off
// | placeholder      | expands to                                                                 |
// |------------------|----------------------------------------------------------------------------|
// | `{ws}`           | the probe's workspace (the profile cwd, a writable root under WS)          |
// | `{outside}`      | a directory beside it that no profile makes writable                       |
// | `{extra}`        | the extra writable root (writable only under `workspace_write_extra_root`)  |
// | `{tmp}`          | the child's TEMP and TMP                                                    |
// | `{home}`         | the sandbox home                                                            |
// | `{userprofile}`  | this user's profile directory (USERPROFILE)                                 |
// | `{systemroot}`   | %SystemRoot%                                                                |
// | `{programdata}`  | %ProgramData%                                                               |
// | `{programfiles}` | %ProgramFiles%                                                              |
// | `{systemdrive}`  | %SystemDrive% (`C:`)                                                        |
// | `{nonce}`        | a random hex string, fresh per self-test run                                |
// | `{pid}`          | the self-test's own process id                                              |
// | `{pipe}`         | `\\.\pipe\` name of a pipe this process serves (fixture `pipe`)            |
// | `{mutex}`        | `Local\` name of a mutex this process holds (fixture `mutex`)              |
// | `{port}`         | a loopback TCP port answering `probe-ok` over HTTP (fixture `listener`)     |
// clang-format on
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/selftest.hpp"

namespace winsandbox::selftest {

// The profile a run uses: the legacy policies the reference's smoke suite uses ("RO" and "WS"),
// WS with `{extra}` as an additional writable root, WS with the network enabled, and WS with a
// deny-read entry for `{ws}\private` or a deny-read glob `**/*.env` over the project roots.
enum class ProbePolicy {
  read_only,
  workspace_write,
  workspace_write_extra_root,
  network_enabled,
  deny_read_private,
  deny_env_glob,
  unc_writable_root,  // WS with \\localhost\C$\winsandbox-probe as an extra writable root
};

// What the disk holds before a run (made by the self-test itself, as this user, unsandboxed).
enum class SetupAction {
  make_directory,       // path
  write_file,           // path, text
  make_junction,        // path → text (an absolute directory)
  make_hard_link,       // path → text (an existing file)
  remove,               // path (file, directory tree or link; no error when missing)
  remove_registry_key,  // path: HKLM\... or HKCU\... (after a run: what a failed denial made)
};

struct SetupStep {
  SetupAction action;
  std::string path;
  std::string text{};
};

// How the command must end.
enum class ExpectedExit {
  zero,       // exit code 0
  nonzero,    // the command failed, or the sandbox refused it with an Error (the write did not
              // happen); not command_not_found (a missing program tried nothing)
  timed_out,  // killed by the timeout
  refused,    // the sandbox refused it before it started: Error with `refused_code`
};

enum class CheckKind {
  file_exists,
  file_absent,
  file_text_is,
  file_text_ends_with,
  stdout_contains
};

struct Check {
  CheckKind kind;
  std::string path_or_text;
  std::string text{};
};

struct ProbeRun {
  std::vector<SetupStep> before{};
  std::vector<SetupStep> after{};  // run whatever the outcome (leftovers of a denial that failed)
  ProbePolicy policy = ProbePolicy::workspace_write;
  std::string cwd{};  // empty: {ws}
  std::vector<std::string> argv{};
  std::vector<std::string> env{};  // KEY=VALUE, added to the base environment
  std::optional<std::uint32_t> timeout_ms{};
  ExpectedExit exit = ExpectedExit::zero;
  std::string refused_code{};  // ErrorCode name, with ExpectedExit::refused
  std::vector<Check> checks{};
};

// What a probe needs this process to provide while it runs.
enum class Fixture { pipe, mutex, listener };

// Probes that check the sandbox's own computation instead of running a command.
enum class BuiltinProbe { none, resolution, acl_plan, token };

enum class BackendScope { both, unelevated_only, elevated_only };

struct ProbeSpec {
  std::string name;
  ProbeKind kind = ProbeKind::enforcement;
  std::string expected;
  BackendScope scope = BackendScope::both;
  BuiltinProbe builtin = BuiltinProbe::none;
  // The program the probe needs besides cmd ("powershell", "curl"). On a host that enforces
  // nothing it may be missing or a stub (Wine's powershell.exe does nothing): the probe is then
  // not verifiable there; on Windows it must work.
  std::string tool{};
  std::vector<Fixture> fixtures{};
  std::vector<ProbeRun> runs{};
};

// The whole catalogue, in order.
const std::vector<ProbeSpec>& probe_catalogue();

// The catalogue's probes for `backend`.
std::vector<const ProbeSpec*> probes_for(SelftestBackend backend);

// `text` with every `{name}` replaced by places.at(name); Error(invalid_argument) naming the
// placeholder when one is not in `places` (a catalogue defect, caught by the unit tests).
std::string expand_placeholders(std::string_view text,
                                const std::map<std::string, std::string, std::less<>>& places);

// What a run did, as the verdict rules see it.
struct RunObservation {
  bool refused = false;        // the sandbox threw before or while running the command
  std::string refused_code{};  // its ErrorCode name
  std::string refused_message{};
  std::int32_t exit_code = 0;
  bool timed_out = false;
  std::string stdout_bytes{};
};

// "" when `observation` is what `run` expects (its exit only; the checks are read from disk by
// the runner), else what differed, for the observed column.
std::string exit_mismatch(const ProbeRun& run, const RunObservation& observation);

// The observed column's summary of one run ("exit 5", "timed out", "refused: full_disk_write").
std::string describe_observation(const RunObservation& observation);

// The verdict of a probe whose runs all matched (`matched`) or not, on a host that does or does
// not enforce (`enforcement_verifiable`).
ProbeVerdict probe_verdict(ProbeKind kind, bool matched, bool enforcement_verifiable) noexcept;

}  // namespace winsandbox::selftest
