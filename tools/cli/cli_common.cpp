#include "cli_common.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

namespace winsandbox::cli {

#if !defined(_WIN32)
// Windows versions: utf8_io_win.cpp.
std::vector<std::string> utf8_arguments(int argc, char** argv) {
  return {argv, argv + argc};  // the bytes the shell passed, UTF-8 in a UTF-8 locale
}

Utf8ConsoleOutput::Utf8ConsoleOutput() = default;
Utf8ConsoleOutput::~Utf8ConsoleOutput() = default;
#endif

std::filesystem::path utf8_path(std::string_view text) {
  return std::filesystem::path(std::u8string(text.begin(), text.end()));
}

std::string read_input(const std::string& file_or_dash) {
  if (file_or_dash == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream file(utf8_path(file_or_dash), std::ios::binary);
  if (!file) throw Error(ErrorCode::io_error, "cannot open `" + file_or_dash + "`");
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

int report_error(const Error& error, const GlobalOptions& options) {
  if (options.json) {
    nlohmann::ordered_json out;
    out["error"]["code"] = error_code_name(error.code());
    out["error"]["message"] = error.what();
    if (error.win32_error()) out["error"]["win32_error"] = *error.win32_error();
    print_line(out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  } else {
    std::cerr << "winsandbox: error [" << error_code_name(error.code()) << "]: " << error.what()
              << '\n';
  }
  return kExitSandboxError;
}

void print_line(const std::string& text) {
  std::cout << text << '\n';
  std::cout.flush();
}

}  // namespace winsandbox::cli
