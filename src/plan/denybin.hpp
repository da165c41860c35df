// The network stub directory ("denybin") of the unelevated backend: `ssh` / `scp` scripts that
// fail, put first on the PATH of a network-blocked child (winsandbox/child_env.hpp), so a shell
// that types `ssh` runs a stub instead of the real client. Advisory, like the rest of that
// backend's network rules: a program can still open a socket itself.
//
// Portable (std::filesystem and the atomic state-file writer), so it is tested natively too.
#pragma once

#include <filesystem>
#include <string_view>

namespace winsandbox {

inline constexpr std::string_view kDenybinDirectoryName = ".sbx-denybin";

// Makes `<sandbox_home>\.sbx-denybin` (created if missing) hold every denybin_stubs() file with
// exactly its bytes, and returns that directory:
// * all of it happens holding the inter-process FileLock denybin_lock_path(), so concurrent
//   first uses of one home (8 parallel captures) neither race nor fail;
// * a stub that is missing or differs (tampered with, or from another version) is written
//   atomically (write_file_atomically: a reader sees the old file or the new one);
// * a stub that is already right is not written (its timestamp stays);
// * `curl` / `wget` `.bat` / `.cmd` stubs left there by older versions are removed, as the
//   reference does; other files are left alone.
// Throws Error(io_error) naming the path when any step fails: a network-blocked command must
// never start with a PATH whose first entry lacks its stubs.
std::filesystem::path ensure_denybin_directory(const std::filesystem::path& sandbox_home);

// `<sandbox_home>\.sbx-denybin.lock`, beside the directory (not in it: the directory is on the
// child's PATH and holds only the stubs).
std::filesystem::path denybin_lock_path(const std::filesystem::path& sandbox_home);

}  // namespace winsandbox
