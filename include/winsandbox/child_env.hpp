// The sandboxed child's environment: the caller's environment plus the rules every sandboxed
// command needs (docs/execution.md#child-environment).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox {

// Which backend runs the command. The environment rules differ per backend.
//
// | backend    | runs as                                   | network is blocked by            |
// |------------|-------------------------------------------|----------------------------------|
// | unelevated | a restricted token of the calling user    | nothing real: env vars (advisory)|
// | elevated   | a separate local sandbox account (runner) | the offline account's firewall   |
enum class SandboxBackend { unelevated, elevated };

struct ChildEnvironmentOptions {
  SandboxBackend backend = SandboxBackend::elevated;
  // The resolved network decision (ResolvedPermissions::network.blocked).
  bool network_blocked = true;

  // Where the command starts (canonical). With `writable_roots`, the places whose git
  // worktree gets a `safe.directory` entry (elevated backend).
  std::optional<WinPath> command_cwd;
  std::vector<WinPath> writable_roots;

  // The host process's PATH / PATHEXT, copied into the child only when the child environment
  // has no PATH / PATHEXT under any spelling. The portable layers never read the host
  // environment themselves; the API layer passes these in (nullopt: nothing is inherited).
  std::optional<std::string> inherited_path;
  std::optional<std::string> inherited_pathext;

  // Unelevated backend with the network blocked: the directory holding `denybin_stubs()`
  // (written by the caller). It goes first on PATH, and `.BAT`/`.CMD` first in PATHEXT, so
  // `ssh`/`scp` typed in a shell find a stub that fails. nullopt: PATH and PATHEXT untouched.
  std::optional<WinPath> denybin_directory;
};

// Builds the child environment from `input` (the environment the caller wants the command to
// have; nothing else from the host is added except what the steps below add). Steps, in order:
//
// 1. Null device: a value that is `/dev/null` or `\dev\null` (ASCII case-insensitive, ignoring
//    surrounding ASCII whitespace) becomes `NUL`. (The reference compares against a
//    mis-escaped `\\\\dev\\\\null` literal; we compare against what users write.)
// 2. Non-interactive pagers, each set only when absent: GIT_PAGER=more.com, PAGER=more.com,
//    LESS= (empty).
// 3. PATH / PATHEXT inheritance from `inherited_path` / `inherited_pathext` when absent.
// 4. Elevated backend only: git `safe.directory` for the worktree containing `command_cwd` and
//    for the one containing each writable root (details below).
// 5. Unelevated backend with the network blocked: the advisory no-network variables (below).
//
// Keys are matched case-insensitively everywhere (Windows semantics;
// docs/execution.md#child-environment); PATH and PATHEXT, when rewritten, are stored under those
// upper-case spellings and any other spelling is dropped. The child's own PATH / PATHEXT are used:
// the host values are never consulted again after step 3.
//
// Git safe.directory (step 4). The sandbox account does not own the user's repositories, so
// git refuses them ("dubious ownership") unless told they are safe. For each start directory
// (canonicalized through `fs`), walk up to the first directory holding a `.git` entry (a
// directory, or a gitdir file as in linked worktrees and submodules): that directory, the
// worktree root, is what git compares against safe.directory, never the `gitdir:` target.
// When it is a linked worktree (its gitdir has a `commondir` file naming a `.git`
// directory), the main worktree is added too: its config is already shared with the linked
// one, and git commands there reach the main repository. Values use forward slashes
// (`C:/repo`), the form Git for Windows compares. Entries are appended after the existing
// `GIT_CONFIG_COUNT` (missing or not a number: 0) as GIT_CONFIG_KEY_<n>=safe.directory /
// GIT_CONFIG_VALUE_<n>=<root>, skipping roots already listed (all of them if `*` is);
// GIT_CONFIG_COUNT is updated.
// The unelevated backend runs as the calling user, who owns the repositories: nothing is
// injected there.
//
// No-network variables (step 5) are advisory only: they steer well-behaved tools (proxies,
// pip, npm, cargo, git) away from the network, but nothing stops a program from opening a
// socket under the unelevated backend. Real blocking is the elevated backend's offline
// account, whose environment is left alone. SBX_NONET_ACTIVE=1 is always set; these are set
// only when absent, so a caller-provided proxy (e.g. a policy-enforcing loopback proxy) wins:
//
// | key                                                      | value                     |
// |----------------------------------------------------------|---------------------------|
// | HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, GIT_HTTP_PROXY,      | http://127.0.0.1:9        |
// |   GIT_HTTPS_PROXY                                        |                           |
// | NO_PROXY                                                 | localhost,127.0.0.1,::1   |
// | PIP_NO_INDEX, PIP_DISABLE_PIP_VERSION_CHECK              | 1                         |
// | NPM_CONFIG_OFFLINE, CARGO_NET_OFFLINE                    | true                      |
// | GIT_SSH_COMMAND                                          | cmd /c exit 1             |
// | GIT_ALLOW_PROTOCOLS                                      | (empty)                   |
//
// With `denybin_directory` set, it is prepended to PATH (unless it already is the first entry)
// and PATHEXT (default `.COM;.EXE;.BAT;.CMD`) is reordered to put `.BAT`, then `.CMD`, first
// (first occurrence kept with its spelling, later duplicates dropped, empty items dropped).
Environment build_child_environment(const Environment& input,
                                    const ChildEnvironmentOptions& options,
                                    const FileSystemView& fs);

// A stub script for the denybin directory: running it prints nothing and exits with 1.
struct DenybinStub {
  std::string file_name;  // e.g. `ssh.cmd`
  std::string content;    // exact bytes (CRLF line ends)
};

// `ssh` and `scp` as `.bat` and `.cmd`. Real CRLF line ends (docs/execution.md#network-stubs): the
// reference writes the characters `\r\n` literally, so cmd.exe reads one `@echo off...` line,
// echoes it and does not fail.
const std::vector<DenybinStub>& denybin_stubs();

}  // namespace winsandbox
