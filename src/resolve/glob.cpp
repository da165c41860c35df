#include "resolve/glob.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/log.hpp"
#include "resolve/glob_cache.hpp"
#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

constexpr std::size_t kMaxAlternatives = 256;

using Token = GlobMatcher::Token;
using Alternative = GlobMatcher::Alternative;
using Segment = GlobMatcher::Segment;

[[noreturn]] void fail(std::string_view pattern, std::string_view reason) {
  throw Error(ErrorCode::invalid_glob, "invalid deny-read glob pattern `" + std::string(pattern) +
                                           "`: " + std::string(reason));
}

// Decodes UTF-8 (after case folding); invalid bytes map to themselves so nothing is lost.
std::u32string decode(std::string_view utf8) {
  std::u32string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    int length = byte < 0x80           ? 1
                 : (byte >> 5) == 0x6  ? 2
                 : (byte >> 4) == 0xE  ? 3
                 : (byte >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > utf8.size()) {
      out.push_back(byte);
      ++i;
      continue;
    }
    char32_t cp = length == 1 ? byte : byte & (0x3F >> (length - 1));
    for (int k = 1; k < length; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(length);
  }
  return out;
}

std::u32string folded(std::string_view text) {
  return decode(fold_case(text));
}

// Parses `[...]` starting at `pos` (the '['); returns nullopt for an unclosed class, which the
// caller then treats as a literal '['.
std::optional<Token> parse_class(const std::u32string& text, std::size_t& pos,
                                 std::string_view pattern) {
  std::size_t i = pos + 1;
  Token token;
  token.kind = Token::Kind::char_class;
  if (i < text.size() && (text[i] == U'!' || text[i] == U'^')) {
    token.negated = true;
    ++i;
  }
  bool first = true;
  while (i < text.size() && (text[i] != U']' || first)) {
    char32_t low = text[i];
    char32_t high = low;
    if (i + 2 < text.size() && text[i + 1] == U'-' && text[i + 2] != U']') {
      high = text[i + 2];
      if (high < low) fail(pattern, "invalid range");
      i += 3;
    } else {
      ++i;
    }
    token.ranges.emplace_back(low, high);
    first = false;
  }
  if (i >= text.size()) return std::nullopt;
  pos = i + 1;
  return token;
}

Token simple_token(Token::Kind kind, char32_t ch = 0) {
  Token token;
  token.kind = kind;
  token.ch = ch;
  return token;
}

Alternative parse_alternative(const std::u32string& text, std::string_view pattern) {
  Alternative tokens;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = text[i];
    if (c == U'*') {
      if (tokens.empty() || tokens.back().kind != Token::Kind::any_run)
        tokens.push_back(simple_token(Token::Kind::any_run));
      ++i;
    } else if (c == U'?') {
      tokens.push_back(simple_token(Token::Kind::any_one));
      ++i;
    } else if (c == U'[') {
      if (auto token = parse_class(text, i, pattern)) {
        tokens.push_back(std::move(*token));
      } else {
        tokens.push_back(simple_token(Token::Kind::literal, U'['));
        ++i;
      }
    } else {
      tokens.push_back(simple_token(Token::Kind::literal, c));
      ++i;
    }
  }
  return tokens;
}

// Expands `{a,b}` groups into plain alternatives, then tokenizes each.
std::vector<Alternative> parse_component(std::string_view component, std::string_view pattern) {
  std::vector<std::u32string> texts{U""};
  const std::u32string text = folded(component);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == U'}') fail(pattern, "unopened alternate group");
    if (text[i] != U'{') {
      for (auto& t : texts) t.push_back(text[i]);
      continue;
    }
    const auto close = text.find(U'}', i + 1);
    if (close == std::u32string::npos) fail(pattern, "unclosed alternate group");
    const std::u32string group = text.substr(i + 1, close - i - 1);
    if (group.find(U'{') != std::u32string::npos)
      fail(pattern, "nested alternate groups are not allowed");
    std::vector<std::u32string> options;
    std::size_t start = 0;
    for (std::size_t comma; (comma = group.find(U',', start)) != std::u32string::npos;
         start = comma + 1) {
      options.push_back(group.substr(start, comma - start));
    }
    options.push_back(group.substr(start));
    std::vector<std::u32string> expanded;
    for (const auto& prefix : texts) {
      for (const auto& option : options) expanded.push_back(prefix + option);
    }
    if (expanded.size() > kMaxAlternatives) fail(pattern, "too many alternatives");
    texts = std::move(expanded);
    i = close;
  }
  std::vector<Alternative> alternatives;
  for (const auto& t : texts) alternatives.push_back(parse_alternative(t, pattern));
  return alternatives;
}

bool class_matches(const Token& token, char32_t c) {
  bool in = false;
  for (const auto& [low, high] : token.ranges) in = in || (c >= low && c <= high);
  return in != token.negated;
}

bool token_matches(const Token& token, char32_t c) {
  switch (token.kind) {
    case Token::Kind::any_one: return true;
    case Token::Kind::literal: return token.ch == c;
    case Token::Kind::char_class: return class_matches(token, c);
    case Token::Kind::any_run: break;
  }
  return false;
}

thread_local std::uint64_t match_steps = 0;

// Greedy wildcard matching: every token but `*` consumes exactly one character, so on a
// mismatch it is enough to let the most recent `*` absorb one more character and retry from
// there; earlier stars never need revisiting. At most (name + 1) * (tokens + 1) steps, where
// plain backtracking over every star is exponential (`*a*a*a*a*b` against a long name).
bool alternative_matches(const Alternative& tokens, const std::u32string& name) {
  constexpr std::size_t kNoStar = static_cast<std::size_t>(-1);
  std::size_t ti = 0;
  std::size_t ni = 0;
  std::size_t star_ti = kNoStar;  // token after the last `*` seen
  std::size_t star_ni = 0;        // where the text after that `*` is currently tried
  while (ni < name.size()) {
    ++match_steps;
    if (ti < tokens.size() && tokens[ti].kind == Token::Kind::any_run) {
      star_ti = ++ti;
      star_ni = ni;
    } else if (ti < tokens.size() && token_matches(tokens[ti], name[ni])) {
      ++ti;
      ++ni;
    } else if (star_ti != kNoStar) {
      ti = star_ti;
      ni = ++star_ni;
    } else {
      return false;
    }
  }
  while (ti < tokens.size() && tokens[ti].kind == Token::Kind::any_run) ++ti;
  return ti == tokens.size();
}

bool segment_matches(const Segment& segment, const std::u32string& name) {
  for (const auto& alternative : segment.alternatives) {
    if (alternative_matches(alternative, name)) return true;
  }
  return false;
}

std::vector<std::string> split_components(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find_first_of("/\\", start);
    const auto part =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!part.empty()) parts.emplace_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::uint64_t glob_match_steps_on_this_thread() noexcept {
  return match_steps;
}

GlobMatcher::GlobMatcher(std::string pattern, WinPath root, WinPath scan_root,
                         std::vector<Segment> segments, std::size_t literal_prefix_segments)
    : pattern_(std::move(pattern)),
      root_(std::move(root)),
      scan_root_(std::move(scan_root)),
      segments_(std::move(segments)),
      literal_prefix_segments_(literal_prefix_segments) {}

GlobMatcher GlobMatcher::compile(std::string_view pattern) {
  // The literal prefix up to the first component with a metacharacter must be an absolute
  // path; it gives the root and the scan start.
  const auto meta = pattern.find_first_of("*?[{}");
  const auto cut =
      meta == std::string_view::npos ? pattern.size() : pattern.find_last_of("/\\", meta);
  if (cut == std::string_view::npos) fail(pattern, "the pattern must start with an absolute path");
  const std::string_view literal = pattern.substr(0, cut == 0 ? 1 : cut);
  const auto literal_path =
      WinPath::try_parse(literal.size() == 2 && literal[1] == ':' ? std::string(literal) + "\\"
                                                                  : std::string(literal));
  if (!literal_path) fail(pattern, "the pattern must start with an absolute path");
  const WinPath root = literal_path->root();

  std::vector<Segment> segments;
  std::size_t literal_count = 0;
  if (const auto below_root = literal_path->relative_to(root)) {
    for (const auto& name : *below_root) {
      segments.push_back({false, {parse_component(name, pattern)}});
      ++literal_count;
    }
  }
  for (const auto& part : split_components(pattern.substr(cut == pattern.size() ? cut : cut + 1))) {
    if (part == "." || part == "..") fail(pattern, "`.` and `..` are not allowed after a wildcard");
    if (part == "**") {
      if (segments.empty() || !segments.back().globstar) segments.push_back({true, {}});
      continue;
    }
    segments.push_back({false, parse_component(part, pattern)});
  }
  return GlobMatcher(std::string(pattern), root, *literal_path, std::move(segments), literal_count);
}

namespace {

// A segment that matches any name: `**`, or an alternative made of `*` tokens only.
bool matches_any_name(const GlobMatcher::Segment& segment) {
  if (segment.globstar) return true;
  return std::any_of(segment.alternatives.begin(), segment.alternatives.end(), [](const auto& alt) {
    return !alt.empty() && std::all_of(alt.begin(), alt.end(), [](const GlobMatcher::Token& t) {
      return t.kind == GlobMatcher::Token::Kind::any_run;
    });
  });
}

}  // namespace

// Dynamic programming over (segment, name) pairs, from the last segment back: each pair is
// decided once, so several `**` cannot make the match exponential in the path depth.
bool GlobMatcher::match_from(const std::vector<std::u32string>& names, std::size_t ni,
                             std::size_t si, std::size_t arbitrary) const {
  const std::size_t count = names.size();
  // rest[n]: segments after the current one match names[n..]; starts as "no segments left".
  std::vector<char> rest(count + 1, 0);
  rest[count] = 1;
  std::vector<char> here(count + 1, 0);
  for (std::size_t s = segments_.size(); s-- > si;) {
    const Segment& segment = segments_[s];
    if (segment.globstar) {
      // A trailing `**` needs at least one component; elsewhere it may match none.
      const bool at_end = s + 1 == segments_.size();
      char any_later = 0;  // rest[k] for some k > n
      for (std::size_t n = count + 1; n-- > 0;) {
        ++match_steps;
        here[n] = at_end ? any_later : static_cast<char>(any_later || rest[n]);
        any_later = static_cast<char>(any_later || rest[n]);
      }
    } else {
      here[count] = 0;
      for (std::size_t n = 0; n < count; ++n) {
        ++match_steps;
        here[n] = rest[n + 1] &&
                  (n == arbitrary ? matches_any_name(segment) : segment_matches(segment, names[n]));
      }
    }
    std::swap(rest, here);
  }
  return ni <= count && rest[ni];
}

bool GlobMatcher::matches(const WinPath& path) const {
  const auto relative = path.relative_to(root_);
  if (!relative) return false;
  std::vector<std::u32string> names;
  names.reserve(relative->size());
  for (const auto& name : *relative) names.push_back(folded(name));
  return match_from(names, 0, 0, std::u32string::npos);
}

// A `**` before the end may match no component (its position also stands for the next one); a
// trailing `**` needs one, so consuming a name in it also reaches the end.
GlobMatcher::State GlobMatcher::step(const State& state, const std::u32string& folded_name) const {
  const std::size_t end = segments_.size();
  State next(end + 1, 0);
  for (std::size_t s = 0; s < end; ++s) {
    if (!state[s]) continue;
    ++match_steps;
    if (segments_[s].globstar) {
      next[s] = 1;
      if (s + 1 == end) next[end] = 1;
    } else if (segment_matches(segments_[s], folded_name)) {
      next[s + 1] = 1;
    }
  }
  for (std::size_t s = 0; s + 1 < end; ++s) {
    if (next[s] && segments_[s].globstar) next[s + 1] = 1;
  }
  return next;
}

GlobMatcher::State GlobMatcher::state_at(const WinPath& dir) const {
  State state(segments_.size() + 1, 0);
  const auto relative = dir.relative_to(root_);
  if (!relative) return state;
  state[0] = 1;
  if (!segments_.empty() && segments_[0].globstar && segments_.size() > 1) state[1] = 1;
  for (const auto& name : *relative) state = step(state, folded(name));
  return state;
}

bool GlobMatcher::child_matches(const State& state, std::string_view name) const {
  return step(state, folded(name)).back() != 0;
}

bool GlobMatcher::may_match_below(const State& state) const {
  return std::any_of(state.begin(), state.end() - 1, [](char on) { return on != 0; });
}

bool GlobMatcher::matches_every_child_of(const WinPath& dir) const {
  const auto relative = dir.relative_to(root_);
  if (!relative) return false;
  std::vector<std::u32string> names;
  for (const auto& name : *relative) names.push_back(folded(name));
  names.emplace_back();  // stands for any name; never compared
  return match_from(names, 0, 0, names.size() - 1);
}

std::optional<std::uint32_t> GlobMatcher::scan_depth(
    std::optional<std::uint32_t> configured) const {
  bool recursive = false;
  std::uint32_t parts = 0;
  for (std::size_t i = literal_prefix_segments_; i < segments_.size(); ++i) {
    recursive = recursive || segments_[i].globstar;
    ++parts;
  }
  if (recursive) return configured;
  return configured ? std::min(*configured, parts) : parts;
}

namespace {

// One walk of one glob: the directories it read or reused, for the cache.
class GlobWalk {
public:
  GlobWalk(const GlobMatcher& glob, std::optional<std::uint32_t> max_depth,
           const FileSystemView& fs, const GlobExpansionCache* cache)
      : glob_(glob),
        fs_(fs),
        cache_(cache),
        key_{glob.pattern(), glob.scan_root(), max_depth},
        max_depth_(max_depth) {}

  std::vector<WinPath> run() {
    // Timed with the cache file's load: on a warm walk that is a good part of the cost.
    log::TimedStep step("deny-read glob walk " + glob_.pattern());
    if (cache_) {
      if (auto stored = load_glob_walk(*cache_, key_)) previous_ = std::move(*stored);
      for (const auto& directory : previous_) by_path_.emplace(directory.path, &directory);
    }
    struct Pending {
      WinPath path;
      NodeKind kind;
      std::uint32_t depth;
    };
    std::vector<Pending> stack{{glob_.scan_root(), fs_.kind(glob_.scan_root()), 0}};
    while (!stack.empty()) {
      Pending current = std::move(stack.back());
      stack.pop_back();
      if (current.kind == NodeKind::missing) continue;
      bool directory = current.kind == NodeKind::directory;
      if (current.kind == NodeKind::junction || current.kind == NodeKind::symlink) {
        // The listing says what the link is, not what it reaches: follow it (a dangling link
        // matches nothing, as before the walk read kinds from listings).
        if (!fs_.exists(current.path)) continue;
        directory = fs_.is_directory(current.path);
      }
      if (glob_.matches(current.path)) matches_.push_back(current.path);
      if (!directory || (max_depth_ && current.depth >= *max_depth_)) continue;
      const GlobMatcher::State state = glob_.state_at(current.path);
      if (!glob_.may_match_below(state)) continue;
      const CachedDirectory* listed = list(current.path, state);
      if (!listed || !visited_.insert(listed->stamp.identity).second) continue;
      // Reverse so the depth-first walk visits children in listing order.
      for (auto it = listed->entries.rbegin(); it != listed->entries.rend(); ++it) {
        stack.push_back({current.path.child(it->name), it->kind, current.depth + 1});
      }
    }
    if (cache_ && (changed_ || next_.size() != previous_.size())) {
      std::vector<CachedDirectory> keep;
      for (const auto& directory : next_) {
        if (directory.stamp.change_time) keep.push_back(directory);
      }
      store_glob_walk(*cache_, key_, keep);
    }
    step.set_detail(fmt::format("{} directories read, {} reused from the cache, {} matches", read_,
                                next_.size() - read_, matches_.size()));
    return std::move(matches_);
  }

private:
  // `directory` as listed now: reused from the stored walk when its stamp is unchanged, read
  // otherwise. nullptr if it is no longer a directory.
  const CachedDirectory* list(const WinPath& directory, const GlobMatcher::State& state) {
    if (const auto it = by_path_.find(directory); it != by_path_.end()) {
      if (fs_.directory_unchanged(directory, it->second->stamp)) {
        next_.push_back(*it->second);
        return &next_.back();
      }
    }
    auto listing = fs_.read_directory(directory);
    if (!listing) return nullptr;
    ++read_;
    changed_ = true;
    CachedDirectory fresh{directory, std::move(listing->stamp), {}};
    for (auto& entry : listing->entries) {
      if (entry.kind == NodeKind::missing) continue;
      // A file that does not match now never will (the pattern is part of the cache key).
      if (entry.kind == NodeKind::file && !glob_.child_matches(state, entry.name)) continue;
      try {
        (void)directory.child(entry.name);
      } catch (const Error&) {
        continue;  // not a valid path component: no pattern can name it
      }
      fresh.entries.push_back(std::move(entry));
    }
    next_.push_back(std::move(fresh));
    return &next_.back();
  }

  const GlobMatcher& glob_;
  const FileSystemView& fs_;
  const GlobExpansionCache* cache_;
  GlobWalkKey key_;
  std::optional<std::uint32_t> max_depth_;
  std::vector<CachedDirectory> previous_;
  std::unordered_map<WinPath, const CachedDirectory*> by_path_;
  std::deque<CachedDirectory> next_;         // stable addresses
  std::unordered_set<std::string> visited_;  // directory identities
  std::vector<WinPath> matches_;
  std::size_t read_ = 0;
  bool changed_ = false;
};

}  // namespace

std::vector<WinPath> expand_glob(const GlobMatcher& glob,
                                 std::optional<std::uint32_t> configured_depth,
                                 const FileSystemView& fs, const GlobExpansionCache* cache) {
  return GlobWalk(glob, glob.scan_depth(configured_depth), fs, cache).run();
}

}  // namespace winsandbox
