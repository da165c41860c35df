// The network stub directory on a real file system (portable: runs natively and under Wine).
#include "plan/denybin.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "common/atomic_file.hpp"
#include "plan_test_support.hpp"
#include "test_support.hpp"
#include "winsandbox/child_env.hpp"

namespace winsandbox {
namespace {

namespace fs = std::filesystem;

constexpr char kStubBytes[] = "@echo off\r\nexit /b 1\r\n";

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const fs::path& path) {
  return read_file_if_exists(path).value_or("<missing>");
}

class DenybinDirectoryTest : public ::testing::Test {
protected:
  fs::path stub_path(std::string_view name) const { return home.path() / ".sbx-denybin" / name; }
  testing::ScratchDir home;
};

TEST_F(DenybinDirectoryTest, WritesEveryStubWithExactBytes) {
  const fs::path directory = ensure_denybin_directory(home.path() / "fresh");
  EXPECT_EQ(directory, home.path() / "fresh" / ".sbx-denybin");
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    ++files;
    EXPECT_EQ(read_text(entry.path()), kStubBytes) << entry.path();
  }
  EXPECT_EQ(files, 4u);
  for (const char* name : {"ssh.bat", "ssh.cmd", "scp.bat", "scp.cmd"}) {
    EXPECT_EQ(read_text(directory / name), kStubBytes) << name;
  }
}

TEST_F(DenybinDirectoryTest, RewritesATamperedStubAndLeavesCorrectOnesAlone) {
  ensure_denybin_directory(home.path());
  write_text(stub_path("ssh.bat"), "@echo off\r\nC:\\real\\ssh.exe %*\r\n");
  write_text(stub_path("scp.cmd"), "");  // truncated
  // An old timestamp on every stub: a rewrite replaces it with the current time. (Read back:
  // the file system may round what was set.)
  std::map<std::string, fs::file_time_type> stamped;
  for (const auto& stub : denybin_stubs()) {
    const fs::path file = stub_path(stub.file_name);
    fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::hours(24 * 365));
    stamped[stub.file_name] = fs::last_write_time(file);
  }

  ensure_denybin_directory(home.path());
  for (const auto& stub : denybin_stubs()) {
    SCOPED_TRACE(stub.file_name);
    const fs::path file = stub_path(stub.file_name);
    EXPECT_EQ(read_text(file), kStubBytes);
    const bool tampered = stub.file_name == "ssh.bat" || stub.file_name == "scp.cmd";
    EXPECT_EQ(fs::last_write_time(file) == stamped[stub.file_name], !tampered);
  }
}

TEST_F(DenybinDirectoryTest, RemovesLeftoverCurlAndWgetStubsOnly) {
  fs::create_directories(home.path() / ".sbx-denybin");
  for (const char* name : {"curl.bat", "curl.cmd", "wget.bat", "wget.cmd", "notes.txt"}) {
    write_text(stub_path(name), "x");
  }
  ensure_denybin_directory(home.path());
  for (const char* name : {"curl.bat", "curl.cmd", "wget.bat", "wget.cmd"}) {
    EXPECT_FALSE(fs::exists(stub_path(name))) << name;
  }
  EXPECT_EQ(read_text(stub_path("notes.txt")), "x");
}

TEST_F(DenybinDirectoryTest, FailuresAreIoErrorsNamingTheDirectory) {
  // The directory's name taken by a file.
  write_text(home.path() / ".sbx-denybin", "not a directory");
  EXPECT_WS_ERROR(ensure_denybin_directory(home.path()), ErrorCode::io_error,
                  "cannot prepare the network stub directory");
  fs::remove(home.path() / ".sbx-denybin");
  // A stub's name taken by a directory: it can be neither read nor replaced.
  fs::create_directories(stub_path("ssh.cmd"));
  EXPECT_WS_ERROR(ensure_denybin_directory(home.path()), ErrorCode::io_error, "ssh.cmd");
}

}  // namespace
}  // namespace winsandbox
