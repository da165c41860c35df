// JobObject: the container every sandboxed process tree runs in, so a timeout, a cancellation
// or the owner going away ends the whole tree, not just the root process.
// Behaviour: docs/execution.md#job-object, with one deliberate difference: no
// JOB_OBJECT_LIMIT_BREAKAWAY_OK. With it, a child could start a grandchild with
// CREATE_BREAKAWAY_FROM_JOB and escape kill-on-timeout; a sandbox has no reason to allow that.
#pragma once

#include <vector>

#include <windows.h>

#include "win/handles.hpp"

namespace winsandbox::win {

// Exit code of processes the job ends on purpose (timeout, cancellation). Processes ended by
// kill-on-close get whatever code the system picks.
inline constexpr UINT kJobKilledExitCode = 1;

// Not thread-safe: one owner drives it.
class JobObject {
public:
  // An unnamed job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE (closing the last handle ends every
  // process in it) and JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION (a crashing child exits with
  // its exception code instead of waiting on an error-reporting dialog nobody will see).
  static JobObject create();

  HANDLE get() const noexcept { return job_.get(); }

  // Puts `process` (created suspended, so it has not run yet) into the job. Child processes it
  // starts later join the job automatically.
  void assign(HANDLE process);

  // Ends every process in the job with `exit_code`.
  void terminate(UINT exit_code = kJobKilledExitCode);

  // Drops kill-on-close, so processes still in the job outlive this object (the "descendants
  // survive a normal exit of the root" mode). terminate() still works afterwards.
  void preserve_descendants();

  // Ids of the processes currently in the job.
  std::vector<DWORD> process_ids() const;

private:
  explicit JobObject(UniqueHandle job) : job_(std::move(job)) {}
  void set_limit_flags(DWORD flags);

  UniqueHandle job_;
};

}  // namespace winsandbox::win
