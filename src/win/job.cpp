#include "win/job.hpp"

#include "win/win32_error.hpp"

namespace winsandbox::win {

JobObject JobObject::create() {
  UniqueHandle handle(CreateJobObjectW(nullptr, nullptr));
  if (!handle) throw_last_error("CreateJobObjectW");
  JobObject job(std::move(handle));
  job.set_limit_flags(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
                      JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION);
  return job;
}

void JobObject::set_limit_flags(DWORD flags) {
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = flags;
  if (!SetInformationJobObject(job_.get(), JobObjectExtendedLimitInformation, &limits,
                               sizeof(limits))) {
    throw_last_error("SetInformationJobObject(JobObjectExtendedLimitInformation)");
  }
}

void JobObject::assign(HANDLE process) {
  if (!AssignProcessToJobObject(job_.get(), process)) throw_last_error("AssignProcessToJobObject");
}

void JobObject::terminate(UINT exit_code) {
  if (!TerminateJobObject(job_.get(), exit_code)) throw_last_error("TerminateJobObject");
}

void JobObject::preserve_descendants() {
  set_limit_flags(JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION);
}

std::vector<DWORD> JobObject::process_ids() const {
  // The list is a snapshot; grow the buffer until the whole snapshot fits.
  for (DWORD capacity = 64; capacity <= 65536; capacity *= 2) {
    TypedBuffer<JOBOBJECT_BASIC_PROCESS_ID_LIST> list(sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) +
                                                      capacity * sizeof(ULONG_PTR));
    if (!QueryInformationJobObject(job_.get(), JobObjectBasicProcessIdList, list.get(),
                                   static_cast<DWORD>(list.size_bytes()), nullptr)) {
      if (GetLastError() == ERROR_MORE_DATA) continue;
      throw_last_error("QueryInformationJobObject(JobObjectBasicProcessIdList)");
    }
    if (list->NumberOfProcessIdsInList == capacity && list->NumberOfAssignedProcesses > capacity) {
      continue;
    }
    std::vector<DWORD> ids;
    for (DWORD i = 0; i < list->NumberOfProcessIdsInList; ++i) {
      ids.push_back(static_cast<DWORD>(list->ProcessIdList[i]));
    }
    return ids;
  }
  throw Error(ErrorCode::win32_call_failed, "job holds more than 65536 processes");
}

}  // namespace winsandbox::win
