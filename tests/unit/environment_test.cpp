#include <gtest/gtest.h>

#include "test_support.hpp"
#include "winsandbox/environment.hpp"

namespace winsandbox {
namespace {

TEST(Environment, KeysAreCaseInsensitiveAndKeepFirstSpellingAndOrder) {
  Environment env;
  env.set("Path", "C:\\bin");
  env.set("TEMP", "C:\\t");
  env.set("PATH", "D:\\bin");
  ASSERT_EQ(env.entries().size(), 2u);
  EXPECT_EQ(env.entries()[0], (Environment::Entry{"Path", "D:\\bin"}));
  EXPECT_EQ(env.get("path"), "D:\\bin");
  EXPECT_EQ(env.get("temp"), "C:\\t");
  EXPECT_EQ(env.get("TMP"), std::nullopt);
  env.erase("tEmP");
  EXPECT_FALSE(env.contains("TEMP"));
}

TEST(Environment, FromAssignments) {
  const auto env = Environment::from_assignments({"A=1", "B=x=y", "C=", "=C:=C:\\repo"});
  EXPECT_EQ(env.get("A"), "1");
  EXPECT_EQ(env.get("B"), "x=y");
  EXPECT_EQ(env.get("C"), "");
  EXPECT_EQ(env.get("=C:"), "C:\\repo");
}

TEST(Environment, RejectsMalformedInput) {
  EXPECT_WS_ERROR(Environment::from_assignments({"NOEQUALS"}), ErrorCode::invalid_argument,
                  "not of the form KEY=VALUE");
  EXPECT_WS_ERROR(Environment::from_assignments({"=value"}), ErrorCode::invalid_argument,
                  "not of the form KEY=VALUE");
  Environment env;
  EXPECT_WS_ERROR(env.set("", "x"), ErrorCode::invalid_argument, "empty");
  EXPECT_WS_ERROR(env.set("A=B", "x"), ErrorCode::invalid_argument, "contains '='");
  EXPECT_WS_ERROR(env.set("A", std::string_view("x\0y", 3)), ErrorCode::invalid_argument, "NUL");
  EXPECT_TRUE(env.empty());
}

}  // namespace
}  // namespace winsandbox
