// JSON values of the setup request and marker (include/winsandbox/setup_request.hpp), for
// documents that embed them (`winsandbox plan`) and for the marker file.
#pragma once

#include "common/json_cursor.hpp"
#include "winsandbox/setup_request.hpp"

namespace winsandbox {

// The marker's place under the sandbox home.
inline constexpr std::string_view kSetupMarkerDirectory = ".sandbox";
inline constexpr std::string_view kSetupMarkerFileName = "setup_marker.json";

Json to_json_value(const SetupRequest& request);
SetupRequest setup_request_from_json(const JsonCursor& cursor);
Json to_json_value(const SetupMarker& marker);
SetupMarker setup_marker_from_json(const JsonCursor& cursor);

}  // namespace winsandbox
