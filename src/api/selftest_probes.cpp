// The probe catalogue (docs/selftest.md#catalogue). The first block follows the reference's
// smoke suite case by case (same names where the behaviour is the same; where we deliberately
// differ the name says what we check instead); then the must-be-denied list in the manner of
// Chromium's validation tests, the attacks between runs, and the elevated backend's reads and
// network. Commands are split into arguments (quote_command_line quotes a path with spaces; cmd
// sees no other quotes).
#include "api/selftest_probes.hpp"

#include <algorithm>

#include "common/enum_names.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr EnumNames<SelftestBackend, 2> kBackendNames{{
    {SelftestBackend::unelevated, "unelevated"},
    {SelftestBackend::elevated, "elevated"},
}};
constexpr EnumNames<ProbeKind, 2> kKindNames{{
    {ProbeKind::functional, "functional"},
    {ProbeKind::enforcement, "enforcement"},
}};
constexpr EnumNames<ProbeVerdict, 3> kVerdictNames{{
    {ProbeVerdict::passed, "passed"},
    {ProbeVerdict::failed, "failed"},
    {ProbeVerdict::not_verifiable, "not_verifiable"},
}};

}  // namespace

std::string_view selftest_backend_name(SelftestBackend backend) noexcept {
  return enum_name(kBackendNames, backend);
}
std::string_view probe_kind_name(ProbeKind kind) noexcept {
  return enum_name(kKindNames, kind);
}
std::string_view probe_verdict_name(ProbeVerdict verdict) noexcept {
  return enum_name(kVerdictNames, verdict);
}

namespace selftest {
namespace {

using Argv = std::vector<std::string>;

Argv cmd(Argv words) {
  Argv argv{"cmd", "/c"};
  argv.insert(argv.end(), words.begin(), words.end());
  return argv;
}

Argv powershell(std::string script) {
  return {"powershell", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", std::move(script)};
}

SetupStep mkdir(std::string path) {
  return {SetupAction::make_directory, std::move(path)};
}
SetupStep file(std::string path, std::string text) {
  return {SetupAction::write_file, std::move(path), std::move(text)};
}
SetupStep junction(std::string path, std::string target) {
  return {SetupAction::make_junction, std::move(path), std::move(target)};
}
SetupStep hard_link(std::string path, std::string existing) {
  return {SetupAction::make_hard_link, std::move(path), std::move(existing)};
}
SetupStep remove(std::string path) {
  return {SetupAction::remove, std::move(path)};
}

Check exists(std::string path) {
  return {CheckKind::file_exists, std::move(path)};
}
Check absent(std::string path) {
  return {CheckKind::file_absent, std::move(path)};
}
Check text_is(std::string path, std::string text) {
  return {CheckKind::file_text_is, std::move(path), std::move(text)};
}
Check text_ends_with(std::string path, std::string text) {
  return {CheckKind::file_text_ends_with, std::move(path), std::move(text)};
}
Check prints(std::string text) {
  return {CheckKind::stdout_contains, std::move(text)};
}

// A probe of one run.
ProbeSpec one(std::string name, std::string expected, ProbeRun run,
              BackendScope scope = BackendScope::both, ProbeKind kind = ProbeKind::enforcement) {
  return ProbeSpec{.name = std::move(name),
                   .kind = kind,
                   .expected = std::move(expected),
                   .scope = scope,
                   .runs = {std::move(run)}};
}

// A command under `policy` that must be denied: exit code non-zero and `target` not created.
ProbeSpec denied_write(std::string name, ProbePolicy policy, Argv argv, std::string target,
                       std::vector<SetupStep> before = {}, std::string cwd = {}) {
  return one(std::move(name), "denied: non-zero exit, " + target + " not created",
             ProbeRun{.before = std::move(before),
                      .policy = policy,
                      .cwd = std::move(cwd),
                      .argv = std::move(argv),
                      .exit = ExpectedExit::nonzero,
                      .checks = {absent(target)}});
}

// A command under `policy` that must be allowed: exit code 0 and `target` there afterwards.
ProbeSpec allowed_write(std::string name, ProbePolicy policy, Argv argv, std::string target,
                        std::vector<SetupStep> before = {}) {
  return one(std::move(name), "allowed: exit 0, " + target + " exists",
             ProbeRun{.before = std::move(before),
                      .policy = policy,
                      .argv = std::move(argv),
                      .exit = ExpectedExit::zero,
                      .checks = {exists(target)}});
}

// A command that must fail (what it would reach is not a file we can look at).
ProbeSpec denied(std::string name, std::string expected, ProbePolicy policy, Argv argv,
                 BackendScope scope = BackendScope::both, std::vector<Fixture> fixtures = {},
                 std::vector<std::string> env = {}) {
  ProbeSpec spec = one(std::move(name), std::move(expected),
                       ProbeRun{.policy = policy,
                                .argv = std::move(argv),
                                .env = std::move(env),
                                .exit = ExpectedExit::nonzero},
                       scope);
  spec.fixtures = std::move(fixtures);
  return spec;
}

constexpr ProbePolicy RO = ProbePolicy::read_only;
constexpr ProbePolicy WS = ProbePolicy::workspace_write;
constexpr ProbePolicy WS_EXTRA = ProbePolicy::workspace_write_extra_root;
constexpr ProbePolicy WS_ONLINE = ProbePolicy::network_enabled;

std::vector<ProbeSpec> make_catalogue() {
  std::vector<ProbeSpec> c;

  // --- functional: what the sandbox computes and starts, checked on every Windows host ------
  c.push_back(ProbeSpec{.name = "resolution: workspace writable, .git read-only",
                        .kind = ProbeKind::functional,
                        .expected = "{ws} is the only writable root besides TEMP; {ws}\\.git is "
                                    "a read-only subpath; explain() agrees",
                        .builtin = BuiltinProbe::resolution});
  c.push_back(ProbeSpec{.name = "plan: ACL plan grants the root SID and denies .git",
                        .kind = ProbeKind::functional,
                        .expected = "an allow-write ACE for the workspace's capability SID on "
                                    "{ws}, a deny-write ACE on {ws}\\.git",
                        .builtin = BuiltinProbe::acl_plan});
  c.push_back(ProbeSpec{.name = "token: restricted token with the capability SIDs",
                        .kind = ProbeKind::functional,
                        .expected = "a write-restricted token whose restricting SIDs are the "
                                    "workspace SID, the logon SID and Everyone",
                        .scope = BackendScope::unelevated_only,
                        .builtin = BuiltinProbe::token});
  c.push_back(one("capture: a sandboxed command runs and its output comes back",
                  "exit 0, stdout `selftest-ok`",
                  ProbeRun{.argv = cmd({"echo", "selftest-ok"}), .checks = {prints("selftest-ok")}},
                  BackendScope::both, ProbeKind::functional));
  c.push_back(one("refusal: a UNC writable root is refused",
                  "refused before anything runs: unc_path_unsupported",
                  ProbeRun{.policy = ProbePolicy::unc_writable_root,
                           .argv = cmd({"echo", "x"}),
                           .exit = ExpectedExit::refused,
                           .refused_code = "unc_path_unsupported"},
                  BackendScope::both, ProbeKind::functional));
  c.push_back(one("refusal: deny-read profile needs the elevated backend",
                  "refused before anything runs: elevated_backend_required",
                  ProbeRun{.policy = ProbePolicy::deny_read_private,
                           .argv = cmd({"echo", "x"}),
                           .exit = ExpectedExit::refused,
                           .refused_code = "elevated_backend_required"},
                  BackendScope::unelevated_only, ProbeKind::functional));

  // --- the reference's smoke suite -----------------------------------------------------------
  c.push_back(denied_write("RO: write in CWD denied", RO,
                           cmd({"echo", "nope", ">", "ro_should_fail.txt"}),
                           "{ws}\\ro_should_fail.txt"));
  c.push_back(allowed_write("WS: write in CWD allowed", WS, cmd({"echo", "ok", ">", "ws_ok.txt"}),
                            "{ws}\\ws_ok.txt"));
  c.push_back(denied_write("WS: write outside workspace denied", WS,
                           cmd({"echo", "nope", ">", "{outside}\\blocked.txt"}),
                           "{outside}\\blocked.txt"));
  c.push_back(allowed_write("WS: write in additional root allowed", WS_EXTRA,
                            cmd({"echo", "extra", ">", "{extra}\\extra_ok.txt"}),
                            "{extra}\\extra_ok.txt"));
  c.push_back(denied_write("RO: write in additional root denied", RO,
                           cmd({"echo", "nope", ">", "{extra}\\extra_ro.txt"}),
                           "{extra}\\extra_ro.txt"));
  c.push_back(allowed_write("WS: TEMP write allowed", WS,
                            cmd({"echo", "tempok", ">", "{tmp}\\ws_temp_ok.txt"}),
                            "{tmp}\\ws_temp_ok.txt"));
  c.push_back(denied_write("RO: TEMP write denied", RO,
                           cmd({"echo", "tempno", ">", "{tmp}\\ro_temp_fail.txt"}),
                           "{tmp}\\ro_temp_fail.txt"));
  c.push_back(one("WS: append allowed", "exit 0, append.txt ends with line2",
                  ProbeRun{.before = {file("{ws}\\append.txt", "line1\r\n")},
                           .argv = cmd({"echo", "line2>>", "append.txt"}),
                           .checks = {text_ends_with("{ws}\\append.txt", "line2")}}));
  c.push_back(one("RO: append denied", "non-zero exit, ro_append.txt still exactly line1",
                  ProbeRun{.before = {file("{ws}\\ro_append.txt", "line1\r\n")},
                           .policy = RO,
                           .argv = cmd({"echo", "line2>>", "ro_append.txt"}),
                           .exit = ExpectedExit::nonzero,
                           .checks = {text_is("{ws}\\ro_append.txt", "line1\r\n")}}));
  c.push_back(
      allowed_write("WS: PowerShell Set-Content allowed", WS,
                    powershell("Set-Content -LiteralPath ps_ok.txt -Value 'hello' -Encoding ASCII"),
                    "{ws}\\ps_ok.txt"));
  c.push_back(denied_write("RO: PowerShell Set-Content denied", RO,
                           powershell("Set-Content -LiteralPath ps_ro_fail.txt -Value 'x'"),
                           "{ws}\\ps_ro_fail.txt"));
  c.push_back(allowed_write("WS: mkdir+write allowed", WS,
                            cmd({"mkdir", "sub", "&&", "echo", "hi", ">", "sub\\in_sub.txt"}),
                            "{ws}\\sub\\in_sub.txt"));
  c.push_back(allowed_write("WS: rename succeeds", WS,
                            cmd({"echo", "x", ">", "r.txt", "&", "ren", "r.txt", "r2.txt"}),
                            "{ws}\\r2.txt"));
  c.push_back(one("WS: delete succeeds", "exit 0, delme.txt gone",
                  ProbeRun{.before = {file("{ws}\\delme.txt", "x")},
                           .argv = cmd({"del", "/q", "delme.txt"}),
                           .checks = {absent("{ws}\\delme.txt")}}));
  // The reference's cases 13/14 write with python, which a Windows machine need not have; a hard
  // link is the write path they stood for that every machine has.
  c.push_back(denied_write("RO: hard link creation denied", RO,
                           cmd({"mklink", "/H", "ro_link.txt", "existing.txt"}),
                           "{ws}\\ro_link.txt", {file("{ws}\\existing.txt", "x")}));
  c.push_back(allowed_write("WS: hard link creation allowed", WS,
                            cmd({"mklink", "/H", "ws_link.txt", "existing.txt"}),
                            "{ws}\\ws_link.txt", {file("{ws}\\existing.txt", "x")}));
  c.push_back(denied_write("RO: TEMP write denied (PS)", RO,
                           powershell("Set-Content -LiteralPath \"$env:TEMP\\ro_tmpfail.txt\" "
                                      "-Value 'x'"),
                           "{tmp}\\ro_tmpfail.txt"));
  c.push_back(one("WS: curl present (version prints)", "exit 0, prints curl's version",
                  ProbeRun{.argv = cmd({"curl", "--version"}), .checks = {prints("curl")}},
                  BackendScope::both, ProbeKind::functional));
  c.push_back(
      one("WS: PowerShell child runs", "exit 0, prints its version",
          ProbeRun{.argv = powershell("$PSVersionTable.PSVersion.Major"), .checks = {prints("5")}},
          BackendScope::both, ProbeKind::functional));
  c.push_back(allowed_write("WS: PS bytes write allowed", WS,
                            powershell("[IO.File]::WriteAllBytes((Join-Path (Get-Location) "
                                       "'bytes_ok.bin'), [byte[]](0..255))"),
                            "{ws}\\bytes_ok.bin"));
  c.push_back(denied_write("RO: PS bytes write denied", RO,
                           powershell("[IO.File]::WriteAllBytes((Join-Path (Get-Location) "
                                      "'bytes_fail.bin'), [byte[]](0..10))"),
                           "{ws}\\bytes_fail.bin"));
  c.push_back(
      allowed_write("WS: deep mkdir+write allowed", WS,
                    cmd({"mkdir", "deep\\nest", "&&", "echo", "ok", ">", "deep\\nest\\f.txt"}),
                    "{ws}\\deep\\nest\\f.txt"));
  c.push_back(allowed_write(
      "WS: move succeeds", WS,
      cmd({"echo", "x", ">", "m1.txt", "&", "move", "/y", "m1.txt", "m2.txt"}), "{ws}\\m2.txt"));
  c.push_back(denied_write("RO: cmd redirection denied", RO,
                           cmd({"echo", "nope", ">", "cmd_ro.txt"}), "{ws}\\cmd_ro.txt"));
  c.push_back(denied_write("WS: junction poisoning via CWD denied", WS,
                           cmd({"echo", "poison", ">", "poisoned.txt"}), "{outside}\\poisoned.txt",
                           {junction("{ws}\\poison_cwd", "{outside}")}, "{ws}\\poison_cwd"));
  c.push_back(denied_write("WS: junction into Windows denied", WS,
                           cmd({"echo", "bad", ">", "sys_link\\system32\\sbx_junc_{nonce}.txt"}),
                           "{systemroot}\\system32\\sbx_junc_{nonce}.txt",
                           {junction("{ws}\\sys_link", "{systemroot}")}));
  c.push_back(denied("WS: raw device access denied",
                     "non-zero exit: \\\\.\\PhysicalDrive0 not read", WS,
                     cmd({"type", "\\\\.\\PhysicalDrive0"})));
  // The reference writes to a pipe nobody serves (that fails whether sandboxed or not); here
  // this process serves it, so only the sandbox can make the write fail.
  c.push_back(denied("WS: write to this user's named pipe denied",
                     "non-zero exit: the pipe {pipe} served by this user is not written", WS,
                     cmd({"echo", "hi", ">", "{pipe}"}), BackendScope::both, {Fixture::pipe}));
  // The reference expects an alternate stream inside the workspace to be denied; the workspace is
  // writable, streams and all, so the probe checks one outside it.
  c.push_back(denied_write("WS: ADS write outside denied", WS,
                           cmd({"echo", "secret", ">", "{outside}\\ads_base.txt:stream"}),
                           "{outside}\\ads_base.txt"));
  c.push_back(
      denied_write("WS: long-path escape denied", WS,
                   cmd({"echo", "long", ">", "\\\\?\\{systemdrive}\\sbx_longpath_{nonce}.txt"}),
                   "{systemdrive}\\sbx_longpath_{nonce}.txt"));
  c.push_back(denied_write("WS: protected path case-variation denied", WS,
                           cmd({"echo", "hack", ">", ".GiT\\config"}), "{ws}\\.GiT\\config",
                           {mkdir("{ws}\\.GiT")}));
  c.push_back(denied_write("WS: sandbox home tamper denied", WS,
                           cmd({"echo", "tamper", ">", "{home}\\cap_sids_{nonce}.json"}),
                           "{home}\\cap_sids_{nonce}.json"));
  c.push_back(denied_write("WS: .codex policy tamper denied", WS,
                           cmd({"echo", "tamper", ">", ".codex\\policy.json"}),
                           "{ws}\\.codex\\policy.json"));
  c.push_back(
      denied_write("WS: .agents tamper denied", WS,
                   cmd({"mkdir", ".agents", "&", "echo", "tamper", ">", ".agents\\skill.md"}),
                   "{ws}\\.agents\\skill.md"));
  c.push_back(denied_write("WS: existing .codex tamper denied", WS,
                           cmd({"echo", "tamper", ">", ".codex\\config.toml"}),
                           "{ws}\\.codex\\config.toml", {mkdir("{ws}\\.codex")}));
  c.push_back(
      denied_write("WS: deep junction/world-writable escape denied", WS,
                   cmd({"echo", "probe", ">", "deep\\redir\\system32\\audit_gap_{nonce}.txt"}),
                   "{systemroot}\\system32\\audit_gap_{nonce}.txt",
                   {mkdir("{ws}\\deep"), junction("{ws}\\deep\\redir", "{systemroot}")}));
  c.push_back(one("WS: workspace-root junction poisoning denied",
                  "a cwd that is a junction to the drive root is refused (full_disk_write)",
                  ProbeRun{.before = {junction("{ws}\\fake_root", "{systemdrive}\\")},
                           .cwd = "{ws}\\fake_root",
                           .argv = cmd({"echo", "owned", ">", "codex_escape_{nonce}.txt"}),
                           .exit = ExpectedExit::nonzero,
                           .checks = {absent("{systemdrive}\\codex_escape_{nonce}.txt")}}));
  c.push_back(denied_write("WS: junction to ProgramData denied", WS,
                           cmd({"echo", "drive", ">", "pd_link\\sbx_pd_{nonce}.txt"}),
                           "{programdata}\\sbx_pd_{nonce}.txt",
                           {junction("{ws}\\pd_link", "{programdata}")}));
  c.push_back(
      ProbeSpec{.name = "WS: post-timeout outside write still denied",
                .expected = "the first command times out; the next one still cannot write outside",
                .runs = {ProbeRun{.argv = cmd({"ping", "-n", "30", "127.0.0.1"}),
                                  .timeout_ms = 1500,
                                  .exit = ExpectedExit::timed_out},
                         ProbeRun{.argv = cmd({"echo", "leak", ">", "{outside}\\timeout_leak.txt"}),
                                  .exit = ExpectedExit::nonzero,
                                  .checks = {absent("{outside}\\timeout_leak.txt")}}}});

  // --- children: what a command starts inherits its sandbox -----------------------------------
  c.push_back(denied_write("WS: cmd grandchild write outside denied", WS,
                           cmd({"cmd", "/c", "echo", "gc", ">", "{outside}\\grandchild.txt"}),
                           "{outside}\\grandchild.txt"));
  c.push_back(
      denied_write("WS: PowerShell child of cmd write outside denied", WS,
                   cmd({"powershell", "-NoProfile", "-Command",
                        "Set-Content -LiteralPath '{outside}\\ps_grandchild.txt' -Value x"}),
                   "{outside}\\ps_grandchild.txt"));
  // The link is a name inside the workspace; the file's own DACL (inherited outside) decides.
  c.push_back(one("WS: hard link to an outside file denies the write",
                  "non-zero exit, {outside}\\target.txt still exactly `original`",
                  ProbeRun{.before = {file("{outside}\\target.txt", "original"),
                                      hard_link("{ws}\\outside_link.txt", "{outside}\\target.txt")},
                           .argv = cmd({"echo", "x", ">>", "outside_link.txt"}),
                           .exit = ExpectedExit::nonzero,
                           .checks = {text_is("{outside}\\target.txt", "original")}}));

  // --- between two runs: a junction swapped by the previous command -------------------------
  c.push_back(ProbeSpec{
      .name = "WS: junction swapped between runs denied",
      .expected = "a write through {ws}\\link works while it points inside the workspace and is "
                  "denied once it is swapped to point outside",
      .runs = {ProbeRun{.before = {mkdir("{ws}\\inside"), junction("{ws}\\link", "{ws}\\inside")},
                        .argv = cmd({"echo", "one", ">", "link\\first.txt"}),
                        .checks = {exists("{ws}\\inside\\first.txt")}},
               ProbeRun{.before = {remove("{ws}\\link"), junction("{ws}\\link", "{outside}")},
                        .argv = cmd({"echo", "two", ">", "link\\second.txt"}),
                        .exit = ExpectedExit::nonzero,
                        .checks = {absent("{outside}\\second.txt")}}}});

  // --- must be denied (Chromium's validation list, for a write-restricted sandbox) ----------
  c.push_back(denied_write("WS: write into %SystemRoot% denied", WS,
                           cmd({"echo", "x", ">", "{systemroot}\\sbx_probe_{nonce}.txt"}),
                           "{systemroot}\\sbx_probe_{nonce}.txt"));
  c.push_back(denied_write("WS: write into %ProgramFiles% denied", WS,
                           cmd({"echo", "x", ">", "{programfiles}\\sbx_probe_{nonce}.txt"}),
                           "{programfiles}\\sbx_probe_{nonce}.txt"));
  c.push_back(denied_write("WS: write into %ProgramData% denied", WS,
                           cmd({"echo", "x", ">", "{programdata}\\sbx_probe_{nonce}.txt"}),
                           "{programdata}\\sbx_probe_{nonce}.txt"));
  c.push_back(denied_write("WS: write into this user's profile denied", WS,
                           cmd({"echo", "x", ">", "{userprofile}\\sbx_probe_{nonce}.txt"}),
                           "{userprofile}\\sbx_probe_{nonce}.txt"));
  c.push_back(
      denied_write("WS: write into the Default user's profile denied", WS,
                   cmd({"echo", "x", ">", "{systemdrive}\\Users\\Default\\sbx_probe_{nonce}.txt"}),
                   "{systemdrive}\\Users\\Default\\sbx_probe_{nonce}.txt"));
  c.push_back(denied("WS: registry write under HKLM denied",
                     "non-zero exit: HKLM\\Software\\WinSandboxProbe-{nonce} not created", WS,
                     {"reg", "add", "HKLM\\Software\\WinSandboxProbe-{nonce}", "/f"}));
  c.back().runs.back().after = {
      {SetupAction::remove_registry_key, "HKLM\\Software\\WinSandboxProbe-{nonce}"}};
  c.push_back(denied("WS: changing another process denied",
                     "non-zero exit: the self-test process ({pid}) cannot be opened to change it",
                     WS,
                     powershell("try { $p = [System.Diagnostics.Process]::GetProcessById({pid}); "
                                "$p.PriorityClass = 'Normal'; exit 0 } catch { exit 5 }")));
  c.push_back(denied("WS: this user's named mutex not opened for change",
                     "non-zero exit: {mutex} (held by this user) cannot be opened to modify", WS,
                     powershell("try { [System.Threading.Mutex]::OpenExisting('{mutex}') | "
                                "Out-Null; exit 0 } catch { exit 5 }"),
                     BackendScope::both, {Fixture::mutex}));

  // --- the elevated backend: reads and the network, enforced by Windows ----------------------
  c.push_back(ProbeSpec{
      .name = "elevated: deny-read path enforced, other reads work",
      .expected = "{ws}\\public.txt is read; {ws}\\private\\secret.txt is not",
      .scope = BackendScope::elevated_only,
      .runs = {ProbeRun{.before = {file("{ws}\\public.txt", "public-ok"), mkdir("{ws}\\private"),
                                   file("{ws}\\private\\secret.txt", "secret")},
                        .policy = ProbePolicy::deny_read_private,
                        .argv = cmd({"type", "public.txt"}),
                        .checks = {prints("public-ok")}},
               ProbeRun{.policy = ProbePolicy::deny_read_private,
                        .argv = cmd({"type", "private\\secret.txt"}),
                        .exit = ExpectedExit::nonzero}}});
  c.push_back(ProbeSpec{
      .name = "elevated: deny-read glob enforced",
      .expected = "{ws}\\sub\\app.env (matched by **/*.env) is not read",
      .scope = BackendScope::elevated_only,
      .runs = {ProbeRun{.before = {mkdir("{ws}\\sub"), file("{ws}\\sub\\app.env", "KEY=secret")},
                        .policy = ProbePolicy::deny_env_glob,
                        .argv = cmd({"type", "sub\\app.env"}),
                        .exit = ExpectedExit::nonzero}}});
  c.push_back(one("elevated: online control reaches the loopback listener",
                  "with the network enabled, curl reaches 127.0.0.1:{port}",
                  ProbeRun{.policy = WS_ONLINE,
                           .argv = {"curl", "--noproxy", "*", "--connect-timeout", "3",
                                    "--max-time", "5", "-s", "http://127.0.0.1:{port}/"},
                           .checks = {prints("probe-ok")}},
                  BackendScope::elevated_only));
  c.back().fixtures = {Fixture::listener};
  c.push_back(denied("WS: direct loopback blocked",
                     "non-zero exit: 127.0.0.1:{port} is not a proxy port", WS,
                     {"curl", "--noproxy", "*", "--connect-timeout", "3", "--max-time", "5", "-s",
                      "http://127.0.0.1:{port}/direct"},
                     BackendScope::elevated_only, {Fixture::listener}));
  c.push_back(one(
      "WS: loopback proxy allowed", "exit 0: the proxy port 127.0.0.1:{port} is open",
      ProbeRun{.argv = {"curl", "--noproxy", "*", "--connect-timeout", "3", "--max-time", "5", "-s",
                        "http://127.0.0.1:{port}/proxied"},
               .env = {"HTTP_PROXY=http://127.0.0.1:{port}", "HTTPS_PROXY=http://127.0.0.1:{port}"},
               .checks = {prints("probe-ok")}},
      BackendScope::elevated_only));
  c.back().fixtures = {Fixture::listener};
  c.push_back(one("elevated: online control reaches the network",
                  "with the network enabled, curl reaches http://example.com",
                  ProbeRun{.policy = WS_ONLINE,
                           .argv = {"curl", "--connect-timeout", "5", "--max-time", "10", "-s",
                                    "-o", "NUL", "http://example.com/"}},
                  BackendScope::elevated_only));
  c.push_back(denied("WS: curl network blocked", "non-zero exit: http://example.com not reached",
                     WS,
                     {"curl", "--noproxy", "*", "--connect-timeout", "3", "--max-time", "5", "-s",
                      "-o", "NUL", "http://example.com/"},
                     BackendScope::elevated_only));
  c.push_back(denied("WS: iwr network blocked", "non-zero exit: http://example.com not reached", WS,
                     powershell("try { Invoke-WebRequest -UseBasicParsing -TimeoutSec 5 "
                                "http://example.com/ | Out-Null; exit 0 } catch { exit 1 }"),
                     BackendScope::elevated_only));
  // The tool a probe needs, read off its commands (docs/selftest.md#verdicts-and-kinds).
  for (ProbeSpec& spec : c) {
    for (const ProbeRun& run : spec.runs) {
      for (const std::string& arg : run.argv) {
        if (arg == "powershell" || arg == "curl") spec.tool = arg;
      }
    }
  }
  return c;
}

bool in_scope(BackendScope scope, SelftestBackend backend) {
  switch (scope) {
    case BackendScope::both: return true;
    case BackendScope::unelevated_only: return backend == SelftestBackend::unelevated;
    case BackendScope::elevated_only: return backend == SelftestBackend::elevated;
  }
  return false;
}

}  // namespace

const std::vector<ProbeSpec>& probe_catalogue() {
  static const std::vector<ProbeSpec> catalogue = make_catalogue();
  return catalogue;
}

std::vector<const ProbeSpec*> probes_for(SelftestBackend backend) {
  std::vector<const ProbeSpec*> probes;
  for (const ProbeSpec& spec : probe_catalogue()) {
    if (in_scope(spec.scope, backend)) probes.push_back(&spec);
  }
  return probes;
}

std::string expand_placeholders(std::string_view text,
                                const std::map<std::string, std::string, std::less<>>& places) {
  const auto is_name_char = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = at + 1;
    if (text[at] == '{') {
      while (end < text.size() && is_name_char(text[end])) ++end;
    }
    // Only `{name}` is a placeholder: PowerShell's own braces (`try { ... }`) pass as they are.
    if (text[at] != '{' || end == at + 1 || end >= text.size() || text[end] != '}') {
      out += text[at++];
      continue;
    }
    const std::string_view name = text.substr(at + 1, end - at - 1);
    const auto place = places.find(name);
    if (place == places.end()) {
      throw Error(ErrorCode::invalid_argument,
                  "self-test probe names an unknown place {" + std::string(name) + "}");
    }
    out += place->second;
    at = end + 1;
  }
  return out;
}

std::string describe_observation(const RunObservation& observation) {
  if (observation.refused) {
    return "refused: " + observation.refused_code + " (" + observation.refused_message + ")";
  }
  if (observation.timed_out) return "timed out";
  return "exit " + std::to_string(observation.exit_code);
}

std::string exit_mismatch(const ProbeRun& run, const RunObservation& observation) {
  const std::string seen = describe_observation(observation);
  switch (run.exit) {
    case ExpectedExit::zero:
      if (!observation.refused && !observation.timed_out && observation.exit_code == 0) return "";
      return "expected exit 0, saw " + seen;
    case ExpectedExit::nonzero:
      // A program that is not there tried nothing: that is no denial.
      if (observation.refused && observation.refused_code == "command_not_found") {
        return "expected a denial, but the program was not found: " + seen;
      }
      if (observation.refused || (!observation.timed_out && observation.exit_code != 0)) return "";
      return "expected a non-zero exit, saw " + seen;
    case ExpectedExit::timed_out:
      if (!observation.refused && observation.timed_out) return "";
      return "expected a timeout, saw " + seen;
    case ExpectedExit::refused:
      if (observation.refused && observation.refused_code == run.refused_code) return "";
      return "expected the refusal " + run.refused_code + ", saw " + seen;
  }
  return "unknown expectation";
}

ProbeVerdict probe_verdict(ProbeKind kind, bool matched, bool enforcement_verifiable) noexcept {
  if (kind == ProbeKind::enforcement && !enforcement_verifiable)
    return ProbeVerdict::not_verifiable;
  return matched ? ProbeVerdict::passed : ProbeVerdict::failed;
}

}  // namespace selftest
}  // namespace winsandbox
