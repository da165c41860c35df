// WinPath: an absolute Windows path with Windows semantics on every host OS.
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace winsandbox {

// The namespace an absolute path lives in.
//
// | kind  | accepted spellings                          | root (first component)   |
// |-------|---------------------------------------------|--------------------------|
// | drive | `C:\x`, `C:/x`, `\\?\C:\x`, `\??\C:\x`      | `C:\`                    |
// | unc   | `\\server\share\x`, `\\?\UNC\server\share\x`| `\\server\share\`        |
// | device| `\\.\pipe\x`, `\\.\COM1`, `\\?\GLOBALROOT..`| `\\.\` + first name      |
enum class WinPathKind { drive, unc, device };

// An absolute, lexically normalized Windows path:
// * separators are `\` (input may mix `/` and `\`; runs of separators collapse);
// * `.` components are dropped and `..` folds the previous component; `..` never climbs
//   above the root (`C:\..\x` is `C:\x`, as Win32 does);
// * the `\\?\` / `\??\` verbatim prefixes are stripped for drive and UNC paths, so each file
//   has one spelling (docs/architecture.md#path-identity);
// * the drive letter is upper-cased; other components keep their case for display;
// * no trailing separator except on a bare root (`C:\`, `\\server\share\`).
// The filesystem is never touched. Relative, drive-relative (`C:x`) and rooted (`\x`)
// inputs are rejected with ErrorCode::relative_path; malformed ones (empty, embedded NUL,
// `\\server` without share, invalid UTF-8) with ErrorCode::invalid_path.
//
// Identity (docs/architecture.md#path-identity): two paths are the same file name iff their
// `identity()` strings are equal: case-insensitive (simple Unicode upper-casing), verbatim prefix
// stripped, no trailing separator. `==`, `<`, `hash` and `is_within` all use identity.
class WinPath {
public:
  // Parses a UTF-8 absolute path. Throws Error(relative_path | invalid_path).
  static WinPath parse(std::string_view utf8);
  // As parse, but returns nullopt instead of throwing.
  static std::optional<WinPath> try_parse(std::string_view utf8) noexcept;
  // True if `utf8` is an absolute path in any accepted form (no validation beyond that).
  static bool looks_absolute(std::string_view utf8) noexcept;

  WinPathKind kind() const noexcept { return kind_; }

  // Display form: `C:\repo\x`, `\\server\share\x`, `\\.\pipe\x`.
  const std::string& str() const noexcept { return display_; }
  // Case-folded identity key (docs/architecture.md#path-identity).
  const std::string& identity() const noexcept { return identity_; }

  // The root: `C:\`, `\\server\share\`, `\\.\pipe` (device: `\\.\` + first name).
  WinPath root() const;
  bool is_root() const noexcept;
  // Drive letter for drive paths (upper-case), nullopt otherwise.
  std::optional<char> drive_letter() const noexcept;

  // Components: root first (`C:\`, `\\server\share\`, `\\.\pipe`), then each name.
  // The count is the "specificity" used by profile evaluation: `C:\` = 1, `C:\repo` = 2.
  std::vector<std::string> components() const;
  std::size_t component_count() const noexcept;
  // The last name (empty for a root).
  std::string filename() const;

  // Parent directory; nullopt for a root.
  std::optional<WinPath> parent() const;

  // Joins a relative subpath (`/` or `\` separated; `.` and `..` folded). Throws
  // Error(invalid_path) when `..` would leave this path, when a name is one parse() refuses
  // outside `\\?\` (a DOS device name such as `PRN`, a `:`), and Error(invalid_path) when
  // `relative` is absolute, rooted or drive-relative.
  WinPath join(std::string_view relative) const;
  // Appends one name exactly as a directory listing returned it: nothing trimmed or folded
  // (`a ` and `b.` stay distinct from `a` and `b`; the result keeps `\\?\` when Win32 would
  // alter the name). Throws Error(invalid_path) for an empty name, `.`, `..`, a separator or a
  // character Windows does not allow in a name.
  WinPath child(std::string_view name) const;

  // Component-wise containment by identity: `C:\a\b` is within `C:\a` and `C:\a` is within
  // itself; `C:\ab` is not within `C:\a`.
  bool is_within(const WinPath& ancestor) const noexcept;
  // The components of this path below `ancestor` (empty if equal); nullopt if not within.
  std::optional<std::vector<std::string>> relative_to(const WinPath& ancestor) const;

  friend bool operator==(const WinPath& a, const WinPath& b) noexcept {
    return a.identity_ == b.identity_;
  }
  friend std::strong_ordering operator<=>(const WinPath& a, const WinPath& b) noexcept {
    return a.identity_ <=> b.identity_;
  }

private:
  WinPath() = default;
  WinPathKind kind_ = WinPathKind::drive;
  std::string display_;
  std::string identity_;
  std::size_t root_length_ = 0;  // length of the root prefix within display_
};

// The identity key of an arbitrary UTF-8 name (simple Unicode case folding to upper case).
std::string fold_case(std::string_view utf8);

}  // namespace winsandbox

template <>
struct std::hash<winsandbox::WinPath> {
  std::size_t operator()(const winsandbox::WinPath& p) const noexcept {
    return std::hash<std::string>{}(p.identity());
  }
};
