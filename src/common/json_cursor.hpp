// JsonCursor: reads a parsed JSON document while tracking the JSON path of every value, so
// that each decoding error names exactly where it happened (`$.entries[2].access: ...`).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/enum_names.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {

// The project's JSON value type: keeps object keys in insertion order, which is what makes
// output byte-identical to the reference serialization.
using Json = nlohmann::ordered_json;

// How deeply arrays and objects may nest in a document we parse.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Parses `text` (possibly untrusted) in O(n log n) time and O(n) memory. Throws Error(code) on
// a syntax error (with the parser's position), on nesting deeper than kMaxJsonDepth, on a
// duplicate key at any depth (naming the key and its object's JSON path), and on a document
// of so many tiny values that its DOM would take more than 12 bytes of memory per input byte.
Json parse_json(std::string_view text, ErrorCode code);

// A value for an error message, bounded whatever the input: scalars as JSON (long ones cut),
// arrays and objects by their type only.
std::string describe_json(const Json& value);

// Compact serialization (no spaces), UTF-8 kept as is.
std::string dump_json(const Json& value);

class JsonCursor {
public:
  JsonCursor(const Json& value, ErrorCode code, std::string path = "$")
      : value_(&value), code_(code), path_(std::move(path)) {}

  const Json& value() const noexcept { return *value_; }
  const std::string& path() const noexcept { return path_; }
  ErrorCode code() const noexcept { return code_; }

  // Throws Error(code) with "<path>: <message>".
  [[noreturn]] void fail(std::string_view message) const;

  // Type checks; each throws with the JSON path when the value has another type.
  const Json::object_t& object() const;
  const Json::array_t& array() const;
  const std::string& string() const;
  bool boolean() const;
  std::uint64_t unsigned_integer() const;

  bool has(std::string_view key) const;
  // A required member; missing → "missing required field `key`".
  JsonCursor field(std::string_view key) const;
  // An optional member; absent (or null when `null_is_absent`) → nullopt.
  std::optional<JsonCursor> optional_field(std::string_view key, bool null_is_absent = false) const;
  // Element `index` of an array.
  JsonCursor element(std::size_t index) const;
  // Fails on a member not in `allowed` (for shapes that reject unknown fields).
  void reject_unknown_fields(std::initializer_list<std::string_view> allowed) const;

private:
  const Json* value_;
  ErrorCode code_;
  std::string path_;
};

// The value `cursor`'s string names in `names`; fails "unknown <what> `<text>`" otherwise.
template <typename Enum, std::size_t N>
Enum enum_from_json(const JsonCursor& cursor, const EnumNames<Enum, N>& names,
                    std::string_view what) {
  const std::string& text = cursor.string();
  if (const auto value = enum_from_name(names, text)) return *value;
  cursor.fail("unknown " + std::string(what) + " `" + text + "`");
}

}  // namespace winsandbox
