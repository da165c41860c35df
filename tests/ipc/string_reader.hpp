// A ByteReader over fixed bytes, for feeding frame readers in tests.
#pragma once

#include <algorithm>
#include <cstring>
#include <span>
#include <string>

#include "winsandbox/ipc.hpp"

namespace winsandbox::testing {

class StringReader final : public ByteReader {
public:
  explicit StringReader(std::string bytes) : bytes_(std::move(bytes)) {}
  std::size_t read_some(std::span<char> buffer) override {
    const std::size_t n = std::min(buffer.size(), bytes_.size() - offset_);
    std::memcpy(buffer.data(), bytes_.data() + offset_, n);
    offset_ += n;
    return n;
  }

private:
  std::string bytes_;
  std::size_t offset_ = 0;
};

}  // namespace winsandbox::testing
