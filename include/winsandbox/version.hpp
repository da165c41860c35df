// Library version.
#pragma once

#include <string_view>

namespace winsandbox {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace winsandbox
