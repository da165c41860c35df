// Fuzz target: runner IPC v2 frame decoding (decode_frame, FrameReader, ipc_message_from_json).
//
// Input: raw bytes as they would arrive on the runner pipe — frames (u32 LE length + JSON body),
// or a bare envelope JSON text. Each input is decoded three ways.
// Properties:
// * every rejection is one of the ipc_* codes the header documents;
// * a decoded message re-encodes without error, and its frame decodes to an equal message and
//   re-encodes to the same bytes (encode is a fixed point after one decode);
// * as a stream, the input decodes to the same messages and the same final outcome (clean end
//   or the same error code) whether the pipe delivers it in one piece or in small chunks whose
//   sizes are derived from the input, and every message read re-encodes as above (skipped when
//   a header declares far more bytes than follow: see cheap_as_stream);
// * the JSON body alone decodes, on success, to a message whose JSON round-trips.
#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox::fuzz {
namespace {

// Delivers `bytes` in chunks whose sizes cycle through `chunk_sizes` (0 means "as much as fits").
class ChunkedReader final : public ByteReader {
public:
  ChunkedReader(std::string_view bytes, std::vector<std::size_t> chunk_sizes)
      : bytes_(bytes), chunk_sizes_(std::move(chunk_sizes)) {}

  std::size_t read_some(std::span<char> buffer) override {
    WS_FUZZ_CHECK(!buffer.empty(), "read_some called with an empty buffer");
    if (offset_ == bytes_.size()) return 0;
    std::size_t n = std::min(buffer.size(), bytes_.size() - offset_);
    const std::size_t chunk = chunk_sizes_[next_++ % chunk_sizes_.size()];
    if (chunk != 0) n = std::min(n, chunk);
    std::memcpy(buffer.data(), bytes_.data() + offset_, n);
    offset_ += n;
    return n;
  }

private:
  std::string_view bytes_;
  std::vector<std::size_t> chunk_sizes_;
  std::size_t offset_ = 0;
  std::size_t next_ = 0;
};

// Re-encoding is a fixed point after one decode.
void check_reencodes(const IpcMessage& message, std::string_view origin) {
  const std::string frame = encode_frame(message);
  const IpcMessage decoded = decode_frame(frame);
  WS_FUZZ_CHECK(decoded == message, escape_bytes(origin));
  WS_FUZZ_CHECK(encode_frame(decoded) == frame, escape_bytes(origin));
  const std::string json = ipc_message_to_json(message);
  WS_FUZZ_CHECK(frame.size() == json.size() + 4 && frame.substr(4) == json, escape_bytes(origin));
  WS_FUZZ_CHECK(ipc_message_from_json(json) == message, escape_bytes(origin));
  (void)ipc_message_type(message);
}

struct StreamOutcome {
  std::vector<IpcMessage> messages;
  std::optional<ErrorCode> error;  // nullopt: clean end of stream
};

StreamOutcome read_stream(ByteReader& reader) {
  StreamOutcome outcome;
  FrameReader frames(reader);
  try {
    while (auto message = frames.read()) outcome.messages.push_back(std::move(*message));
  } catch (const Error& e) {
    require_documented(e, kIpcDecodeErrors, "FrameReader::read");
    outcome.error = e.code();
  }
  return outcome;
}

// False when a frame header declares a legal length far beyond the bytes that follow:
// FrameReader allocates the declared length (up to 8 MiB) before reading, which makes such
// inputs slow under ASan without reaching new code (decode_frame covers the same truncation).
bool cheap_as_stream(std::string_view input) {
  std::size_t offset = 0;
  while (input.size() - offset >= 4) {
    std::uint32_t length = 0;
    for (int i = 3; i >= 0; --i) {
      length =
          (length << 8) | static_cast<unsigned char>(input[offset + static_cast<std::size_t>(i)]);
    }
    offset += 4;
    if (length > kMaxFrameBytes) return true;  // rejected before any allocation
    if (length > input.size() - offset + 4096) return false;
    if (length > input.size() - offset) return true;
    offset += length;
  }
  return true;
}

}  // namespace

void check_ipc_frames(std::string_view input) {
  // 1. The input as exactly one frame.
  try {
    check_reencodes(decode_frame(input), input);
  } catch (const Error& e) {
    require_documented(e, kIpcDecodeErrors, "decode_frame");
  }

  // 2. The input as an envelope JSON text.
  try {
    check_reencodes(ipc_message_from_json(input), input);
  } catch (const Error& e) {
    require_documented(e, {ErrorCode::ipc_malformed_message, ErrorCode::ipc_protocol_mismatch},
                       "ipc_message_from_json");
  }

  // 3. The input as a stream, whole and chunked.
  if (!cheap_as_stream(input)) return;
  ChunkedReader whole(input, {0});
  const StreamOutcome expected = read_stream(whole);
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < std::min<std::size_t>(input.size(), 8); ++i) {
    sizes.push_back(1 + static_cast<unsigned char>(input[i]) % 7);
  }
  if (sizes.empty()) sizes.push_back(1);
  ChunkedReader chunked(input, sizes);
  const StreamOutcome actual = read_stream(chunked);
  WS_FUZZ_CHECK(actual.messages == expected.messages, escape_bytes(input));
  WS_FUZZ_CHECK(actual.error == expected.error, escape_bytes(input));
  for (const auto& message : expected.messages) check_reencodes(message, input);
}

}  // namespace winsandbox::fuzz

WINSANDBOX_FUZZ_TARGET(winsandbox::fuzz::check_ipc_frames)
