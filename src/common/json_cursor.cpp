#include "common/json_cursor.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace winsandbox {

namespace {

// Cuts `text` to a length fit for an error message (at a UTF-8 character boundary).
std::string bounded(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  if (text.size() <= kMaxShown) return std::string(text);
  std::size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

// Builds the DOM from SAX events, refusing what the stock DOM parser accepts but untrusted input
// must not get through: nesting deeper than kMaxJsonDepth (checked as each container opens, so
// a flood of `[` stops after kMaxJsonDepth of them), duplicate keys, and more memory than a
// budget proportional to the input. Members are appended
// without ordered_map's linear key search, so an object with many keys parses in
// O(n log n) instead of O(n^2); duplicates are found by sorting the keys when the object closes.
class DomBuilder {
public:
  explicit DomBuilder(std::size_t input_size)
      : budget_(kMaxJsonBytesPerInputByte * input_size + kJsonBudgetSlack) {}

  using string_t = Json::string_t;
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using binary_t = Json::binary_t;

  Json& result() noexcept { return root_; }
  const std::string& error() const noexcept { return error_; }

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(number_integer_t value) { return add(value); }
  bool number_unsigned(number_unsigned_t value) { return add(value); }
  bool number_float(number_float_t value, const string_t&) { return add(value); }
  bool string(string_t& value) {
    return charge(sizeof(string_t) + heap_bytes(value)) && add(std::move(value));
  }
  bool binary(binary_t&) { return refuse("binary values are not JSON"); }

  bool start_object(std::size_t) { return open(Json::value_t::object); }
  bool start_array(std::size_t) { return open(Json::value_t::array); }
  bool end_array() {
    open_.pop_back();
    return true;
  }
  bool key(string_t& key) {
    // The member's key; its value is charged when it arrives.
    if (!charge(sizeof(string_t) + heap_bytes(key))) return false;
    auto& members =
        static_cast<Json::object_t::Container&>(open_.back()->get_ref<Json::object_t&>());
    members.emplace_back(std::move(key), nullptr);
    member_ = &members.back().second;
    return true;
  }
  bool end_object() {
    if (!check_unique_keys()) return false;
    open_.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    // parse_error, and also out_of_range for numbers like 1e400.
    error_ = e.what();
    return false;
  }

private:
  // The DOM may take at most this many bytes per input byte (plus kJsonBudgetSlack), as
  // estimated by charge(); what the containers' growth adds on top is at most as much again.
  // Compact real documents take 4-8 (short keys cost most), `[[],[],...]` would take 16.
  static constexpr std::size_t kMaxJsonBytesPerInputByte = 12;
  static constexpr std::size_t kJsonBudgetSlack = 64 * 1024;

  static std::size_t heap_bytes(const string_t& text) {
    return text.size() < sizeof(string_t) / 2 ? 0 : text.size() + 1;  // beyond the inline buffer
  }

  bool charge(std::size_t bytes) {
    used_ += bytes;
    if (used_ <= budget_) return true;
    return refuse("the document would take more than " + std::to_string(kMaxJsonBytesPerInputByte) +
                  " bytes of memory per byte of input (too many small values)");
  }

  // Adds a value where the document is; the value itself is charged here, what it owns by the
  // caller. Leaves `last_` pointing at it.
  template <class Value>
  bool add(Value&& value) {
    if (!charge(sizeof(Json))) return false;
    if (open_.empty()) {
      root_ = Json(std::forward<Value>(value));
      last_ = &root_;
      return true;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      auto& items = parent.get_ref<Json::array_t&>();
      items.emplace_back(std::forward<Value>(value));
      last_ = &items.back();
      return true;
    }
    *member_ = Json(std::forward<Value>(value));
    last_ = member_;
    return true;
  }

  bool open(Json::value_t type) {
    if (open_.size() == kMaxJsonDepth) {
      return refuse("nesting deeper than the limit of " + std::to_string(kMaxJsonDepth) +
                    " arrays and objects");
    }
    // A container's element vector lives on the heap.
    if (!charge(sizeof(Json::array_t) + 8) || !add(type)) return false;
    open_.push_back(last_);
    return true;
  }

  bool refuse(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool check_unique_keys() {
    const auto& members = static_cast<const Json::object_t::Container&>(
        open_.back()->get_ref<const Json::object_t&>());
    std::vector<std::uint32_t> order(members.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return members[a].first < members[b].first;
    });
    // Of several duplicates, name the one repeated first in the document.
    std::optional<std::uint32_t> repeat;
    for (std::size_t i = 1; i < order.size(); ++i) {
      if (members[order[i]].first == members[order[i - 1]].first && (!repeat || order[i] < *repeat))
        repeat = order[i];
    }
    if (!repeat) return true;
    return refuse(path_of_open() + ": duplicate key `" + bounded(members[*repeat].first) + "`");
  }

  // The JSON path of the innermost open container, as JsonCursor writes paths.
  std::string path_of_open() const {
    std::string path = "$";
    for (std::size_t i = 1; i < open_.size(); ++i) {
      const Json& parent = *open_[i - 1];
      // The child being built is always its parent's last element.
      // Appended piece by piece: `"." + std::string&&` trips GCC 12's -Wrestrict at -O3.
      if (parent.is_array()) {
        path += '[';
        path += std::to_string(parent.size() - 1);
        path += ']';
      } else {
        path += '.';
        path += bounded(parent.get_ref<const Json::object_t&>().back().first);
      }
    }
    return path;
  }

  Json root_;
  std::vector<Json*> open_;  // containers being filled, outermost first
  Json* member_ = nullptr;   // the object member whose key was read last
  Json* last_ = nullptr;     // the value added last
  std::size_t budget_;       // estimated bytes the DOM may take
  std::size_t used_ = 0;     // estimated bytes the DOM takes so far
  std::string error_;
};

}  // namespace

Json parse_json(std::string_view text, ErrorCode code) {
  DomBuilder builder(text.size());
  bool parsed = false;
  try {
    parsed = Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const Json::exception& e) {
    // Errors are reported through DomBuilder::parse_error; this is only a safety net.
    throw Error(code, std::string("invalid JSON: ") + e.what());
  }
  if (!parsed) throw Error(code, "invalid JSON: " + builder.error());
  return std::move(builder.result());
}

std::string describe_json(const Json& value) {
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return bounded(dump_json(value));
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
    fail(std::string("expected a non-negative integer, got ") + describe_json(*value_));
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
