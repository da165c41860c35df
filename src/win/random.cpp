#include "win/random.hpp"

#include <algorithm>
#include <limits>
#include <vector>

// clang-format off
#include <windows.h>  // first: bcrypt.h needs its types
#include <bcrypt.h>
// clang-format on

#include "winsandbox/error.hpp"

namespace winsandbox::win {

void fill_random(std::span<std::byte> buffer) {
  while (!buffer.empty()) {
    const ULONG chunk =
        static_cast<ULONG>(std::min<std::size_t>(buffer.size(), std::numeric_limits<ULONG>::max()));
    const NTSTATUS status = BCryptGenRandom(nullptr, reinterpret_cast<PUCHAR>(buffer.data()), chunk,
                                            BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (status < 0) {
      throw Error(ErrorCode::win32_call_failed,
                  "BCryptGenRandom failed: NTSTATUS " + std::to_string(status),
                  static_cast<std::uint32_t>(status));
    }
    buffer = buffer.subspan(chunk);
  }
}

std::string random_hex(std::size_t byte_count) {
  std::vector<std::byte> bytes(byte_count);
  fill_random(bytes);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(byte_count * 2);
  for (const std::byte b : bytes) {
    hex.push_back(kDigits[std::to_integer<unsigned>(b) >> 4]);
    hex.push_back(kDigits[std::to_integer<unsigned>(b) & 0xF]);
  }
  return hex;
}

}  // namespace winsandbox::win
