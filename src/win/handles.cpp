#include "win/handles.hpp"

#include "win/win32_error.hpp"

namespace winsandbox::win {

ProcThreadAttributeList::ProcThreadAttributeList(DWORD attribute_count) {
  SIZE_T size = 0;
  // The sizing call fails with ERROR_INSUFFICIENT_BUFFER by design.
  InitializeProcThreadAttributeList(nullptr, attribute_count, 0, &size);
  if (size == 0) throw_last_error("InitializeProcThreadAttributeList (size)");
  buffer_ = TypedBuffer<std::byte>(size);
  if (!InitializeProcThreadAttributeList(get(), attribute_count, 0, &size)) {
    throw_last_error("InitializeProcThreadAttributeList");
  }
  initialized_ = true;
}

ProcThreadAttributeList::~ProcThreadAttributeList() {
  if (initialized_) DeleteProcThreadAttributeList(get());
}

void ProcThreadAttributeList::update(DWORD_PTR attribute, void* value, std::size_t size,
                                     const char* what) {
  if (!UpdateProcThreadAttribute(get(), 0, attribute, value, size, nullptr, nullptr)) {
    throw_last_error(std::string("UpdateProcThreadAttribute(") + what + ")");
  }
}

void ProcThreadAttributeList::set_handle_list(std::vector<HANDLE> handles) {
  handle_list_ = std::move(handles);
  update(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handle_list_.data(),
         handle_list_.size() * sizeof(HANDLE), "HANDLE_LIST");
}

void ProcThreadAttributeList::set_pseudo_console(HPCON pseudo_console) {
  // The attribute value is the HPCON itself (not a pointer to it), with size sizeof(HPCON).
  update(PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, pseudo_console, sizeof(HPCON), "PSEUDOCONSOLE");
}

void ProcThreadAttributeList::set_job_list(std::vector<HANDLE> jobs) {
  job_list_ = std::move(jobs);
  update(PROC_THREAD_ATTRIBUTE_JOB_LIST, job_list_.data(), job_list_.size() * sizeof(HANDLE),
         "JOB_LIST");
}

}  // namespace winsandbox::win
