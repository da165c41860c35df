#include "plan/launch_plan.hpp"

#include "plan/program_resolution.hpp"
#include "plan/sandbox_home.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

void require_command(const std::vector<std::string>& command) {
  if (command.empty()) {
    throw Error(ErrorCode::invalid_argument, "no command given: the argv is empty");
  }
  if (command.front().empty()) {
    throw Error(ErrorCode::invalid_argument,
                "the program name (the command's first word) is empty");
  }
}

void require_unelevated_read_access(const ResolvedPermissions& resolved) {
  if (!resolved.full_disk_read) {
    throw Error(ErrorCode::elevated_backend_required,
                "the profile restricts reads (no full-disk read access), which only the "
                "elevated backend enforces; the unelevated backend would let the command read "
                "everything the user can");
  }
  if (!resolved.deny_read.empty() || !resolved.deny_read_globs.empty()) {
    const std::string first = resolved.deny_read.empty() ? resolved.deny_read_globs.front()
                                                         : resolved.deny_read.front().str();
    throw Error(ErrorCode::elevated_backend_required,
                "the profile denies reads (" + first +
                    ", ...), which only the elevated backend enforces; the unelevated backend "
                    "would let the command read them");
  }
}

}  // namespace

void require_backend_enforces(SandboxBackend backend, const ResolvedPermissions& resolved,
                              const FileSystemView& fs) {
  if (backend == SandboxBackend::unelevated) {
    require_unelevated_read_access(resolved);
  } else {
    validate_elevated_read_access(resolved, fs);
  }
}

PlannedProgram plan_program(const std::vector<std::string>& command, const WinPath& cwd,
                            const Environment& child_env, const FileSystemView& fs) {
  require_command(command);
  WinPath program = resolve_program(command.front(), cwd, child_env, fs);
  std::string command_line = command_line_for_program(program, command);
  return PlannedProgram{std::move(program), std::move(command_line)};
}

void admit_launch(const LaunchPlanInput& input, const FileSystemView& fs) {
  require_command(input.command);
  require_backend_enforces(input.backend, input.resolved, fs);
  require_sandbox_home_outside_writable_roots(input.resolved, input.sandbox_home, fs);
}

LaunchPlan plan_launch(const LaunchPlanInput& input, const FileSystemView& fs) {
  admit_launch(input, fs);
  return plan_admitted_launch(input, fs);
}

LaunchPlan plan_admitted_launch(const LaunchPlanInput& input, const FileSystemView& fs) {
  ChildEnvironmentOptions env_options{
      .backend = input.backend,
      .network_blocked = input.resolved.network.blocked,
      .command_cwd = input.command_cwd,
      .writable_roots = writable_root_paths(input.resolved),
      .inherited_path = input.inherited_path,
      .inherited_pathext = input.inherited_pathext,
      .denybin_directory = input.denybin_directory,
  };
  LaunchPlan plan{.environment = build_child_environment(input.env, env_options, fs),
                  .program = std::nullopt,
                  .command_line = {}};
  if (input.program_lookup == ProgramLookup::now) {
    PlannedProgram program = plan_program(input.command, input.command_cwd, plan.environment, fs);
    plan.program = std::move(program.program);
    plan.command_line = std::move(program.command_line);
  } else {
    plan.command_line = quote_command_line(input.command);
  }
  return plan;
}

}  // namespace winsandbox
