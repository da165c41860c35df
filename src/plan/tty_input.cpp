#include "plan/tty_input.hpp"

namespace winsandbox {

std::string TtyInputNormalizer::normalize(std::string_view input) {
  std::string output;
  output.reserve(input.size());
  for (const char byte : input) {
    if (byte == '\b') {
      output.push_back('\x7f');
    } else if (byte == '\n') {
      if (!previous_was_cr_) output.push_back('\r');
    } else {
      output.push_back(byte);
    }
    previous_was_cr_ = byte == '\r';
  }
  return output;
}

}  // namespace winsandbox
