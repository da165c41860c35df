// Program resolution: which file a command's argv[0] names, decided from the *child's* PATH,
// PATHEXT and cwd (docs/execution.md#program-resolution), so the spawn can pass an explicit
// lpApplicationName instead of letting CreateProcess search the parent's PATH and directories.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {

// Returns the path of the file `program` (argv[0]) names. Nothing is canonicalized (links are
// not followed): the path is `program`, or the directory it was found in joined with it, in
// WinPath's lexical form, with an appended extension spelled as in PATHEXT (`go.EXE`; Windows
// names are case-insensitive).
//
// Where it looks:
// * an absolute `program` (`C:\x\tool`, `\\?\C:\x\tool`, `\\server\share\tool`): only there;
// * a relative one with a separator (`bin\tool`, `.\tool`, `..\x\tool`): only under `cwd`;
// * a bare name (`git`): `cwd` first, then each PATH entry in order. `cwd` is searched because
//   the reference does (its `requested_cwd_precedes_child_path` test) and so does Windows
//   itself (CreateProcess and cmd.exe look in the current directory before PATH). Like
//   Windows, a child environment that defines NoDefaultCurrentDirectoryInExePath (any value)
//   turns the `cwd` search off. PATH comes from `child_env` only (key matched
//   case-insensitively; missing = empty): the host's PATH is never consulted. PATH entries are
//   trimmed and unquoted; empty, drive-relative (`C:x`) and rooted (`\x`) entries are skipped;
//   other relative entries are taken relative to `cwd`.
//
// What it tries in each place, with the extensions from the child's PATHEXT (default
// `.COM;.EXE;.BAT;.CMD`; items trimmed, kept if they start with `.` and are longer than 1):
// * `program` with an extension listed in PATHEXT (`git.exe`): exactly that name;
// * another extension (`python3.11`): that name, then the name + each PATHEXT extension;
// * no extension: the name + each PATHEXT extension; then, for an explicit path only, the bare
//   name. A bare name never resolves to an extension-less file (npm's POSIX shell shims sit
//   next to the `.cmd` ones; Windows cannot run them).
// A candidate is accepted if it is a file, or a symlink that does not lead to a directory —
// including one `fs` cannot resolve, because App Execution Aliases
// (`%LOCALAPPDATA%\Microsoft\WindowsApps\pwsh.exe`) are reparse points no path API follows.
// The first accepted candidate wins, batch scripts included (see is_batch_script).
//
// Throws Error(invalid_argument) for an empty program name, a NUL, or a drive-relative (`C:x`),
// rooted (`\x`) or otherwise `:`-bearing relative name; Error(invalid_path) for a malformed
// absolute one; Error(command_not_found) when nothing is found.
WinPath resolve_program(std::string_view program, const WinPath& cwd, const Environment& child_env,
                        const FileSystemView& fs);

// True for a `.bat` or `.cmd` file (any case). CreateProcess runs these through cmd.exe, whose
// own parsing of the command line differs from the rules quote_command_line targets.
bool is_batch_script(const WinPath& program);

// The command line for launching `program` (resolve_program's result for argv[0]) with `argv`:
// quote_batch_command_line for a batch script (argv[0] becomes the resolved path; arguments
// cmd.exe would interpret are refused), quote_command_line otherwise. Throws as those do.
std::string command_line_for_program(const WinPath& program, const std::vector<std::string>& argv);

}  // namespace winsandbox
