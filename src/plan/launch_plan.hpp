// The launch planner: the one place that decides, for every spawn path (unelevated capture and
// session, the elevated parent's spawn context, the runner), whether a backend can enforce the
// resolved permissions, what environment the child gets, which program runs and with which
// command line (docs/execution.md#launch-planner). Portable and stateless: the stateful steps
// (SID store, ACLs, token) come after it, so bad input fails before any state is touched.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "winsandbox/child_env.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// Where argv[0] is looked up.
//
// | lookup   | who               | program            | command line                         |
// |----------|-------------------|--------------------|--------------------------------------|
// | now      | unelevated, runner| resolve_program    | command_line_for_program (batch-safe)|
// | deferred | elevated parent   | nullopt            | quote_command_line(argv) (a preview) |
//
// The elevated parent defers because the runner looks the program up as the sandbox account,
// which may be denied PATH directories the user can read: only the runner's lookup sees what
// the account can run.
enum class ProgramLookup { now, deferred };

struct LaunchPlanInput {
  SandboxBackend backend = SandboxBackend::unelevated;
  // Resolved against the profile's binding, never the command cwd
  // (docs/architecture.md#binding-rule).
  const ResolvedPermissions& resolved;
  const WinPath& command_cwd;  // where the child starts
  const WinPath& sandbox_home;
  const Environment& env;  // the environment the caller wants the command to have
  const std::vector<std::string>& command;
  std::optional<std::string> inherited_path;  // the host's PATH / PATHEXT (ChildEnvironmentOptions)
  std::optional<std::string> inherited_pathext;
  std::optional<WinPath> denybin_directory;  // unelevated backend, network blocked
  ProgramLookup program_lookup = ProgramLookup::now;
};

struct LaunchPlan {
  Environment environment;
  std::optional<WinPath> program;  // ProgramLookup::now only
  std::string command_line;
};

// The program and command line for `command` started in `cwd` with `child_env`
// (resolve_program, command_line_for_program). The runner calls this on the environment the
// parent planned; plan_launch calls it with ProgramLookup::now.
struct PlannedProgram {
  WinPath program;
  std::string command_line;
};
PlannedProgram plan_program(const std::vector<std::string>& command, const WinPath& cwd,
                            const Environment& child_env, const FileSystemView& fs);

// Admission: whether the launch may happen at all, decided before any state is written.
// 1. the command: non-empty argv and program name (Error(invalid_argument));
// 2. the backend can enforce `resolved` (require_backend_enforces);
// 3. the sandbox home lies outside every writable root
//    (require_sandbox_home_outside_writable_roots).
void admit_launch(const LaunchPlanInput& input, const FileSystemView& fs);

// The plan, for an input admit_launch accepted (a caller with a step between the two, such as
// writing the network stubs, calls them separately; every other caller calls plan_launch):
// 4. environment = build_child_environment(env, backend, network, cwd + writable roots,
//    inherited PATH/PATHEXT, denybin directory);
// 5. program and command line per `program_lookup`.
// Reads `fs`, writes nothing. Throws as those steps do (command_not_found for a program that is
// not found with ProgramLookup::now).
LaunchPlan plan_admitted_launch(const LaunchPlanInput& input, const FileSystemView& fs);

// admit_launch, then plan_admitted_launch.
LaunchPlan plan_launch(const LaunchPlanInput& input, const FileSystemView& fs);

// Refuses (Error(elevated_backend_required)) what the unelevated backend cannot enforce: its
// token is write-restricted, so every read is decided by the user's own SIDs — it can neither
// narrow reads to some roots nor deny a path. For the elevated backend:
// validate_elevated_read_access.
void require_backend_enforces(SandboxBackend backend, const ResolvedPermissions& resolved,
                              const FileSystemView& fs);

}  // namespace winsandbox
