#include "win/acl_builder.hpp"

#include "win/win32_error.hpp"

namespace winsandbox::win {

TypedBuffer<ACL> make_allow_acl(const std::vector<AllowEntry>& entries) {
  DWORD size = sizeof(ACL);
  for (const auto& entry : entries) {
    // ACCESS_ALLOWED_ACE ends with the SID's first DWORD (SidStart).
    size += sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) + entry.sid->length();
  }
  TypedBuffer<ACL> acl(size);
  if (!InitializeAcl(acl.get(), size, ACL_REVISION)) throw_last_error("InitializeAcl");
  for (const auto& entry : entries) {
    if (!AddAccessAllowedAce(acl.get(), ACL_REVISION, entry.access, entry.sid->get())) {
      throw_last_error("AddAccessAllowedAce");
    }
  }
  return acl;
}

}  // namespace winsandbox::win
