#include "win/win32_error.hpp"

#include <cstdio>

#include "win/handles.hpp"
#include "win/unicode.hpp"

namespace winsandbox::win {

std::string win32_error_text(DWORD code) {
  UniqueLocalPtr<LPWSTR> text;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<LPWSTR>(text.put()), 0, nullptr);
  if (length == 0 || !text) return {};
  std::wstring_view view(text.get(), length);
  while (!view.empty() && (view.back() == L'\n' || view.back() == L'\r' || view.back() == L' ' ||
                           view.back() == L'.')) {
    view.remove_suffix(1);
  }
  try {
    return to_utf8(view);
  } catch (const Error&) {
    return {};  // a malformed system message must not mask the original failure
  }
}

namespace {

// "<call> failed: <shown> (<system text>)", carrying `code`.
Error call_failed(std::string_view call, const std::string& shown, DWORD code) {
  std::string message = std::string(call) + " failed: " + shown;
  const std::string text = win32_error_text(code);
  if (!text.empty()) message += " (" + text + ")";
  return Error(ErrorCode::win32_call_failed, std::move(message), code);
}

}  // namespace

Error win32_error(std::string_view call, DWORD code) {
  return call_failed(call, std::to_string(code), code);
}

Error hresult_error(std::string_view call, HRESULT hr) {
  const auto code = static_cast<DWORD>(hr);
  char hex[16];
  std::snprintf(hex, sizeof(hex), "%08lX", static_cast<unsigned long>(code));
  return call_failed(call, std::string("HRESULT 0x") + hex, code);
}

void throw_last_error(std::string_view call) {
  throw win32_error(call, GetLastError());
}

}  // namespace winsandbox::win
