// PermissionProfile: what a sandboxed command may read, write and reach on the network.
// Wire-compatible with the reference JSON (docs/profiles.md#wire-format).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {

// Network policy of a profile. JSON: "restricted" | "enabled".
enum class NetworkAccess { restricted, enabled };

// Access granted to a filesystem entry. JSON: "read" | "write" | "deny" ("none" is accepted
// on input as an alias of "deny"). Conflict order: read < write < deny.
//
// | mode  | can read | can write |
// |-------|----------|-----------|
// | read  | yes      | no        |
// | write | yes      | yes       |
// | deny  | no       | no        |
enum class FileSystemAccessMode : std::uint8_t { read = 0, write = 1, deny = 2 };

constexpr bool can_read(FileSystemAccessMode mode) {
  return mode != FileSystemAccessMode::deny;
}
constexpr bool can_write(FileSystemAccessMode mode) {
  return mode == FileSystemAccessMode::write;
}

// A symbolic path, resolved at enforcement time. JSON: {"kind":…} (snake_case).
//
// | kind          | JSON                                     | means                          |
// |---------------|------------------------------------------|--------------------------------|
// | root          | {"kind":"root"}                          | drive (or share) root of cwd   |
// | minimal       | {"kind":"minimal"}                       | platform default read roots    |
// | project_roots | {"kind":"project_roots","subpath":"x"}   | each workspace root (⊕ subpath)|
// | tmpdir        | {"kind":"tmpdir"}                        | TEMP/TMP of the child env      |
// | slash_tmp     | {"kind":"slash_tmp"}                     | `/tmp` (ignored on Windows)    |
// | unknown       | {"kind":"unknown","path":":x"}           | forward compatibility: ignored |
// `current_working_directory` is accepted on input as project_roots without subpath.
struct FileSystemSpecialPath {
  enum class Kind { root, minimal, project_roots, tmpdir, slash_tmp, unknown };

  Kind kind = Kind::root;
  std::string path;                    // unknown only: the config token, e.g. ":future"
  std::optional<std::string> subpath;  // project_roots and unknown only

  static FileSystemSpecialPath root() { return {Kind::root, {}, {}}; }
  static FileSystemSpecialPath minimal() { return {Kind::minimal, {}, {}}; }
  static FileSystemSpecialPath project_roots(std::optional<std::string> subpath = {}) {
    return {Kind::project_roots, {}, std::move(subpath)};
  }
  static FileSystemSpecialPath tmpdir() { return {Kind::tmpdir, {}, {}}; }
  static FileSystemSpecialPath slash_tmp() { return {Kind::slash_tmp, {}, {}}; }
  static FileSystemSpecialPath unknown(std::string path, std::optional<std::string> subpath = {}) {
    return {Kind::unknown, std::move(path), std::move(subpath)};
  }

  friend bool operator==(const FileSystemSpecialPath&, const FileSystemSpecialPath&) = default;
};

// A glob pattern (deny-read only). `codex-project-roots://<pattern>` is relative to each
// workspace root; other relative patterns are relative to the command cwd.
struct GlobPattern {
  std::string pattern;
  friend bool operator==(const GlobPattern&, const GlobPattern&) = default;
};

// Prefix marking a glob relative to each workspace root.
inline constexpr std::string_view kProjectRootsGlobPrefix = "codex-project-roots://";

// Where an entry applies. JSON tagged by "type": path | glob_pattern | special.
using FileSystemPath = std::variant<FileSystemSpecialPath, WinPath, GlobPattern>;

// True when two paths name the same target (docs/profiles.md#same-target-rule): equal exact paths,
// equal specials, equal globs, or `:root` and a bare drive/share root.
bool shares_target(const FileSystemPath& a, const FileSystemPath& b);

struct FileSystemSandboxEntry {
  FileSystemPath path;
  FileSystemAccessMode access = FileSystemAccessMode::read;
  friend bool operator==(const FileSystemSandboxEntry&, const FileSystemSandboxEntry&) = default;
};

// Managed filesystem permissions. JSON tagged by "type": restricted | unrestricted.
struct RestrictedFileSystem {
  std::vector<FileSystemSandboxEntry> entries;
  std::optional<std::uint32_t> glob_scan_max_depth;  // >= 1 when present
  friend bool operator==(const RestrictedFileSystem&, const RestrictedFileSystem&) = default;
};
struct UnrestrictedFileSystem {
  friend bool operator==(const UnrestrictedFileSystem&, const UnrestrictedFileSystem&) = default;
};
using ManagedFileSystemPermissions = std::variant<RestrictedFileSystem, UnrestrictedFileSystem>;

// The permission profile. JSON tagged by "type": managed | disabled | external.
//
// | variant  | meaning                                               | enforceable here |
// |----------|-------------------------------------------------------|------------------|
// | managed  | winsandbox enforces `file_system` and `network`       | if restricted    |
// | disabled | no sandbox at all (danger-full-access)                | no               |
// | external | another sandbox encloses the process; network only    | no               |
struct ManagedProfile {
  ManagedFileSystemPermissions file_system;
  NetworkAccess network = NetworkAccess::restricted;
  friend bool operator==(const ManagedProfile&, const ManagedProfile&) = default;
};
struct DisabledProfile {
  friend bool operator==(const DisabledProfile&, const DisabledProfile&) = default;
};
struct ExternalProfile {
  NetworkAccess network = NetworkAccess::restricted;
  friend bool operator==(const ExternalProfile&, const ExternalProfile&) = default;
};

// How a profile is enforced (docs/profiles.md#enforcement-kinds).
enum class SandboxEnforcement { managed, disabled, external };

// The runtime filesystem policy the reference pairs with a network policy
// (`FileSystemSandboxPolicy`): a kind plus, for `restricted`, the entries.
struct FileSystemSandboxPolicy {
  enum class Kind { restricted, unrestricted, external_sandbox };
  Kind kind = Kind::restricted;
  std::vector<FileSystemSandboxEntry> entries;
  std::optional<std::uint32_t> glob_scan_max_depth;
  friend bool operator==(const FileSystemSandboxPolicy&, const FileSystemSandboxPolicy&) = default;
};

class PermissionProfile {
public:
  using Variant = std::variant<ManagedProfile, DisabledProfile, ExternalProfile>;

  // Default: managed, restricted, no entries (no access at all), network restricted.
  PermissionProfile() : value_(ManagedProfile{RestrictedFileSystem{}, NetworkAccess::restricted}) {}
  // Implicit from each variant, so `PermissionProfile p = DisabledProfile{};` reads naturally.
  PermissionProfile(ManagedProfile managed) : value_(std::move(managed)) {}  // NOLINT
  PermissionProfile(DisabledProfile disabled) : value_(disabled) {}          // NOLINT
  PermissionProfile(ExternalProfile external) : value_(external) {}          // NOLINT

  // `:root` = read, network restricted.
  static PermissionProfile read_only();
  // workspace_write_with({}, restricted, false, false).
  static PermissionProfile workspace_write();
  // The reference workspace-write entry list (docs/profiles.md#workspace-write): root=read,
  // project_roots=write, slash_tmp=write (unless excluded), tmpdir=write (unless excluded),
  // each extra root=write, project_roots/{.git,.agents,.codex}=read, then the existing
  // protected metadata of each extra root (looked up in `fs`) as read carve-outs.
  static PermissionProfile workspace_write_with(const std::vector<WinPath>& writable_roots,
                                                NetworkAccess network, bool exclude_tmpdir,
                                                bool exclude_slash_tmp, const FileSystemView& fs);

  // Rebuilds a profile from runtime permissions (docs/profiles.md#enforcement-kinds):
  // | file system kind | enforcement | result                          |
  // |------------------|-------------|---------------------------------|
  // | external_sandbox | any         | external{network}               |
  // | unrestricted     | disabled    | disabled (network ignored)      |
  // | unrestricted     | otherwise   | managed{unrestricted, network}  |
  // | restricted       | any         | managed{restricted, network}    |
  static PermissionProfile from_runtime_permissions(SandboxEnforcement enforcement,
                                                    const FileSystemSandboxPolicy& file_system,
                                                    NetworkAccess network);
  // The runtime filesystem policy: managed → its own; disabled → unrestricted; external →
  // external_sandbox.
  FileSystemSandboxPolicy file_system_policy() const;
  SandboxEnforcement enforcement() const noexcept;

  const Variant& value() const noexcept { return value_; }
  Variant& value() noexcept { return value_; }

  const ManagedProfile* managed() const noexcept { return std::get_if<ManagedProfile>(&value_); }
  // Entries of a managed restricted profile; nullptr otherwise.
  const RestrictedFileSystem* restricted_file_system() const noexcept;
  // Network policy: managed/external → their field; disabled → enabled.
  NetworkAccess network() const noexcept;

  friend bool operator==(const PermissionProfile&, const PermissionProfile&) = default;

private:
  Variant value_;
};

// JSON codec (docs/profiles.md#wire-format). Output is compact and byte-identical to the reference
// serialization. Input errors throw Error(invalid_profile) naming the JSON path, e.g.
// `$.file_system.entries[2].path.path: expected an absolute path, got "docs"`.
std::string profile_to_json(const PermissionProfile& profile);
PermissionProfile profile_from_json(std::string_view json);

// Names used in JSON, exposed for diagnostics.
std::string_view access_mode_name(FileSystemAccessMode mode) noexcept;
std::string_view network_access_name(NetworkAccess network) noexcept;

}  // namespace winsandbox
