// Shared by the fuzz targets (tests/fuzz/fuzz_*.cpp) and their replay in the unit tests
// (fuzz_regressions_test.cpp).
//
// Each fuzz target is one function `check_<name>(std::string_view input)` that feeds the input to
// a library entry point and then asserts properties of the result. The function returns normally
// when the input was rejected the documented way (a winsandbox::Error with one of the codes the
// header promises) or accepted with every property holding; it throws PropertyViolation when a
// property fails, and lets anything else escape (another exception type, an undocumented error
// code — both are findings). Under libFuzzer, WINSANDBOX_FUZZ_TARGET turns an escaping
// exception into a crash report; in the unit tests the same functions replay the committed
// corpora and every crash input found so far.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "winsandbox/error.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/resolve.hpp"

namespace winsandbox::fuzz {

// A property the library promises did not hold.
class PropertyViolation : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

// Printable form of fuzz bytes for violation messages (escapes everything outside ASCII 32..126).
std::string escape_bytes(std::string_view bytes);

// Thrown for an Error whose code the called entry point does not document.
class UndocumentedErrorCode : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

// The codes a frame decoder may fail with (include/winsandbox/ipc.hpp).
inline constexpr std::initializer_list<ErrorCode> kIpcDecodeErrors = {
    ErrorCode::ipc_malformed_message, ErrorCode::ipc_protocol_mismatch,
    ErrorCode::ipc_frame_too_large, ErrorCode::ipc_truncated_frame};

// Rethrows `error` as UndocumentedErrorCode unless its code is one of `documented`.
void require_documented(const Error& error, std::initializer_list<ErrorCode> documented,
                        std::string_view entry_point);

// The properties every successful resolution must have, shared by the targets that resolve:
// resolved_to_json and explain() work on every path the result names, and the ACL plan for it
// (elevated, with a sandbox group; and unelevated) either fails with a documented code or
// diffs as promised: against an empty state everything is applied, and after recording those
// operations a refresh with the same plan changes nothing.
void check_resolved(const ResolvedPermissions& resolved, const FileSystemView& fs);

// The fuzz targets. Each one's input format and properties are described where it is defined.
void check_profile_json(std::string_view input);      // fuzz_profile_json.cpp
void check_policy_string(std::string_view input);     // fuzz_policy_string.cpp
void check_win_path(std::string_view input);          // fuzz_win_path.cpp
void check_ipc_frames(std::string_view input);        // fuzz_ipc_frame.cpp
void check_command_line(std::string_view input);      // fuzz_command_line.cpp
void check_snapshot_resolve(std::string_view input);  // fuzz_snapshot_resolve.cpp
void check_runner_frames(std::string_view input);     // fuzz_runner_frames.cpp
void check_glob_cache(std::string_view input);        // fuzz_glob_cache.cpp
void check_setup_json(std::string_view input);        // fuzz_setup_json.cpp

}  // namespace winsandbox::fuzz

#define WS_FUZZ_CHECK(condition, detail)                                 \
  do {                                                                   \
    if (!(condition)) {                                                  \
      throw ::winsandbox::fuzz::PropertyViolation(                       \
          std::string(__FILE__ ":") + std::to_string(__LINE__) +         \
          ": property `" #condition "` failed: " + std::string(detail)); \
    }                                                                    \
  } while (false)

// Defines libFuzzer's entry point for `check` in the fuzz build; nothing in the unit tests.
#ifdef WINSANDBOX_LIBFUZZER
#define WINSANDBOX_FUZZ_TARGET(check)                                                 \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    try {                                                                             \
      check(std::string_view(reinterpret_cast<const char*>(data), size));             \
    } catch (const std::exception& e) {                                               \
      /* Report what escaped, then crash so that libFuzzer saves the input. */        \
      std::fprintf(stderr, "\n== winsandbox fuzz finding in " #check ": %s: %s\n",    \
                   typeid(e).name(), e.what());                                       \
      std::abort();                                                                   \
    }                                                                                 \
    return 0;                                                                         \
  }
#else
#define WINSANDBOX_FUZZ_TARGET(check)
#endif
