// Unpredictable bytes from the system CSPRNG (BCryptGenRandom), for object names that must not
// be guessable (pipes, desktops). docs/acl-and-sids.md#randomness: never a seeded PRNG.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace winsandbox::win {

void fill_random(std::span<std::byte> buffer);

// `byte_count` random bytes as lower-case hex (2 characters per byte).
std::string random_hex(std::size_t byte_count);

}  // namespace winsandbox::win
