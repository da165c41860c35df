// Fuzz target: WinPath::parse and the path algebra built on it.
//
// Input: one or two UTF-8 paths; a first `\n` separates them (the second is optional).
// Properties of each path that parses:
// * rejection is Error(relative_path | invalid_path) only, and try_parse agrees with parse;
// * looks_absolute() is true for it;
// * the display form is a fixed point: parse(str()) has the same str(), identity and kind;
// * the identity is a fixed point too (unless the display form needs `\\?\`):
//   parse(identity()) has the same identity;
// * components: the count matches, the first is the root's display form, is_root() iff one;
// * the parent contains the path, has one component less, and joining the filename back gives
//   the path (unless a name is not_joinable: see there); the
//   root contains the path and relative_to(root) is the other components.
// Properties of two paths a, b that both parse:
// * a == b iff each is within the other; a.relative_to(b) exists iff a.is_within(b), and
//   joining it onto b gives a back (same exception); == and <=> agree.
#include <algorithm>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox::fuzz {
namespace {

std::optional<WinPath> parse_documented(std::string_view text) {
  std::optional<WinPath> parsed;
  try {
    parsed = WinPath::parse(text);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::relative_path, ErrorCode::invalid_path}, "WinPath::parse");
  }
  const std::optional<WinPath> tried = WinPath::try_parse(text);
  WS_FUZZ_CHECK(tried.has_value() == parsed.has_value(), escape_bytes(text));
  if (parsed) {
    WS_FUZZ_CHECK(tried->str() == parsed->str(), escape_bytes(text));
    WS_FUZZ_CHECK(WinPath::looks_absolute(text), escape_bytes(text));
  }
  return parsed;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += '\\';
    out += name;
  }
  return out;
}

// Names join() cannot append as they are: one Win32 would alter (ending in `.` or space, kept
// only under `\\?\`; join normalizes what it appends), one that reads as a drive-relative
// path (`C:x`, possible as a name below a device root; join rejects it, as documented), and one
// only a verbatim path may hold (a DOS device name such as `PRN` or `nul.txt`, or a `:`; join
// rejects it as parse does outside `\\?\`).
bool not_joinable(const std::string& name) {
  const bool alterable = !name.empty() && (name.back() == '.' || name.back() == ' ');
  const bool drive_like =
      name.size() >= 2 && name[1] == ':' &&
      ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'));
  const bool verbatim_only = !WinPath::try_parse("C:\\" + name).has_value();
  return alterable || drive_like || verbatim_only;
}

void check_one(const WinPath& path) {
  const std::string& text = path.str();
  const WinPath again = WinPath::parse(text);
  WS_FUZZ_CHECK(again.str() == text, escape_bytes(text) + " -> " + escape_bytes(again.str()));
  WS_FUZZ_CHECK(again.identity() == path.identity(), escape_bytes(text));
  WS_FUZZ_CHECK(again.kind() == path.kind(), escape_bytes(text));

  // The identity drops the verbatim prefix, which a display form keeps only for names Win32
  // would alter (a trailing `.` or space); without one it parses back to itself.
  if (!text.starts_with("\\\\?\\")) {
    const WinPath by_identity = WinPath::parse(path.identity());
    WS_FUZZ_CHECK(by_identity.identity() == path.identity(),
                  escape_bytes(path.identity()) + " -> " + escape_bytes(by_identity.identity()));
  }

  const std::vector<std::string> components = path.components();
  WS_FUZZ_CHECK(components.size() == path.component_count(), escape_bytes(text));
  WS_FUZZ_CHECK(!components.empty(), escape_bytes(text));
  const WinPath root = path.root();
  WS_FUZZ_CHECK(components.front() == root.str(), escape_bytes(text));
  WS_FUZZ_CHECK(root.is_root() && root.component_count() == 1, escape_bytes(text));
  WS_FUZZ_CHECK(path.is_root() == (components.size() == 1), escape_bytes(text));
  WS_FUZZ_CHECK(path.is_within(root), escape_bytes(text));
  WS_FUZZ_CHECK(path.drive_letter().has_value() == (path.kind() == WinPathKind::drive),
                escape_bytes(text));

  const auto below_root = path.relative_to(root);
  WS_FUZZ_CHECK(below_root.has_value(), escape_bytes(text));
  WS_FUZZ_CHECK(std::vector<std::string>(components.begin() + 1, components.end()) == *below_root,
                escape_bytes(text));

  const std::optional<WinPath> parent = path.parent();
  WS_FUZZ_CHECK(parent.has_value() == !path.is_root(), escape_bytes(text));
  if (parent) {
    WS_FUZZ_CHECK(path.is_within(*parent) && !parent->is_within(path), escape_bytes(text));
    WS_FUZZ_CHECK(parent->component_count() + 1 == path.component_count(), escape_bytes(text));
    WS_FUZZ_CHECK(path.filename() == components.back(), escape_bytes(text));
    if (std::none_of(below_root->begin(), below_root->end(), not_joinable)) {
      const WinPath rejoined = parent->join(path.filename());
      WS_FUZZ_CHECK(rejoined.str() == text,
                    escape_bytes(text) + " -> " + escape_bytes(rejoined.str()));
      WS_FUZZ_CHECK(root.join(joined(*below_root)) == path, escape_bytes(text));
    }
  } else {
    WS_FUZZ_CHECK(path.filename().empty(), escape_bytes(text));
  }
}

}  // namespace

void check_win_path(std::string_view input) {
  const std::size_t newline = input.find('\n');
  const std::string_view first = input.substr(0, newline);
  const std::optional<WinPath> a = parse_documented(first);
  if (a) check_one(*a);
  if (newline == std::string_view::npos) return;

  const std::optional<WinPath> b = parse_documented(input.substr(newline + 1));
  if (!b) return;
  check_one(*b);
  if (!a) return;

  const bool equal = *a == *b;
  WS_FUZZ_CHECK(equal == (a->is_within(*b) && b->is_within(*a)), escape_bytes(input));
  WS_FUZZ_CHECK(equal == ((*a <=> *b) == 0), escape_bytes(input));
  WS_FUZZ_CHECK(!equal || std::hash<WinPath>{}(*a) == std::hash<WinPath>{}(*b),
                escape_bytes(input));
  const auto relative = a->relative_to(*b);
  WS_FUZZ_CHECK(relative.has_value() == a->is_within(*b), escape_bytes(input));
  if (relative) {
    if (std::none_of(relative->begin(), relative->end(), not_joinable)) {
      WS_FUZZ_CHECK(b->join(joined(*relative)) == *a, escape_bytes(input));
    }
    WS_FUZZ_CHECK(relative->size() + b->component_count() == a->component_count(),
                  escape_bytes(input));
  }
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_win_path)
