// system_random_source() for POSIX hosts. The Windows definition lives in src/win, which is the
// only layer allowed to call BCryptGenRandom (see random_source.hpp).
#include "plan/random_source.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <sys/random.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

#include "winsandbox/error.hpp"

namespace winsandbox {
namespace {

[[noreturn]] void fail(const char* what, int error) {
  throw Error(ErrorCode::io_error, std::string(what) + " failed: " + std::strerror(error) +
                                       " (errno " + std::to_string(error) + ")");
}

class PosixRandomSource final : public RandomSource {
public:
  void fill(std::span<std::byte> buffer) override {
#if defined(__linux__)
    while (!buffer.empty()) {
      const ssize_t got = ::getrandom(buffer.data(), buffer.size(), 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        fail("getrandom", errno);
      }
      buffer = buffer.subspan(static_cast<std::size_t>(got));
    }
#else
    const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open(/dev/urandom)", errno);
    while (!buffer.empty()) {
      const ssize_t got = ::read(fd, buffer.data(), buffer.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        const int error = got < 0 ? errno : EIO;
        ::close(fd);
        fail("read(/dev/urandom)", error);
      }
      buffer = buffer.subspan(static_cast<std::size_t>(got));
    }
    ::close(fd);
#endif
  }
};

}  // namespace

RandomSource& system_random_source() {
  static PosixRandomSource source;
  return source;
}

}  // namespace winsandbox
