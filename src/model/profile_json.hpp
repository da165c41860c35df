// JSON codec of the permission model, at the Json-value level (for embedding profiles in
// larger documents: IPC messages, plans). The public string API wraps these.
#pragma once

#include "common/json_cursor.hpp"
#include "winsandbox/profile.hpp"

namespace winsandbox {

Json to_json_value(const PermissionProfile& profile);
Json to_json_value(const FileSystemSandboxEntry& entry);
Json to_json_value(const FileSystemPath& path);
Json to_json_value(const FileSystemSpecialPath& special);
Json to_json_value(const ManagedFileSystemPermissions& file_system);

PermissionProfile profile_from_json_value(const JsonCursor& cursor);
FileSystemSandboxEntry entry_from_json_value(const JsonCursor& cursor);
FileSystemAccessMode access_mode_from_json_value(const JsonCursor& cursor);
NetworkAccess network_access_from_json_value(const JsonCursor& cursor);
// An absolute path value; a relative or malformed one fails with the cursor's code.
WinPath absolute_path_from_json_value(const JsonCursor& cursor);

}  // namespace winsandbox
