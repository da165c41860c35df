// Base64 (RFC 4648 §4: standard alphabet, `=` padding), as used for binary payloads in JSON
// (runner IPC `data_b64`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace winsandbox {

// Encodes `bytes` (any octets) with padding; the output length is 4 * ceil(n / 3).
std::string base64_encode(std::string_view bytes);

// Decodes canonical base64 only: length a multiple of 4, padding exactly where needed, no
// whitespace or other characters, and zero in the unused low bits of the last symbol (so
// every byte string has exactly one accepted encoding and decode → encode is the identity).
// Anything else yields nullopt.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace winsandbox
