// Shared by the plan tests: a deterministic RandomSource and a scratch directory
// (tests/scratch_dir.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "../scratch_dir.hpp"
#include "plan/acl_state.hpp"
#include "plan/random_source.hpp"
#include "winsandbox/acl_plan.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::testing {

// A Windows path literal, parsed.
inline WinPath p(std::string_view text) {
  return WinPath::parse(text);
}

// The sandbox home of the plan scenarios (user alice).
inline const WinPath kAliceSandboxHome = p("C:\\Users\\alice\\.winsandbox");

// Bytes start, start+1, start+2, ... (mod 256), continuing across calls, so golden SIDs are
// exact: the first SID from CountingRandom(0) is S-1-5-21-50462976-117835012-185207048-252579084
// (bytes 00..0F read as four little-endian u32).
class CountingRandom final : public RandomSource {
public:
  explicit CountingRandom(std::uint8_t start = 0) : next_(start) {}
  void fill(std::span<std::byte> buffer) override {
    ++calls_;
    for (auto& b : buffer) b = static_cast<std::byte>(next_++);
  }
  int calls() const { return calls_; }

private:
  std::uint8_t next_;
  int calls_ = 0;
};

// Deterministic but non-repeating bytes (SplitMix64) for tests that need many distinct SIDs.
class SplitMixRandom final : public RandomSource {
public:
  explicit SplitMixRandom(std::uint64_t seed) : state_(seed) {}
  void fill(std::span<std::byte> buffer) override {
    for (auto& b : buffer) {
      if (available_ == 0) {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word_ = z ^ (z >> 31);
        available_ = 8;
      }
      b = static_cast<std::byte>(word_ & 0xFF);
      word_ >>= 8;
      --available_;
    }
  }

private:
  std::uint64_t state_;
  std::uint64_t word_ = 0;
  int available_ = 0;
};

// Resolved permissions with nothing in them but the command cwd (read-only token mode); tests
// fill in what they need.
inline ResolvedPermissions empty_resolved(std::string_view cwd) {
  return ResolvedPermissions{.workspace_roots = {},
                             .command_cwd = WinPath::parse(cwd),
                             .token_mode = TokenMode::read_only_capability,
                             .network = {},
                             .full_disk_read = false,
                             .include_platform_defaults = false,
                             .readable_roots = {},
                             .writable_roots = {},
                             .deny_read = {},
                             .acl = {},
                             .bound_entries = {},
                             .deny_read_globs = {},
                             .warnings = {}};
}

}  // namespace winsandbox::testing

namespace winsandbox {
// Readable gtest output for ACL values (found by argument-dependent lookup).
inline void PrintTo(const AclEntry& entry, std::ostream* out) {
  *out << dump_json(to_json_value(entry));
}
inline void PrintTo(const AclOperation& op, std::ostream* out) {
  *out << (op.action == AclAction::apply ? "apply " : "revoke ");
  PrintTo(op.entry, out);
}
}  // namespace winsandbox
