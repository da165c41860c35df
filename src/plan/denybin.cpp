#include "plan/denybin.hpp"

#include <string>
#include <system_error>

#include "common/atomic_file.hpp"
#include "winsandbox/child_env.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kLeftoverStubs[] = {"curl.bat", "curl.cmd", "wget.bat", "wget.cmd"};

void write_stubs(const fs::path& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) throw Error(ErrorCode::io_error, "cannot create the directory: " + ec.message());
  for (const DenybinStub& stub : denybin_stubs()) {
    const fs::path file = directory / stub.file_name;
    if (read_file_if_exists(file) != stub.content) write_file_atomically(file, stub.content);
  }
  for (const std::string_view name : kLeftoverStubs) {
    const fs::path file = directory / name;
    fs::remove(file, ec);
    if (ec) {
      throw Error(ErrorCode::io_error,
                  "cannot remove the leftover stub " + path_to_utf8(file) + ": " + ec.message());
    }
  }
}

}  // namespace

fs::path denybin_lock_path(const fs::path& sandbox_home) {
  fs::path path = sandbox_home / kDenybinDirectoryName;
  path += ".lock";
  return path;
}

fs::path ensure_denybin_directory(const fs::path& sandbox_home) {
  const fs::path directory = sandbox_home / kDenybinDirectoryName;
  try {
    // Concurrent first uses of one home would otherwise race: one process replacing a stub
    // while another reads or replaces it (a rename onto an open file fails on Windows).
    const FileLock lock = FileLock::acquire(denybin_lock_path(sandbox_home));
    write_stubs(directory);
  } catch (const Error& error) {
    throw Error(ErrorCode::io_error, "cannot prepare the network stub directory " +
                                         path_to_utf8(directory) + ": " + error.what());
  }
  return directory;
}

}  // namespace winsandbox
