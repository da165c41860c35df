// The elevated spawn context with an injectable random source (tests, golden SIDs), and its
// JSON value for documents that embed it.
#pragma once

#include "common/json_cursor.hpp"
#include "plan/random_source.hpp"
#include "winsandbox/spawn_context.hpp"

namespace winsandbox {

// prepare_elevated_spawn_context_for_permissions with `random` for new capability SIDs (the
// public overload uses system_random_source()).
ElevatedSpawnContext prepare_elevated_spawn_context_for_permissions(
    const ResolvedPermissions& resolved, const WinPath& sandbox_home, const WinPath& cwd,
    const Environment& env, const std::vector<std::string>& command,
    const ElevatedSpawnOverrides& overrides, const FileSystemView& fs, RandomSource& random);

Json to_json_value(const ElevatedSpawnContext& context);

}  // namespace winsandbox
