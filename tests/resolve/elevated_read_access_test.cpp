// validate_elevated_read_access(): docs/resolution.md#elevated-read-check
// (elevated_filesystem_policy_requires_effective_root_read_access), cases a–d, and variants.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "../unit/test_support.hpp"
#include "snapshot_builder.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox {
namespace {

using Mode = FileSystemAccessMode;
using testing::SnapshotBuilder;

WinPath p(std::string_view text) {
  return WinPath::parse(text);
}
FileSystemSandboxEntry entry(FileSystemPath path, Mode access) {
  return {std::move(path), access};
}
PermissionProfile managed(std::vector<FileSystemSandboxEntry> entries) {
  return ManagedProfile{RestrictedFileSystem{std::move(entries), {}}, NetworkAccess::restricted};
}

class ElevatedReadAccess : public ::testing::Test {
protected:
  const SnapshotFileSystem fs_ = SnapshotBuilder()
                                     .dir("C:\\tmp\\workspace")
                                     .dir("C:\\tmp\\private")
                                     .file("C:\\tmp\\private\\key.txt")
                                     .build();

  void validate(std::vector<FileSystemSandboxEntry> entries,
                std::string_view workspace = "C:\\tmp\\workspace") {
    const WinPath root = p(workspace);
    const ResolvedPermissions resolved =
        resolve(managed(std::move(entries)), ProfileBinding::for_profile_cwd(root), root, {}, fs_);
    validate_elevated_read_access(resolved, fs_);
  }
};

// (a) Only the project roots are readable (and writable): C:\ is not.
TEST_F(ElevatedReadAccess, ProjectRootsOnlyIsRejected) {
  EXPECT_WS_ERROR(validate({entry(FileSystemSpecialPath::project_roots(), Mode::write)}),
                  ErrorCode::root_read_required, "C:\\ is not readable");
}

// (b) `:root = read` with an exact deny elsewhere: the root itself stays readable.
TEST_F(ElevatedReadAccess, RootReadWithExactDenyElsewhereIsAccepted) {
  EXPECT_NO_THROW(validate({entry(FileSystemSpecialPath::root(), Mode::read),
                            entry(p("C:\\tmp\\private"), Mode::deny)}));
}

// (c) An explicit path entry for the filesystem root counts like `:root`.
TEST_F(ElevatedReadAccess, ExplicitFilesystemRootReadIsAccepted) {
  EXPECT_NO_THROW(validate({entry(p("C:\\"), Mode::read)}));
}

// (d) A deny glob covering the whole drive takes the root's read access away.
TEST_F(ElevatedReadAccess, DenyGlobOverTheWholeDriveIsRejected) {
  EXPECT_WS_ERROR(validate({entry(FileSystemSpecialPath::root(), Mode::read),
                            entry(GlobPattern{"C:\\**"}, Mode::deny)}),
                  ErrorCode::root_read_required, "deny-read glob");
}

// `:root = deny` with a reopened read root (issue #42184): rejected, not silently widened.
TEST_F(ElevatedReadAccess, RootDenyWithReopenedRootIsRejected) {
  EXPECT_WS_ERROR(validate({entry(FileSystemSpecialPath::root(), Mode::deny),
                            entry(p("C:\\tmp\\workspace"), Mode::read)}),
                  ErrorCode::root_read_required, "C:\\ is not readable");
}

// The root is the command cwd's: read access to another drive does not count.
TEST_F(ElevatedReadAccess, ReadAccessToAnotherDriveDoesNotCount) {
  EXPECT_WS_ERROR(validate({entry(p("D:\\"), Mode::read),
                            entry(FileSystemSpecialPath::project_roots(), Mode::write)}),
                  ErrorCode::root_read_required, "C:\\ is not readable");
}

}  // namespace
}  // namespace winsandbox
