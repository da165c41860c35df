#include "winsandbox/environment.hpp"

#include <algorithm>

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

void validate(std::string_view key, std::string_view value) {
  // A leading '=' is part of the name (Windows' hidden per-drive `=C:` variables).
  if (key.empty() || key == "=") {
    throw Error(ErrorCode::invalid_argument, "environment variable name is empty");
  }
  if (key.find('=', 1) != std::string_view::npos) {
    throw Error(ErrorCode::invalid_argument,
                "environment variable name `" + std::string(key) + "` contains '='");
  }
  if (key.find('\0') != std::string_view::npos || value.find('\0') != std::string_view::npos) {
    throw Error(ErrorCode::invalid_argument, "environment variable `" +
                                                 std::string(key.substr(0, key.find('\0'))) +
                                                 "` contains a NUL character");
  }
}

std::string folded_key(std::string_view key) {
  std::string folded(key);
  for (char& c : folded) c = ascii_upper(c);
  return folded;
}

}  // namespace

bool env_key_equals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_upper(x) == ascii_upper(y);
         });
}

Environment Environment::from_assignments(const std::vector<std::string>& assignments) {
  Environment env;
  for (const auto& assignment : assignments) {
    const auto eq = assignment.find('=', 1);
    if (eq == std::string::npos) {
      throw Error(ErrorCode::invalid_argument,
                  "environment assignment `" + assignment + "` is not of the form KEY=VALUE");
    }
    env.set(std::string_view(assignment).substr(0, eq),
            std::string_view(assignment).substr(eq + 1));
  }
  return env;
}

void Environment::set(std::string_view key, std::string_view value) {
  validate(key, value);
  std::string folded = folded_key(key);
  if (const auto it = index_.find(folded); it != index_.end()) {
    entries_[it->second].second = std::string(value);
    return;
  }
  entries_.emplace_back(std::string(key), std::string(value));
  try {
    index_.emplace(std::move(folded), entries_.size() - 1);
  } catch (...) {
    entries_.pop_back();
    throw;
  }
}

void Environment::erase(std::string_view key) {
  const auto it = index_.find(folded_key(key));
  if (it == index_.end()) return;
  const std::size_t position = it->second;
  index_.erase(it);
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(position));
  for (auto& [folded, index] : index_) {
    if (index > position) --index;
  }
}

std::optional<std::string_view> Environment::get(std::string_view key) const {
  const auto it = index_.find(folded_key(key));
  if (it == index_.end()) return std::nullopt;
  return std::string_view(entries_[it->second].second);
}

}  // namespace winsandbox
