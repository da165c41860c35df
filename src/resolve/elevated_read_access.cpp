// validate_elevated_read_access(): the elevated backend's precondition on read access.
#include <string>

#include "resolve/glob.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {
namespace {

[[noreturn]] void refuse(const WinPath& root, const std::string& why) {
  throw Error(ErrorCode::root_read_required,
              "the elevated backend requires effective `:root` read access, but " + root.str() +
                  " is not readable (" + why +
                  "); it grants read roots and cannot deny reads elsewhere on the disk");
}

}  // namespace

void validate_elevated_read_access(const ResolvedPermissions& resolved, const FileSystemView& fs) {
  // The cwd is canonical and absolute, so it always has a root (a drive or a share).
  const WinPath root = resolved.command_cwd.root();
  const PathVerdict verdict = explain(resolved, root, fs);
  if (!verdict.read) refuse(root, verdict.rule);
  // A glob denying every name below the root (`C:\**`, `C:\*`) closes the root just as well.
  for (const auto& pattern : resolved.deny_read_globs) {
    if (GlobMatcher::compile(pattern).matches_every_child_of(root)) {
      refuse(root, "deny-read glob " + pattern + " covers everything below it");
    }
  }
}

}  // namespace winsandbox
