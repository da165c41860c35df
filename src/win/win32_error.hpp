// Turning Win32 failures into winsandbox::Error. Messages read "<call> failed: <code> (<text>)"
// and the code is also carried in Error::win32_error(), which is what callers branch on.
#pragma once

#include <string>
#include <string_view>

#include <windows.h>

#include "winsandbox/error.hpp"

namespace winsandbox::win {

// The system's text for a Win32 error code (trailing newline and period trimmed); empty when
// the system has none.
std::string win32_error_text(DWORD code);

// Error(win32_call_failed, "<call> failed: <code> (<text>)", code).
Error win32_error(std::string_view call, DWORD code);

// Error(win32_call_failed, "<call> failed: HRESULT 0x<hex> (<text>)", hr) for the COM-style
// APIs (CreatePseudoConsole, ResizePseudoConsole) that report failures as an HRESULT.
Error hresult_error(std::string_view call, HRESULT hr);

// Throws win32_error(call, GetLastError()). Read GetLastError() before anything else can reset it:
// call this immediately after the failed call.
[[noreturn]] void throw_last_error(std::string_view call);

}  // namespace winsandbox::win
