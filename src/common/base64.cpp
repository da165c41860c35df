#include "common/base64.hpp"

#include <array>
#include <cstdint>

namespace winsandbox {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> kDecodeTable = make_decode_table();

std::uint8_t symbol_value(char c) {
  return kDecodeTable[static_cast<unsigned char>(c)];
}

}  // namespace

// Both directions size the output once and write through a pointer: the runner's output
// frames carry all of a command's output, so this is on the elevated backend's hot path.
std::string base64_encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4, '\0');
  char* o = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = static_cast<std::uint32_t>(in[i]) << 16 |
                                static_cast<std::uint32_t>(in[i + 1]) << 8 | in[i + 2];
    *o++ = kAlphabet[group >> 18 & 0x3F];
    *o++ = kAlphabet[group >> 12 & 0x3F];
    *o++ = kAlphabet[group >> 6 & 0x3F];
    *o++ = kAlphabet[group & 0x3F];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = static_cast<std::uint32_t>(in[i]) << 16;
    if (rest == 2) group |= static_cast<std::uint32_t>(in[i + 1]) << 8;
    *o++ = kAlphabet[group >> 18 & 0x3F];
    *o++ = kAlphabet[group >> 12 & 0x3F];
    *o++ = rest == 2 ? kAlphabet[group >> 6 & 0x3F] : '=';
    *o++ = '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  char* o = out.data();
  // Every quantum but the last has no padding: four symbols, three bytes.
  const std::size_t whole = text.empty() ? 0 : text.size() - 4;
  for (std::size_t i = 0; i < whole; i += 4) {
    const std::uint8_t a = symbol_value(text[i]);
    const std::uint8_t b = symbol_value(text[i + 1]);
    const std::uint8_t c = symbol_value(text[i + 2]);
    const std::uint8_t d = symbol_value(text[i + 3]);
    if (((a | b | c | d) & 0xC0) != 0) return std::nullopt;  // kInvalid; symbols are < 64
    const std::uint32_t group = static_cast<std::uint32_t>(a) << 18 |
                                static_cast<std::uint32_t>(b) << 12 |
                                static_cast<std::uint32_t>(c) << 6 | d;
    *o++ = static_cast<char>(group >> 16 & 0xFF);
    *o++ = static_cast<char>(group >> 8 & 0xFF);
    *o++ = static_cast<char>(group & 0xFF);
  }
  if (!text.empty()) {
    const std::size_t i = whole;
    // Padding may only appear in the last quantum, as "x=" or "==" at its end.
    std::size_t padding = 0;
    if (text[i + 3] == '=') padding = text[i + 2] == '=' ? 2 : 1;
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 4 - padding; ++k) {
      const std::uint8_t value = symbol_value(text[i + k]);
      if (value == kInvalid) return std::nullopt;
      group |= static_cast<std::uint32_t>(value) << (18 - 6 * k);
    }
    // Non-canonical: bits below the last encoded byte must be zero.
    if (padding == 1 && (group & 0xFF) != 0) return std::nullopt;
    if (padding == 2 && (group & 0xFFFF) != 0) return std::nullopt;
    *o++ = static_cast<char>(group >> 16 & 0xFF);
    if (padding < 2) *o++ = static_cast<char>(group >> 8 & 0xFF);
    if (padding < 1) *o++ = static_cast<char>(group & 0xFF);
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}

}  // namespace winsandbox
