#include "win/handles.hpp"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "win/sid.hpp"

namespace winsandbox::win {
namespace {

UniqueHandle make_event() {
  return UniqueHandle(CreateEventW(nullptr, TRUE, FALSE, nullptr));
}

bool is_open(HANDLE h) {
  DWORD flags = 0;
  return GetHandleInformation(h, &flags) != FALSE;
}

TEST(UniqueHandle, ClosesOnDestructionAndReset) {
  HANDLE raw = nullptr;
  {
    UniqueHandle event = make_event();
    raw = event.get();
    ASSERT_TRUE(event);
    ASSERT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));

  UniqueHandle event = make_event();
  raw = event.get();
  event.reset();
  EXPECT_FALSE(event);
  EXPECT_FALSE(is_open(raw));
}

TEST(UniqueHandle, MoveTransfersOwnership) {
  UniqueHandle first = make_event();
  const HANDLE raw = first.get();
  UniqueHandle second = std::move(first);
  EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(second.get(), raw);
  first = std::move(second);
  EXPECT_EQ(first.get(), raw);
  EXPECT_TRUE(is_open(raw));
}

TEST(UniqueHandle, ReleaseGivesUpOwnership) {
  UniqueHandle event = make_event();
  const HANDLE raw = event.release();
  EXPECT_FALSE(event);
  EXPECT_TRUE(is_open(raw));
  CloseHandle(raw);  // the one raw close in the tests: ownership was released on purpose
}

TEST(UniqueHandle, BothFailureValuesAreEmpty) {
  EXPECT_FALSE(UniqueHandle(nullptr));
  EXPECT_FALSE(UniqueHandle(INVALID_HANDLE_VALUE));  // never passed to CloseHandle
}

TEST(UniqueHandle, PutServesAsOutParameter) {
  UniqueHandle process;
  ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                              process.put(), PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0));
  EXPECT_TRUE(process);
  EXPECT_EQ(GetProcessId(process.get()), GetCurrentProcessId());
  const HANDLE old = process.get();
  HANDLE* slot = process.put();  // releases the current handle first
  EXPECT_EQ(*slot, nullptr);
  EXPECT_FALSE(is_open(old));
}

TEST(UniqueFindHandle, HoldsASearchAndTreatsTheFailureValueAsEmpty) {
  WIN32_FIND_DATAW data{};
  std::wstring windows_directory(MAX_PATH, L'\0');
  windows_directory.resize(GetWindowsDirectoryW(windows_directory.data(), MAX_PATH));
  ASSERT_FALSE(windows_directory.empty());
  UniqueFindHandle found(FindFirstFileExW((windows_directory + L"\\*").c_str(), FindExInfoBasic,
                                          &data, FindExSearchNameMatch, nullptr, 0));
  ASSERT_TRUE(found);
  EXPECT_TRUE(FindNextFileW(found.get(), &data));  // a live search handle
  found.reset();
  EXPECT_FALSE(found);

  // FindFirstFileExW fails with INVALID_HANDLE_VALUE: empty, and never passed to FindClose.
  const UniqueFindHandle missing(
      FindFirstFileExW((windows_directory + L"\\winsandbox-no-such-entry-*").c_str(),
                       FindExInfoBasic, &data, FindExSearchNameMatch, nullptr, 0));
  EXPECT_FALSE(missing);
  EXPECT_EQ(missing.get(), INVALID_HANDLE_VALUE);
}

TEST(UniqueLocalPtr, OwnsSystemAllocatedMemory) {
  UniqueLocalPtr<LPWSTR> text;
  ASSERT_TRUE(FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, ERROR_ACCESS_DENIED, 0, reinterpret_cast<LPWSTR>(text.put()), 0, nullptr));
  EXPECT_TRUE(text);
  EXPECT_NE(std::wstring(text.get()).size(), 0u);
}

TEST(TypedBuffer, IsAlignedAndLargeEnough) {
  TypedBuffer<TOKEN_GROUPS> buffer(sizeof(TOKEN_GROUPS) + 3);
  EXPECT_GE(buffer.size_bytes(), sizeof(TOKEN_GROUPS) + 3);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(buffer.get()) % alignof(std::max_align_t), 0u);
}

TEST(ProcThreadAttributeList, AcceptsAHandleList) {
  UniqueHandle event = make_event();
  ProcThreadAttributeList list(1);
  list.set_handle_list({event.get()});
  EXPECT_NE(list.get(), nullptr);
}

}  // namespace
}  // namespace winsandbox::win
