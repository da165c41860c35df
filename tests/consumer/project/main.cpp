// A host program that links the installed winsandbox package.
#include <iostream>

#include "winsandbox/winsandbox.hpp"

int main() {
  const auto profile = winsandbox::PermissionProfile::workspace_write();
  std::cout << winsandbox::profile_to_json(profile) << '\n';
  return 0;
}
