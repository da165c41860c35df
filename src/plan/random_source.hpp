// RandomSource: where capability SIDs (and anything else that must be unguessable) get their
// bytes. docs/acl-and-sids.md#randomness: a CSPRNG, never a seeded PRNG. Tests inject a
// deterministic source so that golden SIDs are exact.
#pragma once

#include <cstddef>
#include <span>

namespace winsandbox {

class RandomSource {
public:
  virtual ~RandomSource() = default;
  // Fills `buffer` with unpredictable bytes, or throws Error; never returns partially filled.
  virtual void fill(std::span<std::byte> buffer) = 0;
};

// The operating system's CSPRNG, shared by the whole process (thread-safe, stateless).
//
// | host          | source                                   | defined in                    |
// |---------------|------------------------------------------|-------------------------------|
// | Linux         | getrandom(2), flags 0: blocks only until | src/plan/random_source.cpp    |
// |               | the kernel pool is first seeded          |                               |
// | other POSIX   | /dev/urandom                             | src/plan/random_source.cpp    |
// | Windows       | BCryptGenRandom (system-preferred RNG)   | src/win (glue over            |
// |               |                                          | win::fill_random)             |
//
// std::random_device is deliberately not used: the standard does not require it to be a
// CSPRNG (it may be a PRNG, and older MinGW runtimes returned a fixed sequence).
// Failures throw Error(io_error) on POSIX, Error(win32_call_failed) on Windows.
RandomSource& system_random_source();

}  // namespace winsandbox
