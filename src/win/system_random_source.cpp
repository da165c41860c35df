// system_random_source() for Windows targets: the plan layer's RandomSource over
// BCryptGenRandom (win::fill_random), the only place the process's CSPRNG is called from
// (see src/plan/random_source.hpp; the POSIX definition is src/plan/random_source.cpp).
#include "plan/random_source.hpp"
#include "win/random.hpp"

namespace winsandbox {
namespace {

class WindowsRandomSource final : public RandomSource {
public:
  void fill(std::span<std::byte> buffer) override { win::fill_random(buffer); }
};

}  // namespace

RandomSource& system_random_source() {
  static WindowsRandomSource source;
  return source;
}

}  // namespace winsandbox
