// Small state files that several processes share (capability SIDs, applied ACL state): atomic
// replacement, an inter-process lock, and the corrupt-file rule. One implementation for every
// store, so they all fail and recover the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_cursor.hpp"

namespace winsandbox {

// `path` as UTF-8 for messages (path::string() can throw on Windows for names the ANSI code
// page cannot represent).
std::string path_to_utf8(const std::filesystem::path& path);

// The whole file, or nullopt if it does not exist. Any other failure: Error(io_error).
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

// Replaces `path` by `contents` so that a reader sees the old file or the new one, never a torn
// one: the bytes go to a new, uniquely named temp file beside `path` (same directory, so the
// same volume), are flushed to the disk (fsync / _commit), and the temp file is renamed over
// `path` (rename(2) on POSIX; MoveFileExW(MOVEFILE_REPLACE_EXISTING) inside the Windows C++
// runtime). On Windows a rename can fail transiently while another program (a virus scanner, an
// indexer) has the target open; it is retried for up to ~1 s. Missing parent directories are
// created. Throws Error(io_error); the temp file is removed on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

// Moves a corrupt file out of the way to `<path>.corrupt` (replacing an older backup) so that a
// human can inspect it, and returns the backup's path. Throws Error(io_error).
std::filesystem::path move_aside_as_corrupt(const std::filesystem::path& path);

// An exclusive lock shared by every process (and every thread: each FileLock is its own open
// file) that uses the same `lock_path`.
//
// Mechanism: an OS lock on a sidecar file that is never deleted — flock(LOCK_EX) on POSIX,
// _locking(_LK_NBLCK) (LockFile underneath) in the Windows C runtime. The kernel drops the lock
// when its holder exits or crashes, so there is no stale lock to detect or break. (The
// alternative, a lock file created with fopen("wx") and deleted on release, needs stale-lock
// breaking after a crash, and breaking one safely is racy: two waiters can both decide the lock
// is stale and the second deletes the first one's fresh lock.)
//
// Waiting polls with a short backoff (1 ms doubling to 50 ms) and gives up after `timeout` with
// Error(io_error) naming the lock file. Holders keep the lock for one small read-modify-write,
// milliseconds, so the default 10 s only expires when something is badly wrong.
class FileLock {
public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

  static FileLock acquire(const std::filesystem::path& lock_path,
                          std::chrono::milliseconds timeout = kDefaultTimeout);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  const std::filesystem::path& path() const noexcept { return path_; }

private:
  FileLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  void release() noexcept;

  std::filesystem::path path_;
  int fd_ = -1;
};

// A versioned JSON state file: `{"version": N, ...}`. The loading rule every store follows:
//
// | file content                              | result                                       |
// |-------------------------------------------|----------------------------------------------|
// | missing                                   | nullopt                                      |
// | valid, version == `version`               | decode(cursor)                               |
// | version greater than `version`            | Error(io_error): a newer winsandbox owns the  |
// |                                           | file; it is never overwritten or moved       |
// | anything else (not JSON, wrong shape,     | moved aside to `<path>.corrupt`, a warning   |
// | older/missing version, decode throws      | appended to `warnings`, nullopt (the caller  |
// | Error)                                    | starts afresh and writes a new file)         |
//
// Call it while holding the store's FileLock, so that the move-aside cannot race a writer.
// `decode` receives the root object and throws Error for anything it does not accept.
//
// With CorruptState::leave_in_place (dry runs, which must touch nothing) a corrupt file is not
// moved: the warning says so and the result is nullopt, as above. No lock is needed then.
enum class CorruptState { move_aside, leave_in_place };
template <typename T, typename Decode>
std::optional<T> load_versioned_json(const std::filesystem::path& path, std::uint64_t version,
                                     std::string_view description, Decode&& decode,
                                     std::vector<std::string>& warnings,
                                     CorruptState corrupt = CorruptState::move_aside);

// Pretty-printed (2-space indent) JSON with a trailing newline, the form state files are
// written in.
std::string dump_state_json(const Json& value);

namespace detail {
// Implements the version check and the move-aside for load_versioned_json.
enum class VersionCheck { current, newer, invalid };
VersionCheck check_state_version(const Json& document, std::uint64_t version);
void quarantine_corrupt_state(const std::filesystem::path& path, std::string_view description,
                              std::string_view reason, std::vector<std::string>& warnings,
                              CorruptState corrupt = CorruptState::move_aside);
}  // namespace detail

template <typename T, typename Decode>
std::optional<T> load_versioned_json(const std::filesystem::path& path, std::uint64_t version,
                                     std::string_view description, Decode&& decode,
                                     std::vector<std::string>& warnings, CorruptState corrupt) {
  const std::optional<std::string> text = read_file_if_exists(path);
  if (!text) return std::nullopt;
  Json document;
  try {
    document = parse_json(*text, ErrorCode::io_error);
  } catch (const Error& error) {
    detail::quarantine_corrupt_state(path, description, error.what(), warnings, corrupt);
    return std::nullopt;
  }
  switch (detail::check_state_version(document, version)) {
    case detail::VersionCheck::newer:
      throw Error(ErrorCode::io_error, std::string(description) + " " + path_to_utf8(path) +
                                           " was written by a newer winsandbox (version " +
                                           document.at("version").dump() + ", this build reads " +
                                           std::to_string(version) + "); not touching it");
    case detail::VersionCheck::invalid:
      detail::quarantine_corrupt_state(
          path, description,
          "missing or unsupported \"version\" (expected " + std::to_string(version) + ")", warnings,
          corrupt);
      return std::nullopt;
    case detail::VersionCheck::current: break;
  }
  try {
    return decode(JsonCursor(document, ErrorCode::io_error));
  } catch (const Error& error) {
    detail::quarantine_corrupt_state(path, description, error.what(), warnings, corrupt);
    return std::nullopt;
  }
}

}  // namespace winsandbox
