#include "common/json_cursor.hpp"

#include <algorithm>

namespace winsandbox {

Json parse_json(std::string_view text, ErrorCode code) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    // parse_error, and also out_of_range for numbers like 1e400.
    throw Error(code, std::string("invalid JSON: ") + e.what());
  }
}

std::string dump_json(const Json& value) {
  // `replace` keeps the output valid UTF-8 even if a string slipped through unchecked.
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void JsonCursor::fail(std::string_view message) const {
  throw Error(code_, path_ + ": " + std::string(message));
}

const Json::object_t& JsonCursor::object() const {
  if (!value_->is_object()) fail(std::string("expected an object, got ") + value_->type_name());
  return value_->get_ref<const Json::object_t&>();
}

const Json::array_t& JsonCursor::array() const {
  if (!value_->is_array()) fail(std::string("expected an array, got ") + value_->type_name());
  return value_->get_ref<const Json::array_t&>();
}

const std::string& JsonCursor::string() const {
  if (!value_->is_string()) fail(std::string("expected a string, got ") + value_->type_name());
  return value_->get_ref<const std::string&>();
}

bool JsonCursor::boolean() const {
  if (!value_->is_boolean()) fail(std::string("expected a boolean, got ") + value_->type_name());
  return value_->get<bool>();
}

std::uint64_t JsonCursor::unsigned_integer() const {
  if (!value_->is_number_unsigned()) {
    fail(std::string("expected a non-negative integer, got ") + value_->dump());
  }
  return value_->get<std::uint64_t>();
}

bool JsonCursor::has(std::string_view key) const {
  const auto& members = object();
  return members.find(std::string(key)) != members.end();
}

JsonCursor JsonCursor::field(std::string_view key) const {
  const auto& members = object();
  const auto it = members.find(std::string(key));
  if (it == members.end()) fail("missing required field `" + std::string(key) + "`");
  return JsonCursor(it->second, code_, path_ + "." + std::string(key));
}

std::optional<JsonCursor> JsonCursor::optional_field(std::string_view key,
                                                     bool null_is_absent) const {
  const auto& members = object();
  const auto it = members.find(std::string(key));
  if (it == members.end() || (null_is_absent && it->second.is_null())) return std::nullopt;
  return JsonCursor(it->second, code_, path_ + "." + std::string(key));
}

JsonCursor JsonCursor::element(std::size_t index) const {
  const auto& items = array();
  return JsonCursor(items.at(index), code_, path_ + "[" + std::to_string(index) + "]");
}

void JsonCursor::reject_unknown_fields(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [key, unused] : object()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail("unknown field `" + key + "`");
    }
  }
}

}  // namespace winsandbox
