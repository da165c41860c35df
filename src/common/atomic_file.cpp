// Atomic state files and the inter-process lock: see atomic_file.hpp.
//
// Uses the C runtime's file-descriptor API on every host (open/_wsopen_s, flock/_locking), not
// Win32: the portable layers never include <windows.h>.
#include "common/atomic_file.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <system_error>
#include <thread>
#include <utility>

#include "winsandbox/error.hpp"

#if defined(_WIN32)
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <share.h>
#include <sys/locking.h>
#include <sys/stat.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

namespace winsandbox {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail_errno(std::string_view what, const fs::path& path, int error) {
  throw Error(ErrorCode::io_error, std::string(what) + " " + path_to_utf8(path) + ": " +
                                       std::strerror(error) + " (errno " + std::to_string(error) +
                                       ")");
}

[[noreturn]] void fail_ec(std::string_view what, const fs::path& path, const std::error_code& ec) {
  throw Error(ErrorCode::io_error,
              std::string(what) + " " + path_to_utf8(path) + ": " + ec.message());
}

// ---- thin portable wrappers over the C runtime's descriptor API ----------------------------

enum class OpenMode { read, create_exclusive, lock };

// Returns the descriptor, or -1 with errno set.
int open_file(const fs::path& path, OpenMode mode) {
#if defined(_WIN32)
  int flags = _O_BINARY | _O_NOINHERIT;
  switch (mode) {
    case OpenMode::read: flags |= _O_RDONLY; break;
    case OpenMode::create_exclusive: flags |= _O_WRONLY | _O_CREAT | _O_EXCL; break;
    case OpenMode::lock: flags |= _O_RDWR | _O_CREAT; break;
  }
  int fd = -1;
  const errno_t error = _wsopen_s(&fd, path.c_str(), flags, _SH_DENYNO, _S_IREAD | _S_IWRITE);
  if (error != 0) {
    errno = error;
    return -1;
  }
  return fd;
#else
  int flags = O_CLOEXEC;
  switch (mode) {
    case OpenMode::read: flags |= O_RDONLY; break;
    case OpenMode::create_exclusive: flags |= O_WRONLY | O_CREAT | O_EXCL; break;
    case OpenMode::lock: flags |= O_RDWR | O_CREAT; break;
  }
  int fd;
  do {
    fd = ::open(path.c_str(), flags, 0644);
  } while (fd < 0 && errno == EINTR);
  return fd;
#endif
}

void close_file(int fd) noexcept {
#if defined(_WIN32)
  _close(fd);
#else
  ::close(fd);
#endif
}

// Returns bytes read (0 at the end), or -1 with errno set.
long read_some(int fd, char* buffer, unsigned size) {
#if defined(_WIN32)
  return _read(fd, buffer, size);
#else
  ssize_t got;
  do {
    got = ::read(fd, buffer, size);
  } while (got < 0 && errno == EINTR);
  return static_cast<long>(got);
#endif
}

long write_some(int fd, const char* data, unsigned size) {
#if defined(_WIN32)
  return _write(fd, data, size);
#else
  ssize_t put;
  do {
    put = ::write(fd, data, size);
  } while (put < 0 && errno == EINTR);
  return static_cast<long>(put);
#endif
}

// Flushes the file's data to the disk (not just to the OS cache): without it a crash right after
// the rename can leave a renamed but empty file on some file systems.
int sync_file(int fd) {
#if defined(_WIN32)
  return _commit(fd);
#else
  return ::fsync(fd);
#endif
}

// Tries to take the lock without blocking: 0 on success, otherwise -1 with errno set
// (EWOULDBLOCK / EACCES while another holder has it).
int try_lock(int fd) {
#if defined(_WIN32)
  _lseek(fd, 0, SEEK_SET);  // _locking locks from the current position
  return _locking(fd, _LK_NBLCK, 1);
#else
  int result;
  do {
    result = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (result != 0 && errno == EINTR);
  return result;
#endif
}

bool lock_is_busy(int error) {
#if defined(_WIN32)
  // The C runtime does not say reliably why LockFile failed (Wine's msvcrt leaves errno as it
  // was), so every failure counts as "held by someone else"; a real error then surfaces as the
  // timeout, which names the lock file.
  (void)error;
  return true;
#else
  return error == EWOULDBLOCK || error == EAGAIN;
#endif
}

void unlock(int fd) noexcept {
#if defined(_WIN32)
  _lseek(fd, 0, SEEK_SET);
  _locking(fd, _LK_UNLCK, 1);
#else
  ::flock(fd, LOCK_UN);
#endif
}

unsigned long process_id() {
#if defined(_WIN32)
  return static_cast<unsigned long>(_getpid());
#else
  return static_cast<unsigned long>(::getpid());
#endif
}

// A temp-file name that no other writer picks: pid + a per-process counter + random bits (the
// random bits only guard against pid reuse; uniqueness is enforced by O_EXCL anyway).
fs::path temp_sibling(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  thread_local std::mt19937_64 engine{std::random_device{}() ^ (std::uint64_t{process_id()} << 32)};
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".%lu-%u-%08llx.tmp", process_id(), counter++,
                static_cast<unsigned long long>(engine() & 0xffffffffULL));
  fs::path temp = path;
  temp += suffix;
  return temp;
}

void write_all(int fd, std::string_view contents, const fs::path& path) {
  while (!contents.empty()) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(contents.size(), 1u << 20));
    const long put = write_some(fd, contents.data(), chunk);
    if (put <= 0) fail_errno("cannot write", path, put < 0 ? errno : EIO);
    contents.remove_prefix(static_cast<std::size_t>(put));
  }
}

// fsync of the directory makes the rename itself durable (POSIX only; Windows has no
// equivalent through the C runtime, and NTFS journals the rename).
void sync_directory(const fs::path& directory) noexcept {
#if !defined(_WIN32)
  const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
#else
  (void)directory;
#endif
}

void rename_replacing(const fs::path& from, const fs::path& to) {
#if defined(_WIN32)
  constexpr int kAttempts = 20;
#else
  constexpr int kAttempts = 1;
#endif
  std::error_code ec;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    fs::rename(from, to, ec);
    if (!ec) return;
    if (attempt + 1 < kAttempts) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  fail_ec("cannot rename " + path_to_utf8(from) + " to", to, ec);
}

}  // namespace

std::string path_to_utf8(const fs::path& path) {
  const std::u8string text = path.u8string();
  return std::string(reinterpret_cast<const char*>(text.data()), text.size());
}

std::optional<std::string> read_file_if_exists(const fs::path& path) {
  const int fd = open_file(path, OpenMode::read);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno("cannot open", path, errno);
  }
  std::string contents;
  char buffer[16384];
  for (;;) {
    const long got = read_some(fd, buffer, sizeof buffer);
    if (got < 0) {
      const int error = errno;
      close_file(fd);
      fail_errno("cannot read", path, error);
    }
    if (got == 0) break;
    contents.append(buffer, static_cast<std::size_t>(got));
  }
  close_file(fd);
  return contents;
}

void write_file_atomically(const fs::path& path, std::string_view contents) {
  const fs::path directory = path.parent_path();
  if (!directory.empty()) {
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec) fail_ec("cannot create directory", directory, ec);
  }
  fs::path temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = temp_sibling(path);
    fd = open_file(temp, OpenMode::create_exclusive);
    if (fd < 0 && errno != EEXIST) fail_errno("cannot create", temp, errno);
  }
  if (fd < 0) fail_errno("cannot create a unique temp file for", path, EEXIST);
  try {
    write_all(fd, contents, temp);
    if (sync_file(fd) != 0) fail_errno("cannot flush", temp, errno);
    close_file(fd);
    fd = -1;
    rename_replacing(temp, path);
  } catch (...) {
    if (fd >= 0) close_file(fd);
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
  sync_directory(directory);
}

fs::path move_aside_as_corrupt(const fs::path& path) {
  fs::path backup = path;
  backup += ".corrupt";
  rename_replacing(path, backup);
  return backup;
}

FileLock FileLock::acquire(const fs::path& lock_path, std::chrono::milliseconds timeout) {
  if (lock_path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(lock_path.parent_path(), ec);
    if (ec) fail_ec("cannot create directory", lock_path.parent_path(), ec);
  }
  const int fd = open_file(lock_path, OpenMode::lock);
  if (fd < 0) fail_errno("cannot open lock file", lock_path, errno);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    if (try_lock(fd) == 0) return FileLock(lock_path, fd);
    const int error = errno;
    if (!lock_is_busy(error)) {
      close_file(fd);
      fail_errno("cannot lock", lock_path, error);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      close_file(fd);
      throw Error(ErrorCode::io_error, "timed out after " + std::to_string(timeout.count()) +
                                           " ms waiting for the lock " + path_to_utf8(lock_path) +
                                           " (another winsandbox process is holding it)");
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
  }
}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileLock::~FileLock() {
  release();
}

void FileLock::release() noexcept {
  if (fd_ < 0) return;
  unlock(fd_);
  close_file(fd_);
  fd_ = -1;
}

std::string dump_state_json(const Json& value) {
  return value.dump(2) + "\n";
}

namespace detail {

VersionCheck check_state_version(const Json& document, std::uint64_t version) {
  if (!document.is_object()) return VersionCheck::invalid;
  const auto it = document.find("version");
  if (it == document.end() || !it->is_number_unsigned()) return VersionCheck::invalid;
  const auto found = it->get<std::uint64_t>();
  if (found > version) return VersionCheck::newer;
  return found == version ? VersionCheck::current : VersionCheck::invalid;
}

void quarantine_corrupt_state(const fs::path& path, std::string_view description,
                              std::string_view reason, std::vector<std::string>& warnings,
                              CorruptState corrupt) {
  if (corrupt == CorruptState::leave_in_place) {
    warnings.push_back(std::string(description) + " " + path_to_utf8(path) + " is corrupt (" +
                       std::string(reason) + "); left it in place and ignored it");
    return;
  }
  const fs::path backup = move_aside_as_corrupt(path);
  warnings.push_back(std::string(description) + " " + path_to_utf8(path) + " was corrupt (" +
                     std::string(reason) + "); kept it as " + path_to_utf8(backup) +
                     " and started afresh");
}

}  // namespace detail
}  // namespace winsandbox
