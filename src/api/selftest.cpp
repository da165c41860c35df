// `run_selftest`: runs the probe catalogue (src/api/selftest_probes.cpp) through the public
// capture APIs in a scratch directory (docs/selftest.md). Portable entry point; the probes need a
// Windows host.
#include "winsandbox/selftest.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/legacy_adapter.hpp"
#include "api/selftest_probes.hpp"
#include "winsandbox/capture.hpp"
#include "winsandbox/elevated.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/spawn_context.hpp"

#if defined(_WIN32)
#include "win/environment_block.hpp"
#include "win/launch_preparation.hpp"
#include "win/random.hpp"
#include "win/selftest_fixtures.hpp"
#include "win/token.hpp"
#include "win/unicode.hpp"
#endif

namespace winsandbox {

std::size_t SelftestReport::count(ProbeVerdict verdict) const noexcept {
  std::size_t n = 0;
  for (const SelftestRow& row : rows) n += row.verdict == verdict ? 1 : 0;
  return n;
}

std::vector<SelftestProbeInfo> selftest_probes(SelftestBackend backend) {
  std::vector<SelftestProbeInfo> probes;
  for (const selftest::ProbeSpec* spec : selftest::probes_for(backend)) {
    probes.push_back({spec->name, spec->kind, spec->expected});
  }
  return probes;
}

std::string selftest_report_to_json(const SelftestReport& report) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const SelftestRow& row : report.rows) {
    rows.push_back({{"probe", row.probe},
                    {"backend", selftest_backend_name(row.backend)},
                    {"kind", probe_kind_name(row.kind)},
                    {"expected", row.expected},
                    {"observed", row.observed},
                    {"result", probe_verdict_name(row.verdict)},
                    {"ms", row.duration.count()}});
  }
  const nlohmann::ordered_json json{
      {"host", report.host},
      {"enforcement_verifiable", report.enforcement_verifiable},
      {"rows", rows},
      {"summary",
       {{"passed", report.count(ProbeVerdict::passed)},
        {"failed", report.count(ProbeVerdict::failed)},
        {"not_verifiable", report.count(ProbeVerdict::not_verifiable)}}}};
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string selftest_report_to_table(const SelftestReport& report) {
  std::ostringstream out;
  for (const SelftestRow& row : report.rows) {
    const std::string_view verdict = row.verdict == ProbeVerdict::not_verifiable
                                         ? "NOT VERIFIABLE HERE"
                                         : (row.verdict == ProbeVerdict::passed ? "PASS" : "FAIL");
    out << verdict << "  [" << selftest_backend_name(row.backend) << ", "
        << probe_kind_name(row.kind) << "] " << row.probe << "\n"
        << "    expected: " << row.expected << "\n"
        << "    observed: " << row.observed << "\n";
  }
  out << "selftest on " << report.host << ": " << report.count(ProbeVerdict::passed) << " passed, "
      << report.count(ProbeVerdict::failed) << " failed, "
      << report.count(ProbeVerdict::not_verifiable) << " not verifiable here\n";
  if (!report.enforcement_verifiable) {
    out << "enforcement is not verifiable on this host (Windows itself must enforce it): run "
           "`winsandbox selftest` on Windows\n";
  }
  return out.str();
}

#if !defined(_WIN32)

SelftestReport run_selftest(const SelftestOptions& options) {
  (void)options;
  throw_unsupported_platform("run_selftest");
}

#else

namespace {

namespace fs = std::filesystem;
using selftest::Check;
using selftest::CheckKind;
using selftest::ExpectedExit;
using selftest::ProbePolicy;
using selftest::ProbeRun;
using selftest::ProbeSpec;
using selftest::RunObservation;
using selftest::SetupAction;
using Places = std::map<std::string, std::string, std::less<> >;

constexpr std::chrono::milliseconds kRunTimeout{60000};

std::string utf8(const fs::path& path) {
  return win::to_utf8(path.wstring());
}
fs::path host_path(const std::string& text) {
  return fs::path(win::to_wide(text));
}

// This process's `name`, or `fallback` when unset or empty (one variable read, not the block).
std::string environment_value(const char* name, const std::string& fallback) {
  const std::optional<std::string> value = win::host_variable(name);
  return value && !value->empty() ? *value : fallback;
}

std::string json_path(const std::string& path) {
  return nlohmann::json(path).dump();
}

// The profile-JSON shape of WS plus one more entry (the deny-read probes).
PermissionProfile workspace_write_with(const std::string& extra_entry) {
  return profile_from_json(
      R"({"type":"managed","file_system":{"type":"restricted","entries":[)"
      R"({"path":{"type":"special","value":{"kind":"root"}},"access":"read"},)"
      R"({"path":{"type":"special","value":{"kind":"project_roots"}},"access":"write"},)" +
      extra_entry + R"(]},"network":"restricted"})");
}

PermissionProfile profile_for(ProbePolicy policy, const Places& places, const FileSystemView& fs) {
  const WinPath ws = WinPath::parse(places.at("ws"));
  const auto legacy = [&](const std::string& text) {
    return profile_from_legacy_policy(parse_policy_string(text), ws, fs);
  };
  switch (policy) {
    case ProbePolicy::read_only: return legacy("read-only");
    case ProbePolicy::workspace_write: return legacy("workspace-write");
    case ProbePolicy::workspace_write_extra_root:
      return legacy(R"({"type":"workspace-write","writable_roots":[)" +
                    json_path(places.at("extra")) + "]}");
    case ProbePolicy::network_enabled:
      return legacy(R"({"type":"workspace-write","network_access":true})");
    case ProbePolicy::deny_read_private:
      return workspace_write_with(R"({"path":{"type":"path","path":)" +
                                  json_path(places.at("ws") + "\\private") +
                                  R"(},"access":"none"})");
    case ProbePolicy::unc_writable_root:
      return legacy(
          R"({"type":"workspace-write","writable_roots":["\\\\localhost\\C$\\winsandbox-probe"]})");
    case ProbePolicy::deny_env_glob:
      return workspace_write_with(
          R"({"path":{"type":"glob_pattern","pattern":"codex-project-roots://**/*.env"},)"
          R"("access":"none"})");
  }
  throw Error(ErrorCode::invalid_argument, "unknown self-test policy");
}

// Everything one probe owns while it runs.
struct ProbeContext {
  SelftestBackend backend;
  Places places;
  fs::path home;
  bool allow_setup_prompt = true;
  std::unique_ptr<FileSystemView> fs = open_host_file_system();
  int witness_count = 0;
  bool enforcement_verifiable = true;
  fs::path scratch;
};

void apply_setup(const selftest::SetupStep& step, const Places& places) {
  const fs::path path = host_path(selftest::expand_placeholders(step.path, places));
  const std::string text = selftest::expand_placeholders(step.text, places);
  switch (step.action) {
    case SetupAction::make_directory: fs::create_directories(path); return;
    case SetupAction::write_file: {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << text;
      if (!out) throw Error(ErrorCode::io_error, "cannot write " + utf8(path));
      return;
    }
    case SetupAction::make_junction: win::create_junction(path, host_path(text)); return;
    case SetupAction::make_hard_link: win::create_hard_link(path, host_path(text)); return;
    case SetupAction::remove: win::remove_tree_without_following(path); return;
    case SetupAction::remove_registry_key:
      win::delete_registry_tree(selftest::expand_placeholders(step.path, places));
      return;
  }
}

// The environment of every probe's command: this process's, with TEMP and TMP at `{tmp}`.
Environment probe_environment(const ProbeContext& context) {
  Environment env = current_process_environment();
  env.set("TEMP", context.places.at("tmp"));
  env.set("TMP", context.places.at("tmp"));
  return env;
}

RunObservation execute(const ProbeContext& context, ProbePolicy policy,
                       const std::vector<std::string>& argv, const std::string& cwd,
                       const std::vector<std::string>& env,
                       std::optional<std::uint32_t> timeout_ms) {
  RunObservation observation;
  try {
    CaptureRequest request;
    request.profile = profile_for(policy, context.places, *context.fs);
    request.binding = ProfileBinding::for_profile_cwd(WinPath::parse(context.places.at("ws")));
    for (const std::string& arg : argv) {
      request.command.push_back(selftest::expand_placeholders(arg, context.places));
    }
    request.cwd =
        cwd.empty() ? context.places.at("ws") : selftest::expand_placeholders(cwd, context.places);
    request.env = probe_environment(context);
    for (const std::string& assignment : env) {
      const std::string expanded = selftest::expand_placeholders(assignment, context.places);
      const std::size_t equals = expanded.find('=');
      request.env.set(expanded.substr(0, equals), expanded.substr(equals + 1));
    }
    request.timeout = timeout_ms ? std::chrono::milliseconds(*timeout_ms) : kRunTimeout;
    request.max_output_bytes = 64 * 1024;
    request.sandbox_home = context.home;
    CaptureResult result;
    if (context.backend == SelftestBackend::elevated) {
      ElevatedProfileCaptureRequest elevated{.capture = std::move(request)};
      elevated.setup.allow_setup_prompt = context.allow_setup_prompt;
      result = run_capture_for_permission_profile_elevated(elevated);
    } else {
      result = run_capture_for_permission_profile(request);
    }
    observation.exit_code = result.exit_code;
    observation.timed_out = result.timed_out;
    observation.stdout_bytes = std::move(result.stdout_bytes);
  } catch (const Error& error) {
    observation.refused = true;
    observation.refused_code = std::string(error_code_name(error.code()));
    observation.refused_message = error.what();
  }
  return observation;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// "" when the check holds, else what was found instead.
std::string check_failure(const Check& check, const Places& places,
                          const RunObservation& observation) {
  const std::string subject = selftest::expand_placeholders(check.path_or_text, places);
  const std::string text = selftest::expand_placeholders(check.text, places);
  std::error_code ec;
  switch (check.kind) {
    case CheckKind::file_exists:
      return fs::exists(host_path(subject), ec) ? "" : subject + " is missing";
    case CheckKind::file_absent:
      return fs::exists(host_path(subject), ec) ? subject + " was created" : "";
    case CheckKind::file_text_is: {
      const std::string found = read_text(host_path(subject));
      return found == text ? "" : subject + " now holds `" + found + "`";
    }
    case CheckKind::file_text_ends_with: {
      std::string found = read_text(host_path(subject));
      while (!found.empty() &&
             (found.back() == '\n' || found.back() == '\r' || found.back() == ' '))
        found.pop_back();
      const bool ends = found.size() >= text.size() &&
                        found.compare(found.size() - text.size(), text.size(), text) == 0;
      return ends ? "" : subject + " holds `" + found + "`";
    }
    case CheckKind::stdout_contains:
      return observation.stdout_bytes.find(subject) != std::string::npos
                 ? ""
                 : "stdout lacks `" + subject + "` (`" + observation.stdout_bytes.substr(0, 200) +
                       "`)";
  }
  return "unknown check";
}

// With a command allowed, a write outside the writable roots under the same profile must still
// be denied: else the command ran unsandboxed (or the sandbox wrote nothing) and the allowed
// result proves nothing. "" when denied.
std::string confinement_witness(ProbeContext& context, ProbePolicy policy) {
  const std::string target = context.places.at("outside") + "\\witness_" +
                             std::to_string(++context.witness_count) + ".txt";
  const RunObservation observation =
      execute(context, policy, {"cmd", "/c", "echo", "w", ">", target}, "", {}, std::nullopt);
  std::error_code ec;
  if (fs::exists(host_path(target), ec)) {
    return "a write outside the writable roots got through under the same profile (" + target +
           "): the command did not run confined";
  }
  if (!observation.refused && observation.exit_code == 0) {
    return "the outside write reported success";
  }
  return "";
}

// One run: setup, command, exit, checks, and for an enforcement probe's allowed run the witness.
// Appends to `observed`; true when all held.
bool perform_run(ProbeContext& context, const ProbeRun& run, bool witness, std::string& observed) {
  // What a denial that failed left behind goes, whatever happens (a registry key, a probe file in
  // a system directory: only ever names this run made, with the nonce or inside the scratch).
  struct Leftovers {
    const ProbeContext& context;
    const ProbeRun& run;
    ~Leftovers() {
      for (const selftest::SetupStep& step : run.after) {
        try {
          apply_setup(step, context.places);
        } catch (const Error&) {  // reported by the failed check already
        }
      }
      for (const Check& check : run.checks) {
        if (check.kind != CheckKind::file_absent) continue;
        const std::string target =
            selftest::expand_placeholders(check.path_or_text, context.places);
        const bool ours = target.find(context.places.at("nonce")) != std::string::npos ||
                          WinPath::parse(target).is_within(WinPath::parse(utf8(context.scratch)));
        std::error_code ec;
        if (ours && !fs::is_directory(host_path(target), ec)) fs::remove(host_path(target), ec);
      }
    }
  } leftovers{context, run};
  for (const selftest::SetupStep& step : run.before) apply_setup(step, context.places);
  const RunObservation observation =
      execute(context, run.policy, run.argv, run.cwd, run.env, run.timeout_ms);
  if (!observed.empty()) observed += "; then ";
  observed += selftest::describe_observation(observation);
  bool matched = true;
  if (const std::string mismatch = selftest::exit_mismatch(run, observation); !mismatch.empty()) {
    observed += " (" + mismatch + ")";
    matched = false;
  }
  for (const Check& check : run.checks) {
    const std::string failure = check_failure(check, context.places, observation);
    if (!failure.empty()) {
      observed += ", " + failure;
      matched = false;
    }
  }
  if (witness && run.exit == ExpectedExit::zero && matched) {
    const std::string breach = confinement_witness(context, run.policy);
    if (!breach.empty()) {
      observed += ", but " + breach;
      matched = false;
    } else {
      observed += ", outside write under the same profile denied";
    }
  }
  return matched;
}

// WS resolved for the probe's workspace, as a command in `{ws}` would have it.
ResolvedPermissions resolve_workspace_write(const ProbeContext& context) {
  const WinPath ws = WinPath::parse(context.places.at("ws"));
  return resolve(profile_for(ProbePolicy::workspace_write, context.places, *context.fs),
                 ProfileBinding::for_profile_cwd(ws), ws, probe_environment(context), *context.fs);
}

bool builtin_resolution(ProbeContext& context, std::string& observed) {
  const WinPath ws = WinPath::parse(context.places.at("ws"));
  const ResolvedPermissions resolved = resolve_workspace_write(context);
  const WinPath canonical_ws = context.fs->canonical(ws).value_or(ws);
  bool ws_root = false;
  bool git_read_only = false;
  for (const WritableRoot& root : resolved.writable_roots) {
    if (root.root.identity() != canonical_ws.identity()) continue;
    ws_root = true;
    for (const WinPath& sub : root.read_only_subpaths) {
      git_read_only = git_read_only || sub.identity() == canonical_ws.join(".git").identity();
    }
  }
  const PathVerdict inside = explain(resolved, ws.join("file.txt"), *context.fs);
  const PathVerdict git = explain(resolved, ws.join(".git").join("config"), *context.fs);
  const PathVerdict outside =
      explain(resolved, WinPath::parse(context.places.at("outside")).join("x"), *context.fs);
  observed = std::to_string(resolved.writable_roots.size()) + " writable roots; workspace " +
             (ws_root ? "writable" : "NOT writable") + ", .git " +
             (git_read_only ? "read-only" : "NOT read-only") +
             "; explain: inside write=" + (inside.write ? "yes" : "no") +
             ", .git write=" + (git.write ? "yes" : "no") + " (" + git.rule +
             "), outside write=" + (outside.write ? "yes" : "no");
  return ws_root && git_read_only && inside.write && !git.write && !outside.write;
}

bool builtin_acl_plan(ProbeContext& context, std::string& observed) {
  const WinPath ws = WinPath::parse(context.places.at("ws"));
  const ResolvedPermissions resolved = resolve_workspace_write(context);
  ElevatedSpawnOverrides overrides;
  overrides.sid_store_access = SidStoreAccess::read_only;  // in memory: nothing written
  const ElevatedSpawnContext spawn = prepare_elevated_spawn_context_for_permissions(
      resolved, WinPath::parse(utf8(context.home)), ws, probe_environment(context), {"cmd"},
      overrides, *context.fs);
  const AclPlan plan = plan_acl(resolved, spawn.capability_sids);
  const WinPath canonical_ws = context.fs->canonical(ws).value_or(ws);
  const std::string* sid = spawn.capability_sids.sid_for_root(canonical_ws);
  bool allow = false;
  bool deny_git = false;
  for (const AclEntry& entry : plan.entries) {
    allow = allow || (sid != nullptr && entry.kind == AceKind::allow_write && entry.sid == *sid &&
                      entry.path.identity() == canonical_ws.identity());
    deny_git = deny_git || (entry.kind == AceKind::deny_write &&
                            entry.path.identity() == canonical_ws.join(".git").identity());
  }
  observed = std::to_string(plan.entries.size()) + " ACEs planned; allow-write on the workspace " +
             (allow ? "present" : "MISSING") + ", deny-write on .git " +
             (deny_git ? "present" : "MISSING");
  return allow && deny_git;
}

bool builtin_token(ProbeContext& context, std::string& observed) {
  const PermissionProfile profile =
      profile_for(ProbePolicy::workspace_write, context.places, *context.fs);
  const ProfileBinding binding =
      ProfileBinding::for_profile_cwd(WinPath::parse(context.places.at("ws")));
  const std::vector<std::string> command{"cmd", "/c", "exit", "0"};
  const std::string cwd = context.places.at("ws");
  const Environment env = probe_environment(context);
  const win::PreparedLaunch launch =
      win::prepare_sandboxed_launch({profile, binding, command, cwd, env, context.home});
  // The capability SIDs (one per writable root: the workspace and TEMP), then the logon SID and
  // Everyone (create_restricted_token).
  std::vector<std::string> expected = launch.token_sids;
  const win::UniqueHandle own = win::open_current_process_token(TOKEN_QUERY);
  const std::optional<win::Sid> logon = win::find_logon_sid(own.get());
  if (logon) expected.push_back(logon->to_string());
  expected.push_back("S-1-1-0");
  observed = "token built with " + std::to_string(launch.token_sids.size()) +
             " capability SIDs (workspace and TEMP)";
  const bool shape = launch.token_sids.size() == 2 && logon.has_value();
  if (win::running_under_wine()) {
    observed += "; restricting SIDs read back from the token: not available under Wine";
    return shape;
  }
  const std::vector<std::string> actual = win::restricting_sids(launch.token.get());
  const bool same = actual == expected;
  observed += same ? "; restricting SIDs read back: capabilities, logon SID, Everyone"
                   : "; the token's restricting SIDs differ from capabilities + logon + Everyone";
  return shape && same;
}

SelftestRow run_probe(const ProbeSpec& spec, SelftestBackend backend, const fs::path& directory,
                      const Places& shared, const SelftestOptions& options, bool verifiable) {
  const auto started = std::chrono::steady_clock::now();
  SelftestRow row{.probe = spec.name, .backend = backend, .kind = spec.kind};
  ProbeContext context{.backend = backend,
                       .places = shared,
                       .home = host_path(shared.at("home")),
                       .allow_setup_prompt = options.allow_setup_prompt,
                       .enforcement_verifiable = verifiable,
                       .scratch = directory.parent_path()};
  bool matched = false;
  try {
    for (const char* place : {"ws", "outside", "extra", "tmp"}) {
      fs::create_directories(directory / place);
      context.places[place] = utf8(directory / place);
    }
    fs::create_directories(directory / "ws" / ".git");
    std::optional<win::ServedPipe> pipe;
    std::optional<win::HeldMutex> mutex;
    std::optional<win::LoopbackHttpResponder> listener;
    for (const selftest::Fixture fixture : spec.fixtures) {
      switch (fixture) {
        case selftest::Fixture::pipe: context.places["pipe"] = pipe.emplace().name(); break;
        case selftest::Fixture::mutex: context.places["mutex"] = mutex.emplace().name(); break;
        case selftest::Fixture::listener:
          context.places["port"] = std::to_string(listener.emplace().port());
          break;
      }
    }
    row.expected = selftest::expand_placeholders(spec.expected, context.places);
    switch (spec.builtin) {
      case selftest::BuiltinProbe::resolution:
        matched = builtin_resolution(context, row.observed);
        break;
      case selftest::BuiltinProbe::acl_plan:
        matched = builtin_acl_plan(context, row.observed);
        break;
      case selftest::BuiltinProbe::token: matched = builtin_token(context, row.observed); break;
      case selftest::BuiltinProbe::none:
        matched = true;
        for (const ProbeRun& run : spec.runs) {
          const bool witness = spec.kind == ProbeKind::enforcement;
          if (!perform_run(context, run, witness, row.observed)) matched = false;
        }
        break;
    }
  } catch (const Error& error) {
    if (!row.observed.empty()) row.observed += "; ";
    row.observed += "error " + std::string(error_code_name(error.code())) + ": " + error.what();
    matched = false;
  } catch (const std::exception& error) {
    if (!row.observed.empty()) row.observed += "; ";
    row.observed += std::string("error: ") + error.what();
    matched = false;
  }
  if (row.expected.empty()) row.expected = spec.expected;
  row.verdict = selftest::probe_verdict(spec.kind, matched, verifiable);
  if (!verifiable && !spec.tool.empty()) {
    // Wine has no curl, and its powershell.exe is a stub: nothing to say about them here.
    row.verdict = ProbeVerdict::not_verifiable;
    row.observed += " (" + spec.tool + " is not a working program on this host)";
  }
  row.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return row;
}

}  // namespace

SelftestReport run_selftest(const SelftestOptions& options) {
  SelftestReport report;
  const bool wine = win::running_under_wine();
  report.host = wine ? "wine" : "windows";
  report.enforcement_verifiable = !wine;

  const bool own_scratch = options.scratch_directory.empty();
  const fs::path scratch =
      own_scratch ? fs::temp_directory_path() / ("winsandbox-selftest-" + win::random_hex(6))
                  : options.scratch_directory;
  std::error_code ec;
  fs::create_directories(scratch, ec);
  if (ec) throw Error(ErrorCode::io_error, "cannot create " + utf8(scratch) + ": " + ec.message());
  // The scratch directory holds junctions to system directories: removed without following them.
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      if (path.empty()) return;
      try {
        win::remove_tree_without_following(path);
      } catch (const Error&) {  // a leftover in the temporary directory, nothing more
      }
    }
  } cleanup{own_scratch ? scratch : fs::path{}};

  const fs::path home = options.sandbox_home.empty() ? scratch / "home" : options.sandbox_home;
  fs::create_directories(home, ec);
  Places shared{
      {"home", utf8(home)},
      {"userprofile", environment_value("USERPROFILE", "C:\\Users\\Default")},
      {"systemroot", environment_value("SystemRoot", "C:\\Windows")},
      {"programdata", environment_value("ProgramData", "C:\\ProgramData")},
      {"programfiles", environment_value("ProgramFiles", "C:\\Program Files")},
      {"systemdrive", environment_value("SystemDrive", "C:")},
      {"nonce", win::random_hex(6)},
      {"pid", std::to_string(GetCurrentProcessId())},
  };
  int index = 0;
  for (const SelftestBackend backend : options.backends) {
    for (const ProbeSpec* spec : selftest::probes_for(backend)) {
      if (!options.only.empty() &&
          std::find(options.only.begin(), options.only.end(), spec->name) == options.only.end()) {
        continue;
      }
      // Appended, not `"p" + std::to_string(...)`: that trips GCC 12's -Wrestrict at -O3.
      std::string name = "p";
      name += std::to_string(++index);
      const fs::path directory = scratch / name;
      SelftestRow row =
          run_probe(*spec, backend, directory, shared, options, report.enforcement_verifiable);
      if (options.on_row) options.on_row(row);
      report.rows.push_back(std::move(row));
    }
  }
  return report;
}

#endif

}  // namespace winsandbox
