// What the self-test (src/api/selftest.cpp) needs from Win32 around its probes: the host it runs
// on, junctions and hard links for the probes' attacks, a tree removal that never follows a link
// out of the scratch directory, and the objects the must-be-denied probes aim at (a pipe and a
// mutex this process owns, a loopback HTTP listener). docs/selftest.md#fixtures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "win/handles.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox::win {

// Wine exports wine_get_version from ntdll; Windows does not.
bool running_under_wine() noexcept;

// A directory junction (mount point) at `link`, a new empty directory, to the absolute
// directory `target`. Error(win32_call_failed) when the file system refuses (Wine cannot).
void create_junction(const std::filesystem::path& link, const std::filesystem::path& target);

// A second name `link` for the existing file `existing` (CreateHardLinkW).
void create_hard_link(const std::filesystem::path& link, const std::filesystem::path& existing);

// Removes `path` and, for a real directory, everything below it; a junction, symlink or other
// reparse point is removed itself and never entered, so nothing a link points at is touched.
// Missing paths are fine; Error(win32_call_failed) for the first entry that cannot be removed.
void remove_tree_without_following(const std::filesystem::path& path);

// Deletes the registry key `key` ("HKLM\\Software\\..." or "HKCU\\...") and everything below
// it; a missing key is fine. Error(invalid_argument) for another root, Error(win32_call_failed)
// when the key cannot be deleted.
void delete_registry_tree(const std::string& key);

// A pipe instance this process serves (default security: this user's token decides who may
// write), named \\.\pipe\winsandbox-selftest-<random>.
class ServedPipe {
public:
  ServedPipe();
  const std::string& name() const { return name_; }

private:
  std::string name_;
  UniqueHandle pipe_;
};

// A named mutex this process holds open (default security), Local\winsandbox-selftest-<random>.
class HeldMutex {
public:
  HeldMutex();
  const std::string& name() const { return name_; }

private:
  std::string name_;
  UniqueHandle mutex_;
};

// A TCP listener on 127.0.0.1 (an ephemeral port) answering every connection with an HTTP 200
// whose body is `probe-ok`, on a thread of its own until destroyed.
class LoopbackHttpResponder {
public:
  LoopbackHttpResponder();
  ~LoopbackHttpResponder();
  LoopbackHttpResponder(const LoopbackHttpResponder&) = delete;
  LoopbackHttpResponder& operator=(const LoopbackHttpResponder&) = delete;
  std::uint16_t port() const;

private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace winsandbox::win
