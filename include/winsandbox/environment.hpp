// Environment: a Windows process environment (child env) as a portable value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace winsandbox {

// Keys compare case-insensitively (ASCII, as Windows does for environment names); the first
// spelling of a key is kept, and so is insertion order. Values are UTF-8. Keys are never empty
// and never contain '='; no key or value contains NUL (set() throws Error(invalid_argument)).
// Lookups and set() are O(1) on average (a child environment from an IPC frame may hold tens of
// thousands of variables); erase() is O(size).
class Environment {
public:
  using Entry = std::pair<std::string, std::string>;

  Environment() = default;
  // From `KEY=VALUE` strings (e.g. CLI --env). Throws Error(invalid_argument) on a missing '='.
  static Environment from_assignments(const std::vector<std::string>& assignments);

  // Sets or replaces; a replaced key keeps its original spelling and position.
  void set(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  std::optional<std::string_view> get(std::string_view key) const;
  bool contains(std::string_view key) const { return get(key).has_value(); }

  const std::vector<Entry>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }

  friend bool operator==(const Environment& a, const Environment& b) {
    return a.entries_ == b.entries_;
  }

private:
  std::vector<Entry> entries_;
  // Upper-cased key -> position in entries_.
  std::unordered_map<std::string, std::size_t> index_;
};

// ASCII case-insensitive equality of environment variable names.
bool env_key_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace winsandbox
