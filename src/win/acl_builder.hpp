// In-memory ACLs built from explicit grants (token default DACLs, private desktops). Not for
// file ACL editing, which merges with existing entries.
#pragma once

#include <vector>

#include <windows.h>

#include "win/handles.hpp"
#include "win/sid.hpp"

namespace winsandbox::win {

struct AllowEntry {
  const Sid* sid;
  ACCESS_MASK access;
};

// An ACL holding one ACCESS_ALLOWED ACE per entry, in order, with no inheritance flags.
TypedBuffer<ACL> make_allow_acl(const std::vector<AllowEntry>& entries);

}  // namespace winsandbox::win
