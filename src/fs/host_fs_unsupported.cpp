// open_host_file_system() on hosts without a Windows disk.
#include "winsandbox/error.hpp"
#include "winsandbox/fs_view.hpp"

namespace winsandbox {

std::unique_ptr<FileSystemView> open_host_file_system() {
  throw Error(ErrorCode::unsupported_platform,
              "this host has no Windows filesystem; pass a JSON snapshot (--fs-snapshot)");
}

}  // namespace winsandbox
