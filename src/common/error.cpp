#include "winsandbox/error.hpp"

#include "common/enum_names.hpp"

namespace winsandbox {
namespace {

constexpr EnumNames<ErrorCode, 30> kNames{{
    {ErrorCode::invalid_argument, "invalid_argument"},
    {ErrorCode::invalid_profile, "invalid_profile"},
    {ErrorCode::invalid_policy, "invalid_policy"},
    {ErrorCode::relative_path, "relative_path"},
    {ErrorCode::invalid_path, "invalid_path"},
    {ErrorCode::unsupported_legacy_projection, "unsupported_legacy_projection"},
    {ErrorCode::profile_not_managed, "profile_not_managed"},
    {ErrorCode::filesystem_unrestricted, "filesystem_unrestricted"},
    {ErrorCode::full_disk_write, "full_disk_write"},
    {ErrorCode::unc_path_unsupported, "unc_path_unsupported"},
    {ErrorCode::invalid_glob, "invalid_glob"},
    {ErrorCode::invalid_snapshot, "invalid_snapshot"},
    {ErrorCode::io_error, "io_error"},
    {ErrorCode::token_limit_exceeded, "token_limit_exceeded"},
    {ErrorCode::ipc_protocol_mismatch, "ipc_protocol_mismatch"},
    {ErrorCode::ipc_frame_too_large, "ipc_frame_too_large"},
    {ErrorCode::ipc_truncated_frame, "ipc_truncated_frame"},
    {ErrorCode::ipc_malformed_message, "ipc_malformed_message"},
    {ErrorCode::setup_required, "setup_required"},
    {ErrorCode::command_not_found, "command_not_found"},
    {ErrorCode::win32_call_failed, "win32_call_failed"},
    {ErrorCode::unsupported_platform, "unsupported_platform"},
    {ErrorCode::root_read_required, "root_read_required"},
    {ErrorCode::command_start_failed, "command_start_failed"},
    {ErrorCode::elevated_backend_required, "elevated_backend_required"},
    {ErrorCode::writable_root_redirected, "writable_root_redirected"},
    {ErrorCode::ipc_request_mismatch, "ipc_request_mismatch"},
    {ErrorCode::runner_failed, "runner_failed"},
    {ErrorCode::setup_failed, "setup_failed"},
    {ErrorCode::setup_canceled, "setup_canceled"},
}};

}  // namespace

std::string_view error_code_name(ErrorCode code) noexcept {
  return enum_name(kNames, code);
}

std::optional<ErrorCode> error_code_from_name(std::string_view name) noexcept {
  return enum_from_name(kNames, name);
}

Error::Error(ErrorCode code, std::string message, std::optional<std::uint32_t> win32_error)
    : std::runtime_error(std::move(message)), code_(code), win32_error_(win32_error) {}

}  // namespace winsandbox
