// One table per enum of its values and their stable names (JSON fields, CLI output), read in
// both directions: the name of a value, the value of a name. Replaces hand-written name and
// parse switches that could drift apart.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace winsandbox {

template <typename Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

template <typename Enum, std::size_t N>
using EnumNames = std::array<EnumName<Enum>, N>;

// The name of `value`; "unknown" for a value the table lacks (a cast from a bad integer): no
// reader accepts it, so a bad value fails closed instead of passing for a real one (an access
// mode must never turn into "read").
template <typename Enum, std::size_t N>
constexpr std::string_view enum_name(const EnumNames<Enum, N>& names, Enum value) noexcept {
  for (const auto& entry : names) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

// The value named exactly `name` (case-sensitive), or nullopt.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> enum_from_name(const EnumNames<Enum, N>& names,
                                             std::string_view name) noexcept {
  for (const auto& entry : names) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace winsandbox
