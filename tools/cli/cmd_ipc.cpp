// `winsandbox ipc decode|encode`: converts runner IPC traffic (docs/elevated.md#ipc-messages)
// between its binary frames and one JSON message per line, for inspection and for hand-made
// test input. Both directions validate every message as the runner and the parent would.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

#include "cli_commands.hpp"
#include "winsandbox/ipc.hpp"

namespace winsandbox::cli {
namespace {

struct IpcOptions {
  std::string input = "-";
};

// Frames are binary: without this the Windows CRT would turn \n into \r\n on output and stop
// reading input at a 0x1A byte.
void use_binary_stdio() {
#ifdef _WIN32
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
#endif
}

// A ByteReader over a C stream; it reads as much as is available, so live traffic is decoded
// frame by frame as it arrives.
class FileByteReader : public ByteReader {
public:
  explicit FileByteReader(std::FILE* file) : file_(file) {}

  std::size_t read_some(std::span<char> buffer) override {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file_);
    if (n == 0 && std::ferror(file_)) throw Error(ErrorCode::io_error, "cannot read the input");
    return n;
  }

private:
  std::FILE* file_;
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using UniqueFile = std::unique_ptr<std::FILE, FileCloser>;

UniqueFile open_input(const std::string& path) {
#ifdef _WIN32
  UniqueFile file(_wfopen(utf8_path(path).c_str(), L"rb"));
#else
  UniqueFile file(std::fopen(path.c_str(), "rb"));
#endif
  if (!file) throw Error(ErrorCode::io_error, "cannot open `" + path + "`");
  return file;
}

// Keeps the code of `error` and says where in the input it happened.
[[noreturn]] void rethrow_at(const Error& error, const std::string& where) {
  throw Error(error.code(), where + ": " + error.what(), error.win32_error());
}

int run_decode(const IpcOptions& options) {
  use_binary_stdio();
  UniqueFile opened;
  std::FILE* input = stdin;
  if (options.input != "-") {
    opened = open_input(options.input);
    input = opened.get();
  }
  FileByteReader bytes(input);
  FrameReader reader(bytes);
  for (std::size_t index = 1;; ++index) {
    std::optional<IpcMessage> message;
    try {
      message = reader.read();
    } catch (const Error& e) {
      rethrow_at(e, "frame " + std::to_string(index));
    }
    if (!message) return kExitOk;
    print_line(ipc_message_to_json(*message));
  }
}

int run_encode(const IpcOptions& options) {
  use_binary_stdio();
  std::ifstream file;
  std::istream* input = &std::cin;
  if (options.input != "-") {
    file.open(utf8_path(options.input), std::ios::binary);
    if (!file) throw Error(ErrorCode::io_error, "cannot open `" + options.input + "`");
    input = &file;
  }
  std::string line;
  for (std::size_t line_number = 1; std::getline(*input, line); ++line_number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    std::string frame;
    try {
      frame = encode_frame(ipc_message_from_json(line));
    } catch (const Error& e) {
      rethrow_at(e, "line " + std::to_string(line_number));
    }
    std::cout.write(frame.data(), static_cast<std::streamsize>(frame.size()));
    std::cout.flush();
  }
  if (input->bad()) throw Error(ErrorCode::io_error, "cannot read the input");
  return kExitOk;
}

}  // namespace

void add_ipc_commands(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<IpcOptions>();
  CLI::App* ipc = app.add_subcommand(
      "ipc", "Inspect runner IPC traffic: binary frames <-> one JSON message per line");
  ipc->require_subcommand(1);

  CLI::App* decode = ipc->add_subcommand(
      "decode", "Read frames (u32 LE length + JSON) and print each message as one JSON line");
  decode->add_option("FILE", options->input, "Frames file, or - for standard input (default)");
  decode->callback([&runner, options] { runner.set([options] { return run_decode(*options); }); });

  CLI::App* encode = ipc->add_subcommand(
      "encode", "Read one JSON message per line and write each as a frame to standard output");
  encode->add_option("FILE", options->input,
                     "JSON lines file, or - for standard input (default); blank lines are skipped");
  encode->callback([&runner, options] { runner.set([options] { return run_encode(*options); }); });
}

}  // namespace winsandbox::cli
