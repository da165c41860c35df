// Whole-policy predicates over restricted filesystem entries (docs/profiles.md#full-disk-write).
#pragma once

#include "winsandbox/profile.hpp"

namespace winsandbox {

// `:root = write` and no entry narrows writes: a non-write entry narrows unless it is a
// `read` entry shadowed by a `write` entry for the same target; `:root = read`, `:minimal`
// and unknown specials never narrow; globs always do.
bool has_full_disk_write_access(const RestrictedFileSystem& file_system);

}  // namespace winsandbox
