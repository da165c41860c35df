#include <gtest/gtest.h>

#include "snapshot_builder.hpp"
#include "test_support.hpp"

namespace winsandbox {
namespace {

using testing::SnapshotBuilder;
WinPath p(std::string_view text) { return WinPath::parse(text); }

TEST(SnapshotFileSystem, LoadsTheDocumentedExample) {
  const auto fs = SnapshotFileSystem::from_json(
      R"({"nodes":[{"path":"C:\\repo","type":"dir"},)"
      R"({"path":"C:\\repo\\.git","type":"file","content":"gitdir: C:\\gits\\repo"},)"
      R"({"path":"C:\\alias","type":"junction","target":"C:\\repo"}],"remote_drives":["L:"]})");
  EXPECT_EQ(fs.kind(p("C:\\repo")), NodeKind::directory);
  EXPECT_EQ(fs.kind(p("c:\\REPO\\.GIT")), NodeKind::file);
  EXPECT_EQ(fs.kind(p("C:\\alias")), NodeKind::junction);
  EXPECT_EQ(fs.kind(p("C:\\alias\\.git")), NodeKind::file);  // ancestors are followed
  EXPECT_EQ(fs.kind(p("C:\\")), NodeKind::directory);          // implicit ancestor
  EXPECT_EQ(fs.kind(p("C:\\missing")), NodeKind::missing);
  EXPECT_EQ(fs.read_small_file(p("C:\\alias\\.git"), 100), "gitdir: C:\\gits\\repo");
  EXPECT_EQ(fs.read_small_file(p("C:\\repo\\.git"), 5), std::nullopt);  // too big
  EXPECT_EQ(fs.canonical(p("C:\\ALIAS\\.git"))->str(), "C:\\repo\\.git");
  EXPECT_EQ(fs.canonical(p("C:\\missing")), std::nullopt);
  EXPECT_EQ(fs.drive_type(p("L:\\x")), DriveType::remote);
  EXPECT_EQ(fs.drive_type(p("C:\\x")), DriveType::local);
  EXPECT_EQ(fs.drive_type(p("\\\\server\\share\\x")), DriveType::remote);
  EXPECT_TRUE(fs.is_directory(p("C:\\alias")));
  EXPECT_TRUE(fs.is_file(p("C:\\repo\\.git")));
}

TEST(SnapshotFileSystem, ListsChildrenOnceInInsertionOrder) {
  const auto fs = SnapshotBuilder().file("C:\\r\\b.txt").dir("C:\\r\\a").file("C:\\r\\a\\x").dir("C:\\r\\A").build();
  EXPECT_EQ(fs.list_directory(p("C:\\r")), (std::vector<std::string>{"b.txt", "a"}));
  EXPECT_EQ(fs.list_directory(p("C:\\")), std::vector<std::string>{"r"});
  EXPECT_TRUE(fs.list_directory(p("C:\\r\\b.txt")).empty());
}

TEST(SnapshotFileSystem, LinkChainsCyclesAndDanglingLinks) {
  const auto fs = SnapshotBuilder()
                      .dir("D:\\real")
                      .symlink("D:\\one", "D:\\two")
                      .junction("D:\\two", "D:\\real")
                      .junction("D:\\loop1", "D:\\loop2")
                      .junction("D:\\loop2", "D:\\loop1")
                      .symlink("D:\\dangling", "D:\\nowhere")
                      .build();
  EXPECT_EQ(fs.canonical(p("D:\\one"))->str(), "D:\\real");
  EXPECT_EQ(fs.canonical(p("D:\\loop1")), std::nullopt);
  EXPECT_EQ(fs.canonical(p("D:\\dangling")), std::nullopt);
  EXPECT_FALSE(fs.exists(p("D:\\dangling")));
  EXPECT_EQ(fs.kind(p("D:\\dangling")), NodeKind::symlink);
  EXPECT_EQ(fs.kind(p("D:\\loop1\\x")), NodeKind::missing);
}

TEST(SnapshotFileSystem, RejectsMalformedSnapshots) {
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json("{"), ErrorCode::invalid_snapshot, "invalid JSON");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json("{}"), ErrorCode::invalid_snapshot,
                  "$: missing required field `nodes`");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(R"({"nodes":[{"path":"repo","type":"dir"}]})"),
                  ErrorCode::invalid_snapshot, "$.nodes[0].path:");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(R"({"nodes":[{"path":"C:\\x","type":"pipe"}]})"),
                  ErrorCode::invalid_snapshot, "$.nodes[0].type: unknown node type `pipe`");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(R"({"nodes":[{"path":"C:\\x","type":"junction"}]})"),
                  ErrorCode::invalid_snapshot, "$.nodes[0]: missing required field `target`");
  EXPECT_WS_ERROR(
      SnapshotFileSystem::from_json(R"({"nodes":[{"path":"C:\\x","type":"dir","content":"a"}]})"),
      ErrorCode::invalid_snapshot, "$.nodes[0].content: only files have content");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(
                      R"({"nodes":[{"path":"C:\\f","type":"file"},{"path":"C:\\f\\x","type":"dir"}]})"),
                  ErrorCode::invalid_snapshot, "which is not a dir");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(
                      R"({"nodes":[{"path":"C:\\d\\x","type":"dir"},{"path":"C:\\d","type":"file"}]})"),
                  ErrorCode::invalid_snapshot, "listed twice with different types");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(R"({"nodes":[],"remote_drives":["LL"]})"),
                  ErrorCode::invalid_snapshot, "$.remote_drives[0]: expected a drive");
  EXPECT_WS_ERROR(SnapshotFileSystem::from_json(R"({"nodes":[],"extra":1})"), ErrorCode::invalid_snapshot,
                  "unknown field `extra`");
}

}  // namespace
}  // namespace winsandbox
