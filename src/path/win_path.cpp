// WinPath: lexical parsing and normalization of absolute Windows paths on any host OS.
//
// The rules below model what Win32 (RtlGetFullPathName_U / RtlDosPathNameToNtPathName_U)
// does to a path before the file system sees it. A sandbox grants and denies access by name,
// so the name we compute must be the name of the file Windows will actually open; where
// Windows' behaviour is ambiguous or would open no file at all, we reject the input rather
// than guess.
//
// Accepted forms (see also the table in path.hpp):
//   drive    `C:\x`, `c:/x`                          normalized
//   unc      `\\server\share\x`, `//server/share/x`   normalized; `..` stops at the share
//   device   `\\.\pipe\x`, `//./COM1`, `//?/C:/x`     normalized; `..` stops at `\\.\NAME`
//            (`\\.\C:\x` is the file `C:\x` and `\\.\UNC\s\sh\x` is `\\s\sh\x`: they are
//            parsed as drive/unc paths so that each file has one identity)
//   verbatim `\\?\...`, `\??\...` (backslashes only)  literal, Windows does not normalize:
//            `/` is an ordinary (invalid) character there, so it is rejected; `.` and `..`
//            are never resolved by Windows, so they are rejected; redundant `\` are tolerated.
//            `\\?\C:\x` is a drive path, `\\?\UNC\s\sh\x` a unc path, `\\?\C:` (no `\`) the
//            volume device `\\.\C:`, anything else a device path (`\\?\GLOBALROOT\...`).
//
// Display form: the plain spelling (`C:\x`, `\\s\sh\x`, `\\.\pipe\x`) unless a name ends in
// `.` or ` `; Win32 would strip those, so such paths are displayed with the `\\?\` prefix
// (`\\?\C:\dir \x`). That keeps `parse(p.str()) == p` and makes `str()` safe to hand to
// CreateFileW. identity() is always the case-folded plain spelling.
//
// Reserved DOS device names (`C:\x\NUL`, `con.txt`, `COM1`) in a non-verbatim path are
// rejected: Win32 would open the device. Not modelled (they need the file system): 8.3 short
// names (`PROGRA~1`), junctions and symlinks — the fs view's canonicalization resolves those.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "winsandbox/error.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {
namespace {

constexpr std::string_view kVerbatimPrefix = R"(\\?\)";
constexpr std::string_view kNtPrefix = R"(\??\)";
constexpr std::string_view kDevicePrefix = R"(\\.\)";
constexpr std::string_view kVerbatimUncPrefix = R"(\\?\UNC\)";
constexpr std::size_t kMaxQuotedInput = 160;

// ---------------------------------------------------------------------------------------------
// Errors

// Error messages quote the input, but a 40 000-character path must not make a 40 KB message.
std::string quoted(std::string_view input) {
  if (input.size() <= kMaxQuotedInput) return "'" + std::string(input) + "'";
  return "'" + std::string(input.substr(0, kMaxQuotedInput)) + "...' (" +
         std::to_string(input.size()) + " bytes)";
}

[[noreturn]] void fail(ErrorCode code, std::string_view input, std::string_view why) {
  throw Error(code, "path " + quoted(input) + ": " + std::string(why));
}

// ---------------------------------------------------------------------------------------------
// UTF-8

// Decodes the code point starting at s[i] and advances i. Returns nullopt (leaving i unchanged)
// for malformed input: bad lead/continuation bytes, overlong forms, surrogates (UTF-8 cannot
// carry the unpaired surrogates NTFS allows; we do not accept WTF-8) and values > U+10FFFF.
std::optional<char32_t> decode_utf8(std::string_view s, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  // Sequence length, payload bits of the lead byte, and the smallest value that needs that
  // many bytes (anything smaller is an overlong encoding).
  struct Form {
    unsigned char mask, tag, payload;
    std::size_t length;
    char32_t min;
  };
  constexpr Form kForms[] = {
      {0xE0, 0xC0, 0x1F, 2, 0x80}, {0xF0, 0xE0, 0x0F, 3, 0x800}, {0xF8, 0xF0, 0x07, 4, 0x10000}};
  const auto form = std::find_if(std::begin(kForms), std::end(kForms),
                                 [lead](const Form& f) { return (lead & f.mask) == f.tag; });
  if (form == std::end(kForms)) return std::nullopt;
  const std::size_t length = form->length;
  const char32_t min = form->min;
  char32_t cp = lead & form->payload;
  if (s.size() - i < length) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(s[i + k]);
    if ((byte & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += length;
  return cp;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (!decode_utf8(s, i)) return false;
  }
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// In a block where upper and lower case alternate, the lower-case letter of each pair is the
// one whose parity is `lower_parity`; it maps to its neighbour below.
constexpr char32_t upper_of_pair(char32_t cp, char32_t lower_parity) {
  return (cp & 1) == lower_parity ? cp - 1 : cp;
}

// Simple (1:1) Unicode upper-casing for the scripts file names in practice use: ASCII, Latin-1,
// Latin Extended-A, Greek and Cyrillic. This approximates the NTFS $UpCase table, which is
// also 1:1 per UTF-16 unit (no `ß` -> `SS`); code points outside these blocks compare exactly,
// so two case spellings of one file in, say, Armenian get two identities. Mappings from
// non-ASCII to ASCII (dotless `ı` -> `I`, long `ſ` -> `S`) are left out on purpose so an ASCII
// name never matches a non-ASCII one; we believe Windows' ordinal comparison does the same, but
// that is not verified here. Exact parity with NTFS needs the volume's $UpCase table.
constexpr char32_t upper_case(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 0x20;
  if (cp < 0xB5) return cp;
  if (cp == 0xB5) return 0x39C;                                  // micro sign -> Greek Mu
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 0x20;  // à..þ except ÷
  if (cp == 0xFF) return 0x178;                                  // ÿ -> Ÿ
  if (cp >= 0x100 && cp <= 0x137 && cp != 0x130 && cp != 0x131) return upper_of_pair(cp, 1);
  if (cp >= 0x139 && cp <= 0x148) return upper_of_pair(cp, 0);      // Ĺ ĺ .. Ň ň
  if (cp >= 0x14A && cp <= 0x177) return upper_of_pair(cp, 1);      // Ŋ ŋ .. Ŷ ŷ
  if (cp >= 0x179 && cp <= 0x17E) return upper_of_pair(cp, 0);      // Ź ź .. Ž ž
  if (cp == 0x3AC) return 0x386;                                    // ά
  if (cp >= 0x3AD && cp <= 0x3AF) return cp - 0x25;                 // έ ή ί
  if (cp >= 0x3B1 && cp <= 0x3CB && cp != 0x3C2) return cp - 0x20;  // α..ϋ
  if (cp == 0x3C2) return 0x3A3;                                    // final sigma
  if (cp == 0x3CC) return 0x38C;                                    // ό
  if (cp == 0x3CD || cp == 0x3CE) return cp - 0x3F;                 // ύ ώ
  if (cp >= 0x3D8 && cp <= 0x3EF) return upper_of_pair(cp, 1);      // archaic letters, Coptic
  if (cp >= 0x430 && cp <= 0x44F) return cp - 0x20;                 // а..я
  if (cp >= 0x450 && cp <= 0x45F) return cp - 0x50;                 // ѐ..џ
  if (cp >= 0x460 && cp <= 0x481) return upper_of_pair(cp, 1);      // Ѡ ѡ .. Ҁ ҁ
  if (cp >= 0x48A && cp <= 0x4BF) return upper_of_pair(cp, 1);      // Ҋ ҋ .. Ҿ ҿ
  if (cp == 0x4CF) return 0x4C0;                                    // palochka
  if (cp >= 0x4C1 && cp <= 0x4CE) return upper_of_pair(cp, 0);      // Ӂ ӂ .. Ӎ ӎ
  if (cp >= 0x4D0 && cp <= 0x4FF) return upper_of_pair(cp, 1);      // Ӑ ӑ .. Ӿ ӿ
  return cp;
}

// ---------------------------------------------------------------------------------------------
// Lexical helpers

constexpr bool is_separator(char c) {
  return c == '\\' || c == '/';
}

constexpr bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

// `X:` exactly: a drive specification.
bool is_drive_spec(std::string_view s) {
  return s.size() == 2 && is_ascii_letter(s[0]) && s[1] == ':';
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_upper(x) == ascii_upper(y);
         });
}

bool ends_with_separator(std::string_view s) {
  return !s.empty() && is_separator(s.back());
}

// Splits on `\` and `/`, dropping the empty pieces that separator runs produce.
std::vector<std::string_view> split_names(std::string_view s) {
  std::vector<std::string_view> names;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || is_separator(s[i])) {
      if (i > start) names.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return names;
}

// Which characters a name may hold. `:` separates an alternate data stream from a file name on
// NTFS (`C:\dir::$INDEX_ALLOCATION` is `C:\dir` itself), so it never appears in a file name the
// sandbox reasons about; device names (pipe names in particular) may contain it.
enum class NameRules { file, device };

void check_name(std::string_view name, NameRules rules, std::string_view input) {
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20) fail(ErrorCode::invalid_path, input, "contains a control character");
    if (std::string_view(R"(<>"|?*)").find(c) != std::string_view::npos) {
      fail(ErrorCode::invalid_path, input,
           std::string("contains '") + c + "', which is not allowed in a Windows name");
    }
    if (c == ':' && rules == NameRules::file) {
      fail(ErrorCode::invalid_path, input, "contains ':' (alternate data stream) in a name");
    }
  }
}

// Server, share and device names are taken literally (never trimmed); `.`/`..` there would let
// `..` eat into the root.
void check_root_name(std::string_view name, NameRules rules, std::string_view input) {
  if (name == "." || name == "..")
    fail(ErrorCode::invalid_path, input, "'.' or '..' as a root name");
  check_name(name, rules, input);
}

// Win32 turns a name like `NUL`, `con.txt` or `COM1 ` into the device `\\.\NUL`: a
// "path" naming one would reach a device, not a file, so such names are refused outside
// verbatim paths (where they are ordinary file names).
bool is_reserved_device_name(std::string_view name) {
  std::string base(name.substr(0, name.find('.')));
  while (!base.empty() && (base.back() == ' ' || base.back() == ':')) base.pop_back();
  for (char& c : base) c = ascii_upper(c);
  if (base == "CON" || base == "PRN" || base == "AUX" || base == "NUL" || base == "CONIN$" ||
      base == "CONOUT$") {
    return true;
  }
  return base.size() == 4 && (base.starts_with("COM") || base.starts_with("LPT")) &&
         base[3] >= '0' && base[3] <= '9';
}

void trim_trailing_dots_and_spaces(std::string& name) {
  while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.pop_back();
}

// What `..` does when there is nothing left to fold: parse clamps at the root (as Win32 does),
// join refuses to leave its base.
enum class AboveRoot { clamp, reject };

// Applies Win32 normalization to the names after the root, left to right as Win32 does:
// `.` is dropped, `..` folds the previous name, an inner name loses one trailing `.`
// (`dir.\x` opens `dir\x`, but `dir..\x` opens `dir.\x` and `dir \x` opens `dir \x`), and the
// final name loses all trailing dots and spaces unless the path ends in a separator
// (`C:\x. .` opens `C:\x`, `C:\dir \` opens `dir `). A name that trims away entirely is dropped
// (`C:\a\...` opens `C:\a`). This is what makes `C:\dir.\x ` name the same file as `C:\dir\x`:
// the sandbox must grant and deny exactly the file Windows will open.
std::vector<std::string> normalize_names(const std::vector<std::string_view>& raw,
                                         bool trailing_separator, NameRules rules,
                                         AboveRoot above_root, std::string_view input) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    check_name(raw[i], rules, input);
    if (rules == NameRules::file && is_reserved_device_name(raw[i])) {
      fail(ErrorCode::invalid_path, input, "names a DOS device (CON, NUL, COM1, ...), not a file");
    }
    if (raw[i] == ".") continue;
    if (raw[i] == "..") {
      if (!names.empty()) {
        names.pop_back();
      } else if (above_root == AboveRoot::reject) {
        fail(ErrorCode::invalid_path, input, "'..' escapes the base path");
      }
      continue;
    }
    std::string name(raw[i]);
    const bool is_final = i + 1 == raw.size() && !trailing_separator;
    if (!is_final && name.back() == '.') name.pop_back();
    // Win32 would hand `...\` to the file system as the literal name `..`: no file we can name.
    if (name == "..")
      fail(ErrorCode::invalid_path, input, "'...' inner name becomes '..' under Win32");
    names.push_back(std::move(name));
  }
  // Win32 trims the end of the *resulting* path, so a final `.` exposes the name before it
  // (`C:\a \.` opens `C:\a`); a final `..` leaves a separator behind and nothing is trimmed.
  const bool trims_final = !trailing_separator && !raw.empty() && raw.back() != "..";
  if (trims_final && !names.empty()) {
    trim_trailing_dots_and_spaces(names.back());
    if (names.back().empty()) names.pop_back();
  }
  return names;
}

// Verbatim names reach the file system unchanged, so `.`/`..` are not navigation but names no
// file system accepts.
std::vector<std::string> literal_names(const std::vector<std::string_view>& raw, NameRules rules,
                                       std::string_view input) {
  std::vector<std::string> names;
  names.reserve(raw.size());
  for (const auto name : raw) {
    if (name == "." || name == "..") {
      fail(ErrorCode::invalid_path, input,
           "'.' or '..' in a \\\\?\\ path (Windows does not resolve them)");
    }
    check_name(name, rules, input);
    names.emplace_back(name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// The parsed form: a kind, the plain root spelling and the names below it.

struct Parts {
  WinPathKind kind = WinPathKind::drive;
  std::string root;  // `C:\`, `\\server\share\`, `\\.\NAME`
  std::vector<std::string> names;
};

std::string drive_root(char letter) {
  return std::string(1, ascii_upper(letter)) + ":\\";
}

std::string unc_root(std::string_view server, std::string_view share) {
  return "\\\\" + std::string(server) + "\\" + std::string(share) + "\\";
}

std::string device_root(std::string_view name) {
  // The volume device `\\.\c:` carries a drive letter; upper-case it like any drive letter.
  if (is_drive_spec(name)) return std::string(kDevicePrefix) + ascii_upper(name[0]) + ":";
  return std::string(kDevicePrefix) + std::string(name);
}

std::vector<std::string_view> tail(const std::vector<std::string_view>& v, std::size_t from) {
  return {v.begin() + static_cast<std::ptrdiff_t>(std::min(from, v.size())), v.end()};
}

// `rest` follows `\\?\` or `\??\`.
Parts parse_verbatim(std::string_view input, std::string_view rest) {
  if (rest.find('/') != std::string_view::npos) {
    fail(ErrorCode::invalid_path, input,
         "'/' inside a \\\\?\\ path (Windows does not translate it to '\\')");
  }
  if (rest.empty() || rest.front() == '\\')
    fail(ErrorCode::invalid_path, input, "nothing after the \\\\?\\ prefix");
  const auto raw = split_names(rest);
  const bool trailing = ends_with_separator(rest);
  const std::string_view first = raw.front();
  if (is_drive_spec(first) && (raw.size() > 1 || trailing)) {
    return {WinPathKind::drive, drive_root(first[0]),
            literal_names(tail(raw, 1), NameRules::file, input)};
  }
  if (iequals_ascii(first, "UNC")) {
    if (raw.size() < 3)
      fail(ErrorCode::invalid_path, input, "\\\\?\\UNC\\ path without server and share");
    check_root_name(raw[1], NameRules::file, input);
    check_root_name(raw[2], NameRules::file, input);
    return {WinPathKind::unc, unc_root(raw[1], raw[2]),
            literal_names(tail(raw, 3), NameRules::file, input)};
  }
  if (first.find(':') != std::string_view::npos && !is_drive_spec(first)) {
    fail(ErrorCode::invalid_path, input, "malformed device name after \\\\?\\");
  }
  check_root_name(first, NameRules::device, input);
  return {WinPathKind::device, device_root(first),
          literal_names(tail(raw, 1), NameRules::device, input)};
}

// `rest` follows a normalized device prefix (`\\.\`, `//./`, `//?/`, ...).
Parts parse_device(std::string_view input, std::string_view rest) {
  if (rest.empty() || is_separator(rest.front()))
    fail(ErrorCode::invalid_path, input, "device path without a name");
  const auto raw = split_names(rest);
  const bool trailing = ends_with_separator(rest);
  const std::string_view first = raw.front();
  if (is_drive_spec(first) && (raw.size() > 1 || trailing)) {
    auto names = normalize_names(tail(raw, 1), trailing, NameRules::file, AboveRoot::clamp, input);
    return {WinPathKind::drive, drive_root(first[0]), std::move(names)};
  }
  if (iequals_ascii(first, "UNC")) {
    // Win32's root here is `\\.\UNC`, so `..` may climb into the server and share; fold first,
    // then require what is left to start with a server and a share.
    auto names = normalize_names(tail(raw, 1), trailing, NameRules::file, AboveRoot::clamp, input);
    if (names.size() < 2)
      fail(ErrorCode::invalid_path, input, "\\\\.\\UNC\\ path without server and share");
    Parts parts{WinPathKind::unc, unc_root(names[0], names[1]), {}};
    parts.names.assign(std::make_move_iterator(names.begin() + 2),
                       std::make_move_iterator(names.end()));
    return parts;
  }
  if (first.find(':') != std::string_view::npos && !is_drive_spec(first)) {
    fail(ErrorCode::invalid_path, input, "malformed device name after \\\\.\\");
  }
  check_root_name(first, NameRules::device, input);
  auto names = normalize_names(tail(raw, 1), trailing, NameRules::device, AboveRoot::clamp, input);
  return {WinPathKind::device, device_root(first), std::move(names)};
}

// `input` starts with two separators that are not a device prefix.
Parts parse_unc(std::string_view input) {
  const std::string_view rest = input.substr(2);
  if (rest.empty() || is_separator(rest.front()))
    fail(ErrorCode::invalid_path, input, "UNC path without a server");
  const auto raw = split_names(rest);
  if (raw.size() < 2) fail(ErrorCode::invalid_path, input, "UNC path without a share");
  check_root_name(raw[0], NameRules::file, input);
  check_root_name(raw[1], NameRules::file, input);
  auto names = normalize_names(tail(raw, 2), ends_with_separator(rest), NameRules::file,
                               AboveRoot::clamp, input);
  return {WinPathKind::unc, unc_root(raw[0], raw[1]), std::move(names)};
}

// `input` is `X:` followed by a separator.
Parts parse_drive(std::string_view input) {
  const std::string_view rest = input.substr(3);
  auto names = normalize_names(split_names(rest), ends_with_separator(rest), NameRules::file,
                               AboveRoot::clamp, input);
  return {WinPathKind::drive, drive_root(input[0]), std::move(names)};
}

void check_encoding(std::string_view input) {
  if (input.empty()) fail(ErrorCode::invalid_path, input, "is empty");
  if (input.find('\0') != std::string_view::npos)
    fail(ErrorCode::invalid_path, input, "contains a NUL character");
  if (!is_valid_utf8(input)) fail(ErrorCode::invalid_path, input, "is not valid UTF-8");
}

// Two separators, then `.` or `?`, then a separator or the end: Win32's "local device" form.
// The exact `\\?\` spelling is handled earlier as verbatim; any other spelling (`//?/`) is
// normalized like `\\.\`, as Win32 does.
bool is_device_prefix(std::string_view s) {
  return s.size() >= 3 && is_separator(s[0]) && is_separator(s[1]) &&
         (s[2] == '.' || s[2] == '?') && (s.size() == 3 || is_separator(s[3]));
}

Parts parse_parts(std::string_view input) {
  check_encoding(input);
  if (input.starts_with(kVerbatimPrefix) || input.starts_with(kNtPrefix)) {
    return parse_verbatim(input, input.substr(kVerbatimPrefix.size()));
  }
  if (is_device_prefix(input))
    return parse_device(input, input.substr(std::min<std::size_t>(4, input.size())));
  if (input.size() >= 2 && is_separator(input[0]) && is_separator(input[1]))
    return parse_unc(input);
  if (is_separator(input[0])) {
    fail(ErrorCode::relative_path, input,
         "is rooted but has no drive (relative to the current drive)");
  }
  if (input.size() >= 2 && is_ascii_letter(input[0]) && input[1] == ':') {
    if (input.size() == 2 || !is_separator(input[2])) {
      fail(ErrorCode::relative_path, input,
           "is drive-relative (relative to that drive's current directory)");
    }
    return parse_drive(input);
  }
  fail(ErrorCode::relative_path, input, "is relative; an absolute path is required");
}

// ---------------------------------------------------------------------------------------------
// Spelling a Parts value

// Win32 would alter a name that ends in `.` or ` ` and open a device for a reserved DOS name
// (`CON`, `nul.txt`) below a drive or share, so such a path must keep `\\?\`.
bool needs_verbatim(const Parts& parts) {
  return std::any_of(parts.names.begin(), parts.names.end(), [&](const std::string& n) {
    return n.back() == '.' || n.back() == ' ' ||
           (parts.kind != WinPathKind::device && is_reserved_device_name(n));
  });
}

// The root as it appears in the display string.
std::string display_root(const Parts& parts) {
  if (!needs_verbatim(parts)) return parts.root;
  switch (parts.kind) {
    case WinPathKind::drive: return std::string(kVerbatimPrefix) + parts.root;
    case WinPathKind::unc: return std::string(kVerbatimUncPrefix) + parts.root.substr(2);
    case WinPathKind::device:
      return std::string(kVerbatimPrefix) + parts.root.substr(kDevicePrefix.size());
  }
  return parts.root;
}

// Appends the names to a root; drive and UNC roots end in `\`, device roots do not.
std::string with_names(std::string spelled, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (!ends_with_separator(spelled)) spelled += '\\';
    spelled += name;
  }
  return spelled;
}

// The plain root inside a display string: undoes display_root.
std::string plain_root(std::string_view display_root_text, WinPathKind kind) {
  if (!display_root_text.starts_with(kVerbatimPrefix)) return std::string(display_root_text);
  const std::string_view rest = display_root_text.substr(kVerbatimPrefix.size());
  switch (kind) {
    case WinPathKind::drive: return std::string(rest);
    case WinPathKind::unc: return "\\\\" + std::string(rest.substr(4));  // drop `UNC\`
    case WinPathKind::device: return std::string(kDevicePrefix) + std::string(rest);
  }
  return std::string(display_root_text);
}

// The names below the root of a display string.
std::vector<std::string> names_after_root(std::string_view display, std::size_t root_length) {
  std::vector<std::string> names;
  for (const auto name : split_names(display.substr(root_length))) names.emplace_back(name);
  return names;
}

Parts parts_of(WinPathKind kind, std::string_view display, std::size_t root_length) {
  return {kind, plain_root(display.substr(0, root_length), kind),
          names_after_root(display, root_length)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// fold_case

std::string fold_case(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    if (const auto cp = decode_utf8(utf8, i)) {
      append_utf8(out, upper_case(*cp));
    } else {
      out += utf8[i++];  // not UTF-8: keep the byte; identity stays exact for it
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// WinPath

WinPath WinPath::parse(std::string_view utf8) {
  const Parts parts = parse_parts(utf8);
  WinPath path;
  path.kind_ = parts.kind;
  const std::string root = display_root(parts);
  path.root_length_ = root.size();
  path.display_ = with_names(root, parts.names);
  path.identity_ = fold_case(with_names(parts.root, parts.names));
  return path;
}

std::optional<WinPath> WinPath::try_parse(std::string_view utf8) noexcept {
  try {
    return parse(utf8);
  } catch (...) {  // Error, or allocation failure: either way there is no path
    return std::nullopt;
  }
}

bool WinPath::looks_absolute(std::string_view utf8) noexcept {
  if (utf8.starts_with(kNtPrefix)) return true;
  if (utf8.size() >= 2 && is_separator(utf8[0]) && is_separator(utf8[1])) return true;
  return utf8.size() >= 3 && is_ascii_letter(utf8[0]) && utf8[1] == ':' && is_separator(utf8[2]);
}

WinPath WinPath::root() const {
  // A root never needs the verbatim prefix, so its display is its plain spelling.
  WinPath result;
  result.kind_ = kind_;
  result.display_ = plain_root(std::string_view(display_).substr(0, root_length_), kind_);
  result.root_length_ = result.display_.size();
  result.identity_ = fold_case(result.display_);
  return result;
}

bool WinPath::is_root() const noexcept {
  return display_.size() == root_length_;
}

std::optional<char> WinPath::drive_letter() const noexcept {
  if (kind_ != WinPathKind::drive || display_.empty()) return std::nullopt;
  return display_.starts_with(kVerbatimPrefix) ? display_[kVerbatimPrefix.size()] : display_[0];
}

std::vector<std::string> WinPath::components() const {
  Parts parts = parts_of(kind_, display_, root_length_);
  std::vector<std::string> result;
  result.reserve(parts.names.size() + 1);
  result.push_back(std::move(parts.root));
  for (auto& name : parts.names) result.push_back(std::move(name));
  return result;
}

std::size_t WinPath::component_count() const noexcept {
  const std::string_view names =
      std::string_view(display_).substr(std::min(root_length_, display_.size()));
  const auto first = names.find_first_not_of('\\');
  if (first == std::string_view::npos) return 1;
  return 2 + static_cast<std::size_t>(
                 std::count(names.begin() + static_cast<std::ptrdiff_t>(first), names.end(), '\\'));
}

std::string WinPath::filename() const {
  if (is_root()) return {};
  return display_.substr(display_.find_last_of('\\') + 1);
}

// parent() and join() respell through parse(): one construction path, and the display form
// (plain or `\\?\`) is recomputed for the new set of names.
std::optional<WinPath> WinPath::parent() const {
  if (is_root()) return std::nullopt;
  Parts parts = parts_of(kind_, display_, root_length_);
  parts.names.pop_back();
  return parse(with_names(display_root(parts), parts.names));
}

WinPath WinPath::join(std::string_view relative) const {
  if (relative.empty()) return *this;
  check_encoding(relative);
  if (is_separator(relative.front())) {
    fail(ErrorCode::invalid_path, relative,
         "join() needs a relative subpath, not a rooted or UNC path");
  }
  if (relative.size() >= 2 && is_ascii_letter(relative[0]) && relative[1] == ':') {
    fail(ErrorCode::invalid_path, relative, "join() needs a relative subpath, not a drive path");
  }
  const NameRules rules = kind_ == WinPathKind::device ? NameRules::device : NameRules::file;
  auto added = normalize_names(split_names(relative), ends_with_separator(relative), rules,
                               AboveRoot::reject, relative);
  if (added.empty()) return *this;
  Parts parts = parts_of(kind_, display_, root_length_);
  for (auto& name : added) parts.names.push_back(std::move(name));
  return parse(with_names(display_root(parts), parts.names));
}

WinPath WinPath::child(std::string_view name) const {
  check_encoding(name);
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of("\\/") != std::string_view::npos) {
    fail(ErrorCode::invalid_path, name, "child() needs one literal name");
  }
  check_name(name, kind_ == WinPathKind::device ? NameRules::device : NameRules::file, name);
  Parts parts = parts_of(kind_, display_, root_length_);
  parts.names.emplace_back(name);
  return parse(with_names(display_root(parts), parts.names));
}

bool WinPath::is_within(const WinPath& ancestor) const noexcept {
  const std::string& outer = ancestor.identity_;
  const std::string& inner = identity_;
  if (outer.empty() || inner.size() < outer.size()) return false;
  if (inner.compare(0, outer.size(), outer) != 0) return false;
  // Component-wise: `C:\ab` is not within `C:\a`. Folding never produces `\`, so a `\` right
  // after the shared prefix (or a root that already ends in `\`) is a component boundary.
  return inner.size() == outer.size() || outer.back() == '\\' || inner[outer.size()] == '\\';
}

std::optional<std::vector<std::string>> WinPath::relative_to(const WinPath& ancestor) const {
  if (!is_within(ancestor)) return std::nullopt;
  auto names = names_after_root(display_, root_length_);
  const std::size_t skip = ancestor.component_count() - 1;
  names.erase(names.begin(),
              names.begin() + static_cast<std::ptrdiff_t>(std::min(skip, names.size())));
  return names;
}

}  // namespace winsandbox
