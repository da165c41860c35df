// The windows-smoke tier's gate (docs/selftest.md#windows-smoke): one function decides whether a
// smoke test may skip, and it never lets one skip on real Windows.
#pragma once

#include <string>

#include "win/selftest_fixtures.hpp"

namespace winsandbox::win::test {

// Why an enforcement check cannot run on this host, or "" where it must run. Only Wine is a
// reason: on Windows a smoke test never skips (a missing setup, a non-elevated process, a missing
// tool are failures there, since a skip would be a check that did not run).
inline std::string smoke_skip_reason(bool under_wine) {
  if (under_wine) {
    return "Wine does not enforce restricted tokens, file DACLs or firewall rules; this "
           "enforcement check runs on Windows (windows-smoke)";
  }
  return "";
}

inline std::string smoke_skip_reason_here() {
  return smoke_skip_reason(running_under_wine());
}

}  // namespace winsandbox::win::test
