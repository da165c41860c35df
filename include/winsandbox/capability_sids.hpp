// Capability SIDs: the random SIDs a sandbox token is restricted to, and that ACEs on disk grant
// or deny (docs/acl-and-sids.md#capability-sids).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/path.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {

// One SID per writable root, keyed by the root's path identity (WinPath::identity():
// docs/architecture.md#path-identity). Roots are the *writable roots* of the resolved permissions —
// the bound workspace roots and the other writable entries — never the command cwd. (The reference
// gives a root that equals the command cwd a different SID from the same root reached from another
// cwd; here a root has one SID whatever the cwd.)
struct RootCapabilitySid {
  WinPath root;
  std::string sid;  // S-1-5-21-a-b-c-d
  friend bool operator==(const RootCapabilitySid&, const RootCapabilitySid&) = default;
};

// The capability SIDs one command needs, as handed out by the persistent SID store.
struct CapabilitySids {
  // The one read-only capability SID of this sandbox home: the token's only capability in
  // read-only mode (TokenMode::read_only_capability). Nothing grants it write access.
  std::string read_only;
  // One per writable root of the command, sorted by root identity, no duplicates.
  std::vector<RootCapabilitySid> writable_roots;

  // The SID of `root` (by identity), or nullptr.
  const std::string* sid_for_root(const WinPath& root) const;

  friend bool operator==(const CapabilitySids&, const CapabilitySids&) = default;
};

// How many capability SIDs one token may carry. The binding Windows limit is not the restricting
// SID list itself (CreateRestrictedToken documents no small limit; the well-known cap of about
// 1024 SIDs per token is far away) but the token's *dynamic part*: every capability SID also
// gets a GENERIC_ALL entry in the token's default DACL (so the child can create pipes and other
// objects), and a token's default DACL plus primary group must fit the dynamic part sized when
// the token was created (TOKEN_STATISTICS.DynamicCharged; 4096 bytes for ordinary logon tokens
// — the windows-smoke tier should assert the value it sees). SetTokenInformation(
// TokenDefaultDacl) fails with ERROR_ALLOTTED_SPACE_EXCEEDED (1344) beyond it; the reference
// crate hits exactly this with 147–250 writable roots (docs/acl-and-sids.md#token-capacity;
// openai/codex #26438, #36328).
//
//   bytes = 8 (ACL header) + 20 (Everyone ACE) + 28 (logon-SID ACE) + 28 (primary group SID)
//         + 36 per capability SID (ACE header 4 + mask 4 + SID S-1-5-21-a-b-c-d 28)
//   4096 bytes  =>  at most 111 capability SIDs.
//
// We allow 64: far more than any real workspace needs (a handful of roots), with headroom for a
// smaller dynamic part and longer user/group SIDs. Beyond it a plan fails with
// ErrorCode::token_limit_exceeded before anything is persisted or any ACE written, instead of
// failing later in SetTokenInformation.
inline constexpr std::size_t kMaxTokenCapabilitySids = 64;

// Throws Error(token_limit_exceeded) when `count` capability SIDs exceed
// kMaxTokenCapabilitySids; `what` says what they are for (shown in the message).
void require_token_capacity(std::size_t count, std::string_view what);

// The capability SIDs the command's restricted token carries, in token order:
// * read-only mode: [read_only];
// * writable-roots mode: the SID of every writable root of `resolved`, sorted by root identity
//   (so the parent and the runner build identical tokens).
// Never more than the command's writable roots. Throws Error(invalid_argument) when `sids` lacks
// a writable root's SID, Error(token_limit_exceeded) as require_token_capacity.
std::vector<std::string> token_capability_sids(const ResolvedPermissions& resolved,
                                               const CapabilitySids& sids);

// True for `S-1-5-21-a-b-c-d` with four decimal 32-bit values (no sign, no leading zeros) — the
// only shape capability SIDs take.
bool is_capability_sid(std::string_view text) noexcept;

// Loose SID syntax check for account and group SIDs: `S-1-` followed by digits and dashes (any
// authority; capability SIDs are checked strictly by is_capability_sid).
bool looks_like_sid(std::string_view text) noexcept;

// `{"read_only":"S-…","writable_roots":[{"root":"C:\\repo","sid":"S-…"}]}` (compact).
std::string capability_sids_to_json(const CapabilitySids& sids);

}  // namespace winsandbox
