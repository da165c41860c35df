// Runner IPC framing (docs/elevated.md#ipc-framing): u32 little-endian body length, then the
// JSON body. The length is checked against kMaxFrameBytes before the body is read, so a hostile
// or corrupt prefix never makes us allocate more than 8 MiB.
#include <array>
#include <cstdint>
#include <string>

#include "ipc/frame_body.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox {
namespace {

constexpr std::size_t kHeaderBytes = 4;

std::array<char, kHeaderBytes> encode_length(std::uint32_t length) {
  return {static_cast<char>(length & 0xFF), static_cast<char>(length >> 8 & 0xFF),
          static_cast<char>(length >> 16 & 0xFF), static_cast<char>(length >> 24 & 0xFF)};
}

std::uint32_t decode_length(std::string_view header) {
  std::uint32_t length = 0;
  for (std::size_t i = 0; i < kHeaderBytes; ++i) {
    length |= static_cast<std::uint32_t>(static_cast<unsigned char>(header[i])) << (8 * i);
  }
  return length;
}

void check_length(std::uint64_t length) {
  if (length > kMaxFrameBytes) {
    throw Error(ErrorCode::ipc_frame_too_large, "runner frame of " + std::to_string(length) +
                                                    " bytes exceeds the limit of " +
                                                    std::to_string(kMaxFrameBytes) + " bytes");
  }
}

[[noreturn]] void throw_truncated(std::string_view part, std::size_t got, std::size_t want) {
  throw Error(ErrorCode::ipc_truncated_frame, "runner stream ended inside a frame " +
                                                  std::string(part) + " (" + std::to_string(got) +
                                                  " of " + std::to_string(want) + " bytes)");
}

// Fills `buffer` completely; returns how many bytes were read before the end of the stream.
std::size_t read_fully(ByteReader& in, std::span<char> buffer) {
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    const std::size_t n = in.read_some(buffer.subspan(filled));
    if (n == 0) break;
    filled += n;
  }
  return filled;
}

}  // namespace

std::string encode_frame_body(std::string_view body) {
  check_length(body.size());
  const auto header = encode_length(static_cast<std::uint32_t>(body.size()));
  std::string frame(header.begin(), header.end());
  frame += body;
  return frame;
}

std::optional<std::string> read_frame_body(ByteReader& in) {
  std::array<char, kHeaderBytes> header{};
  const std::size_t got = read_fully(in, header);
  if (got == 0) return std::nullopt;  // clean end between frames
  if (got < kHeaderBytes) throw_truncated("header", got, kHeaderBytes);
  const std::uint32_t length = decode_length(std::string_view(header.data(), header.size()));
  check_length(length);
  std::string body(length, '\0');
  const std::size_t body_got = read_fully(in, body);
  if (body_got < length) throw_truncated("body", body_got, length);
  return body;
}

std::string encode_frame(const IpcMessage& message) {
  return encode_frame_body(ipc_message_to_json(message));
}

IpcMessage decode_frame(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes) throw_truncated("header", bytes.size(), kHeaderBytes);
  const std::uint32_t length = decode_length(bytes);
  check_length(length);
  const std::string_view body = bytes.substr(kHeaderBytes);
  if (body.size() < length) throw_truncated("body", body.size(), length);
  if (body.size() > length) {
    throw Error(ErrorCode::ipc_malformed_message,
                std::to_string(body.size() - length) + " bytes follow the frame");
  }
  return ipc_message_from_json(body);
}

std::optional<IpcMessage> FrameReader::read() {
  const std::optional<std::string> body = read_frame_body(in_);
  if (!body) return std::nullopt;
  return ipc_message_from_json(*body);
}

void FrameWriter::write(const IpcMessage& message) {
  const std::string frame = encode_frame(message);
  out_.write_all(frame);
  out_.flush();
}

}  // namespace winsandbox
