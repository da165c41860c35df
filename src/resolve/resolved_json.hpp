// JSON of resolved permissions (the `winsandbox resolve` shape), at the Json-value level so
// plans can embed it.
#pragma once

#include "common/json_cursor.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

Json to_json_value(const ResolvedPermissions& resolved);
Json to_json_value(const PathVerdict& verdict);
Json paths_to_json(const std::vector<WinPath>& paths);

}  // namespace winsandbox
