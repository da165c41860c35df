// Shared by the batch quoting tests and the command-line fuzz target.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace winsandbox::testing {

// How a batch script sees its parameters (`%1`, `%2`, ... and `%~n`): split at space, tab, `,`,
// `;` and `=` outside quotes, a `"` toggling quoting; `%~n` drops one pair of surrounding
// quotes. Only for lines with no character cmd.exe interprets (which the quoter guarantees).
inline std::vector<std::string> batch_parameters_without_quotes(std::string_view line) {
  std::vector<std::string> params;
  std::string current;
  bool in_quotes = false;
  bool in_token = false;
  auto finish = [&] {
    if (!in_token) return;
    if (current.size() >= 2 && current.front() == '"' && current.back() == '"') {
      current = current.substr(1, current.size() - 2);
    }
    params.push_back(current);
    current.clear();
    in_token = false;
  };
  for (const char c : line) {
    if (!in_quotes && std::string_view(" \t,;=").find(c) != std::string_view::npos) {
      finish();
      continue;
    }
    if (c == '"') in_quotes = !in_quotes;
    current += c;
    in_token = true;
  }
  finish();
  return params;
}

}  // namespace winsandbox::testing
