// Small ASCII text helpers shared by the portable layers (one copy of each).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace winsandbox {

constexpr bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// `text` without leading and trailing ASCII whitespace.
std::string_view trim_ascii(std::string_view text);
// ASCII case-insensitive equality (Windows environment names, extensions).
bool iequals_ascii(std::string_view a, std::string_view b);
// FNV-1a (64-bit) of `bytes`, continuing from `hash`: a stable, non-cryptographic name for a
// key (the same on every host and build), e.g. for file and mutex names.
constexpr std::uint64_t kFnv1aOffset = 0xcbf29ce484222325ULL;
std::uint64_t fnv1a_64(std::string_view bytes, std::uint64_t hash = kFnv1aOffset);
// Every piece between separators, empty pieces included ("a;;b" → "a", "", "b").
std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace winsandbox
