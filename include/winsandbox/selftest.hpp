// Self-test: runs the enforcement probes (the windows-smoke tier's catalogue) in a temporary
// workspace on this machine and reports, per probe, what was expected, what was observed and the
// verdict. It is what a user runs to trust the sandbox (`winsandbox selftest`), and the windows-
// smoke tests run the same probes one by one (docs/selftest.md).
//
// Verdicts:
//
// clang-format off
// | verdict          | meaning                                                                          |
// |------------------|----------------------------------------------------------------------------------|
// | `passed`         | the probe ran and what it observed is what the sandbox must do                   |
// | `failed`         | the probe ran and observed something else (or could not run: the reason is shown) |
// | `not_verifiable` | an enforcement probe on a host that enforces nothing (Wine, or not Windows), or a |
// |                  | probe whose program that host lacks (Wine has no PowerShell or curl): it ran as    |
// |                  | far as it could, what it saw is shown, and nothing is claimed                     |
// clang-format on
//
// Probe kinds: `functional` probes (resolution, ACL plan, token construction, refusals, child
// programs start) are checked on every Windows host; `enforcement` probes (a write really denied,
// a read really denied, the network really blocked) only where Windows enforces them.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace winsandbox {

enum class SelftestBackend { unelevated, elevated };
enum class ProbeKind { functional, enforcement };
enum class ProbeVerdict { passed, failed, not_verifiable };

std::string_view selftest_backend_name(SelftestBackend backend) noexcept;
std::string_view probe_kind_name(ProbeKind kind) noexcept;
std::string_view probe_verdict_name(ProbeVerdict verdict) noexcept;

// One probe of the catalogue, as listed for a backend.
struct SelftestProbeInfo {
  std::string name;  // stable, e.g. "WS: write outside workspace denied"
  ProbeKind kind = ProbeKind::enforcement;
  std::string expected;  // what the sandbox must do, for humans
};

// The probes run for `backend`, in catalogue order (the elevated backend adds the network and
// deny-read probes).
std::vector<SelftestProbeInfo> selftest_probes(SelftestBackend backend);

struct SelftestRow {
  std::string probe{};
  SelftestBackend backend = SelftestBackend::unelevated;
  ProbeKind kind = ProbeKind::enforcement;
  std::string expected{};
  std::string observed{};
  ProbeVerdict verdict = ProbeVerdict::failed;
  std::chrono::milliseconds duration{0};
};

struct SelftestOptions {
  // Each backend's probes in turn.
  std::vector<SelftestBackend> backends{SelftestBackend::unelevated};
  // The sandbox home the probes' commands use. Empty: a fresh one inside the scratch directory
  // (the elevated backend then runs the full setup for it: pass the home the setup was made for).
  std::filesystem::path sandbox_home{};
  // Where each probe gets its own workspace, outside directory, extra root and TEMP. Empty: a
  // fresh directory under this process's temporary directory, removed afterwards.
  std::filesystem::path scratch_directory{};
  // Run only the probes with these exact names (empty: all).
  std::vector<std::string> only{};
  // The elevated backend may show a UAC prompt for its setup (ElevatedSetupOverrides).
  bool allow_setup_prompt = true;
  // Called after each probe, in order (progress).
  std::function<void(const SelftestRow&)> on_row{};
};

struct SelftestReport {
  std::vector<SelftestRow> rows;
  // False under Wine and off Windows: enforcement probes are then `not_verifiable`.
  bool enforcement_verifiable = false;
  std::string host;  // "windows", "wine" or "unsupported"

  std::size_t count(ProbeVerdict verdict) const noexcept;
  // No probe failed.
  bool ok() const noexcept { return count(ProbeVerdict::failed) == 0; }
};

// Runs the probes. Each probe prepares its own directories (and, where it needs them, a junction,
// a named pipe, a named mutex or a loopback listener), runs its sandboxed commands through the
// public capture APIs, and checks the exit codes and what is on disk afterwards. Every probe that
// expects a command to be allowed also checks, with a second command under the same profile,
// that a write outside the writable roots is denied, so a run that was not sandboxed never
// passes. Off Windows: Error(unsupported_platform). Errors of a single probe become its `failed`
// row (observed: the error code and message); Error(io_error) when the scratch directory cannot
// be made.
SelftestReport run_selftest(const SelftestOptions& options);

// {"host":"wine","enforcement_verifiable":false,"rows":[{"probe":...,"backend":"unelevated",
//  "kind":"enforcement","expected":...,"observed":...,"result":"not_verifiable","ms":12}],
//  "summary":{"passed":N,"failed":N,"not_verifiable":N}}
std::string selftest_report_to_json(const SelftestReport& report);

// A text table: probe, backend, kind, expected, observed, result; then the summary line.
std::string selftest_report_to_table(const SelftestReport& report);

}  // namespace winsandbox
