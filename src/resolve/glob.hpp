// Deny-read glob patterns (docs/resolution.md#deny-read-globs): compiled once, matched
// case-insensitively against WinPaths, and expanded over a FileSystemView.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/fs_view.hpp"
#include "winsandbox/glob_cache.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {

// Syntax (per path component; `/` and `\` both separate components):
//
// | token    | matches                                                                 |
// |----------|-------------------------------------------------------------------------|
// | `*`      | any run of characters within one component                              |
// | `?`      | one character within one component                                      |
// | `[a-z]`  | one character in the class; `[!…]`/`[^…]` negate; a lone `[` is literal |
// | `{a,b}`  | either alternative (no nesting, no separators inside)                   |
// | `**`     | as a whole component: zero or more components (one or more at the end) |
//
// Matching is case-insensitive (WinPath identity). The pattern must be absolute after
// binding: a literal drive or share root first. Invalid patterns throw Error(invalid_glob)
// with the message `invalid deny-read glob pattern `<pattern>`: <reason>`.
class GlobMatcher {
public:
  static GlobMatcher compile(std::string_view pattern);

  bool matches(const WinPath& path) const;
  // Where matching stands after `dir`'s components: the pattern read as an automaton over
  // components, one flag per segment position (the last: the whole pattern matched). A walk
  // computes it once per directory and then matches each entry's name against it.
  using State = std::vector<char>;
  State state_at(const WinPath& dir) const;
  // matches(dir\name) for the `dir` of `state`, without building the path.
  bool child_matches(const State& state, std::string_view name) const;
  // Whether some path strictly below `dir` could match: false lets a walk skip listing `dir`.
  bool may_match_below(const State& state) const;
  bool may_match_below(const WinPath& dir) const { return may_match_below(state_at(dir)); }
  // Whether the pattern matches every possible name directly below `dir` (`C:\*`, `C:\**`):
  // a deny of it leaves nothing under `dir` readable.
  bool matches_every_child_of(const WinPath& dir) const;
  const std::string& pattern() const noexcept { return pattern_; }

  // The longest literal directory prefix: where a filesystem scan starts.
  const WinPath& scan_root() const noexcept { return scan_root_; }
  // How many levels below scan_root() a scan must descend: unbounded (nullopt) when the
  // pattern has `**` and no depth is configured; otherwise min(configured, components left).
  std::optional<std::uint32_t> scan_depth(std::optional<std::uint32_t> configured) const;

  // Token of one component pattern; public only for the implementation's helpers.
  struct Token {
    enum class Kind { literal, any_one, any_run, char_class } kind = Kind::literal;
    char32_t ch = 0;                                    // literal (case-folded)
    std::vector<std::pair<char32_t, char32_t>> ranges;  // char_class (case-folded)
    bool negated = false;                               // char_class
  };
  using Alternative = std::vector<Token>;
  struct Segment {
    bool globstar = false;
    std::vector<Alternative> alternatives;  // component matches if any alternative does
  };

private:
  GlobMatcher(std::string pattern, WinPath root, WinPath scan_root, std::vector<Segment> segments,
              std::size_t literal_prefix_segments);
  State step(const State& state, const std::u32string& folded_name) const;
  // `arbitrary_index` names a position standing for "any name at all" (npos: none).
  bool match_from(const std::vector<std::u32string>& names, std::size_t name_index,
                  std::size_t segment_index, std::size_t arbitrary_index) const;

  std::string pattern_;
  WinPath root_;                         // drive or share root
  WinPath scan_root_;                    // root + leading literal components
  std::vector<Segment> segments_;        // every component below root_
  std::size_t literal_prefix_segments_;  // leading segments that are plain literals
};

// Characters compared by GlobMatcher on this thread so far: lets tests bound the work of a
// match by counting instead of timing.
std::uint64_t glob_match_steps_on_this_thread() noexcept;

// Every existing path under the pattern's scan root (the root included) that the pattern
// matches, in scan order, without following the same directory twice (junction cycles). The
// walk descends at most `glob.scan_depth(configured_depth)` levels below the scan root: a
// pattern without `**` never lists deeper than its own components (`C:\*.env` lists `C:\`
// only), whatever depth is configured; nor does it list a directory below which the pattern
// cannot match. Each directory is read once (FileSystemView::read_directory: the entries come
// with their kinds); only links cost a lookup more. With a `cache`, a directory whose stamp is
// unchanged since the stored walk is not read again: a walk of an unchanged tree costs one
// stamp per directory (docs/resolution.md#glob-expansion-cache).
std::vector<WinPath> expand_glob(const GlobMatcher& glob,
                                 std::optional<std::uint32_t> configured_depth,
                                 const FileSystemView& fs,
                                 const GlobExpansionCache* cache = nullptr);

}  // namespace winsandbox
