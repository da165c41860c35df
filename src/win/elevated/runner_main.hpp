// winsandbox-runner.exe: the command runner of the elevated backend (docs/elevated.md#runner).
// It runs as the sandbox account (or, with the direct launcher, as the calling user), opens the
// two pipes the parent named on its command line, checks the first frame
// (src/ipc/runner_launch.hpp), builds the child's restricted token from its own, starts the
// command in a job (pipes or a pseudo console), streams its output as `output` frames, obeys
// the parent's input frames (src/ipc/runner_input.hpp) and ends with one `exit` frame — or one
// `error` frame, at the stage that failed, and nothing started.
//
// Command line: --pipe-in=<name> --pipe-out=<name> [--launch=direct|logon] (any order).
// `--launch=direct` says the runner runs as the calling user: its own user SID is then not
// added to the child's restricting SIDs (as the calling user's, it would let the child write
// wherever the user can).
//
// | runner exit code | meaning                                                    |
// |------------------|------------------------------------------------------------|
// | the child's      | the command ran; `exit` carries the same code               |
// | 192              | the command timed out (`exit` has timed_out = true)         |
// | 125              | refused or failed before the command started (`error` sent) |
// | 126              | bad command line or the pipes could not be opened (no frame |
// |                  | can be sent)                                                |
#pragma once

#include <string>
#include <vector>

namespace winsandbox::win {

inline constexpr int kRunnerRefusedExitCode = 125;
inline constexpr int kRunnerUsageExitCode = 126;

// The runner's whole life; `args` excludes argv[0].
int run_runner(const std::vector<std::wstring>& args);

}  // namespace winsandbox::win
