// Runner IPC v2 framing: byte-exact example frames (docs/elevated.md#example-frames), the 8 MiB
// limit (checked before the body is read), truncation, clean EOF, and FrameReader/FrameWriter over
// streams.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ipc_examples.hpp"
#include "test_support.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox {
namespace {

using ipc_test::bytes_from_hex;
using ipc_test::example_frame;
using ipc_test::ipc_examples;

// Serves `data` at most `chunk` bytes per read_some, and records how much was consumed.
class ChunkedReader : public ByteReader {
public:
  explicit ChunkedReader(std::string data, std::size_t chunk = 1)
      : data_(std::move(data)), chunk_(chunk) {}

  std::size_t read_some(std::span<char> buffer) override {
    EXPECT_FALSE(buffer.empty());
    ++calls_;
    const std::size_t n = std::min({buffer.size(), chunk_, data_.size() - position_});
    std::copy_n(data_.data() + position_, n, buffer.data());
    position_ += n;
    return n;
  }

  std::size_t position() const { return position_; }
  std::size_t calls() const { return calls_; }

private:
  std::string data_;
  std::size_t chunk_;
  std::size_t position_ = 0;
  std::size_t calls_ = 0;
};

// Records what was written and what had been written at each flush.
class RecordingWriter : public ByteWriter {
public:
  void write_all(std::string_view bytes) override { written += bytes; }
  void flush() override { at_flush.push_back(written); }

  std::string written;
  std::vector<std::string> at_flush;
};

std::string all_example_frames() {
  std::string stream;
  for (const auto& example : ipc_examples()) stream += example_frame(example);
  return stream;
}

std::string frame_with_body(std::string_view body) {
  const auto n = static_cast<std::uint32_t>(body.size());
  std::string frame{static_cast<char>(n & 0xFF), static_cast<char>(n >> 8 & 0xFF),
                    static_cast<char>(n >> 16 & 0xFF), static_cast<char>(n >> 24 & 0xFF)};
  return frame + std::string(body);
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file) << "cannot open " << path;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

TEST(IpcFrame, ExamplesEncodeByteForByte) {
  for (const auto& example : ipc_examples()) {
    EXPECT_EQ(encode_frame(example.message), example_frame(example)) << example.name;
  }
}

TEST(IpcFrame, ExamplesDecodeByteForByte) {
  for (const auto& example : ipc_examples()) {
    const IpcMessage message = decode_frame(example_frame(example));
    EXPECT_EQ(message, example.message) << example.name;
    EXPECT_EQ(encode_frame(message), example_frame(example)) << example.name;
  }
}

TEST(IpcFrame, LengthPrefixIsLittleEndian) {
  // 502 bytes in the reference; 506 with our two renamed fields.
  const std::string frame = encode_frame(ipc_test::example_spawn_request());
  EXPECT_EQ(frame.size(), 4u + 506u);
  EXPECT_EQ(frame.substr(0, 4), bytes_from_hex("fa 01 00 00"));
}

// docs/elevated.md#ipc-framing.
TEST(IpcFrame, WriterThenReaderRoundTrip) {
  RecordingWriter out;
  FrameWriter writer(out);
  writer.write(IpcOutput{IpcOutputStream::standard_output, "hello"});
  ChunkedReader in(out.written, 7);
  FrameReader reader(in);
  EXPECT_EQ(reader.read(), IpcMessage(IpcOutput{IpcOutputStream::standard_output, "hello"}));
  EXPECT_EQ(reader.read(), std::nullopt);
}

TEST(IpcFrame, TruncatedHeaderFails) {
  const std::string frame = example_frame(ipc_examples()[1]);
  for (std::size_t n = 0; n < 4; ++n) {
    EXPECT_WS_ERROR(decode_frame(frame.substr(0, n)), ErrorCode::ipc_truncated_frame,
                    "header (" + std::to_string(n) + " of 4 bytes)");
  }
}

TEST(IpcFrame, TruncatedBodyFails) {
  const std::string frame = example_frame(ipc_examples()[1]);  // 64-byte body
  EXPECT_WS_ERROR(decode_frame(frame.substr(0, 4)), ErrorCode::ipc_truncated_frame,
                  "body (0 of 64 bytes)");
  EXPECT_WS_ERROR(decode_frame(frame.substr(0, frame.size() - 1)), ErrorCode::ipc_truncated_frame,
                  "body (63 of 64 bytes)");
}

TEST(IpcFrame, BytesAfterTheFrameAreMalformed) {
  const std::string frame = example_frame(ipc_examples()[1]);
  EXPECT_WS_ERROR(decode_frame(frame + "x"), ErrorCode::ipc_malformed_message,
                  "1 bytes follow the frame");
}

TEST(IpcFrame, LengthOverTheLimitFailsFromTheHeaderAlone) {
  // Only the 4 prefix bytes exist: the limit is judged before any body byte is needed.
  EXPECT_WS_ERROR(decode_frame(bytes_from_hex("01 00 80 00")), ErrorCode::ipc_frame_too_large,
                  "8388609 bytes");
  EXPECT_WS_ERROR(decode_frame(bytes_from_hex("ff ff ff ff")), ErrorCode::ipc_frame_too_large,
                  "4294967295 bytes");
  // Exactly 8 MiB is allowed: it is judged on its (missing) body, not on its size.
  EXPECT_WS_ERROR(decode_frame(bytes_from_hex("00 00 80 00")), ErrorCode::ipc_truncated_frame,
                  "body (0 of 8388608 bytes)");
}

TEST(IpcFrame, ReaderRejectsAnOversizedLengthBeforeReadingTheBody) {
  ChunkedReader in(bytes_from_hex("ff ff ff ff") + std::string(64, 'x'));
  FrameReader reader(in);
  EXPECT_WS_ERROR(reader.read(), ErrorCode::ipc_frame_too_large, "4294967295 bytes");
  EXPECT_EQ(in.position(), 4u);  // nothing of the body was consumed
}

TEST(IpcFrame, BodyOfExactlyTheLimitIsEncodedAndOneMoreIsNot) {
  // {"version":2,"type":"error","payload":{"message":"","code":""}} is 63 bytes.
  const std::size_t overhead = encode_frame(IpcError{"", ""}).size() - 4;
  ASSERT_EQ(overhead, 63u);
  const IpcError largest{std::string(kMaxFrameBytes - overhead, 'a'), ""};
  const std::string frame = encode_frame(largest);
  EXPECT_EQ(frame.size(), 4 + kMaxFrameBytes);
  EXPECT_EQ(frame.substr(0, 4), bytes_from_hex("00 00 80 00"));
  EXPECT_EQ(decode_frame(frame), IpcMessage(largest));
  ChunkedReader in(frame, 65536);
  EXPECT_EQ(FrameReader(in).read(), IpcMessage(largest));

  const IpcError too_large{std::string(kMaxFrameBytes - overhead + 1, 'a'), ""};
  EXPECT_WS_ERROR(encode_frame(too_large), ErrorCode::ipc_frame_too_large, "8388609 bytes");
  RecordingWriter out;
  EXPECT_WS_ERROR(FrameWriter(out).write(too_large), ErrorCode::ipc_frame_too_large, "");
  EXPECT_EQ(out.written, "");  // nothing written on failure
  EXPECT_TRUE(out.at_flush.empty());
}

TEST(IpcFrame, VersionMismatchUnknownTypeAndNonJsonBodiesFailWithTheirCodes) {
  EXPECT_WS_ERROR(decode_frame(frame_with_body(R"({"version":1,"type":"terminate","payload":{}})")),
                  ErrorCode::ipc_protocol_mismatch, "version 1");
  EXPECT_WS_ERROR(decode_frame(frame_with_body(R"({"version":3,"type":"terminate","payload":{}})")),
                  ErrorCode::ipc_protocol_mismatch, "version 3");
  EXPECT_WS_ERROR(decode_frame(frame_with_body(R"({"version":2,"type":"nope","payload":{}})")),
                  ErrorCode::ipc_malformed_message, "unknown message type `nope`");
  EXPECT_WS_ERROR(decode_frame(frame_with_body("not json")), ErrorCode::ipc_malformed_message,
                  "invalid JSON");
  EXPECT_WS_ERROR(decode_frame(frame_with_body("")), ErrorCode::ipc_malformed_message,
                  "invalid JSON");
  EXPECT_WS_ERROR(decode_frame(frame_with_body(R"({"version":2,"type":"exit","payload":{}})")),
                  ErrorCode::ipc_malformed_message, "missing required field `exit_code`");
}

TEST(IpcFrame, FrameOfOnlyOpeningBracketsIsRefusedAtTheDepthLimit) {
  // The largest frame allowed, all `[`: refused as it passes the nesting limit, long before the
  // end of the body (where a syntax error would be reported).
  EXPECT_WS_ERROR(decode_frame(frame_with_body(std::string(kMaxFrameBytes, '['))),
                  ErrorCode::ipc_malformed_message, "nesting deeper than the limit of 64");
}

TEST(IpcFrame, ReaderDeliveredOneByteAtATimeReadsEveryExample) {
  ChunkedReader in(all_example_frames(), 1);
  FrameReader reader(in);
  for (const auto& example : ipc_examples()) {
    const auto message = reader.read();
    ASSERT_TRUE(message.has_value()) << example.name;
    EXPECT_EQ(*message, example.message) << example.name;
  }
  EXPECT_EQ(reader.read(), std::nullopt);
  EXPECT_EQ(reader.read(), std::nullopt);  // EOF is sticky
  EXPECT_EQ(in.position(), all_example_frames().size());
}

TEST(IpcFrame, ReaderNeverReadsPastTheFrame) {
  const std::string first = example_frame(ipc_examples()[1]);
  ChunkedReader in(first + "garbage after the frame", 4096);
  FrameReader reader(in);
  EXPECT_EQ(reader.read(), IpcMessage(IpcSpawnReady{4242}));
  EXPECT_EQ(in.position(), first.size());
}

TEST(IpcFrame, EmptyStreamIsACleanEnd) {
  ChunkedReader in("");
  EXPECT_EQ(FrameReader(in).read(), std::nullopt);
}

TEST(IpcFrame, ReaderEofInsideAFrameIsTruncated) {
  const std::string frame = example_frame(ipc_examples()[0]);
  for (const std::size_t cut :
       {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, frame.size() - 1}) {
    ChunkedReader in(frame + frame.substr(0, cut), 1);
    FrameReader reader(in);
    EXPECT_EQ(reader.read(), ipc_examples()[0].message);
    EXPECT_WS_ERROR(reader.read(), ErrorCode::ipc_truncated_frame, cut < 4 ? "header" : "body");
  }
}

TEST(IpcFrame, ReaderPropagatesStreamErrors) {
  class FailingReader : public ByteReader {
  public:
    std::size_t read_some(std::span<char>) override {
      throw Error(ErrorCode::io_error, "pipe broken");
    }
  } in;
  EXPECT_WS_ERROR(FrameReader(in).read(), ErrorCode::io_error, "pipe broken");
}

TEST(IpcFrame, WriterFlushesAfterEveryFrame) {
  RecordingWriter out;
  FrameWriter writer(out);
  std::vector<std::string> expected_at_flush;
  std::string expected;
  for (const auto& example : ipc_examples()) {
    writer.write(example.message);
    expected += example_frame(example);
    expected_at_flush.push_back(expected);
  }
  EXPECT_EQ(out.written, all_example_frames());
  EXPECT_EQ(out.at_flush, expected_at_flush);
}

// The CLI fixtures (tests/data/ipc) hold the same bytes as the goldens above.
TEST(IpcFrame, CliFixturesMatchTheGoldenExamples) {
  const std::string dir = std::string(WINSANDBOX_TEST_DATA_DIR) + "/ipc/";
  EXPECT_EQ(read_file(dir + "examples.frames"), all_example_frames());
  std::string jsonl;
  for (const auto& example : ipc_examples()) jsonl += std::string(example.json) + "\n";
  EXPECT_EQ(read_file(dir + "examples.jsonl"), jsonl);
}

}  // namespace
}  // namespace winsandbox
