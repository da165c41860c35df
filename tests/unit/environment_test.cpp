#include "winsandbox/environment.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

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

namespace winsandbox {
namespace {

// The index behind get()/set() must follow erase(): every later entry moves up one place.
TEST(Environment, IndexFollowsEraseAndReinsertion) {
  Environment env;
  for (int i = 0; i < 5; ++i) env.set("K" + std::to_string(i), std::to_string(i));
  env.erase("k1");
  env.erase("missing");
  EXPECT_EQ(env.get("K3"), "3");
  env.set("k3", "three");
  env.set("K1", "one");
  const std::vector<Environment::Entry> expected{
      {"K0", "0"}, {"K2", "2"}, {"K3", "three"}, {"K4", "4"}, {"K1", "one"}};
  EXPECT_EQ(env.entries(), expected);
}

// A spawn request may carry tens of thousands of variables: building and reading them back is
// linear (it was quadratic: 40 000 variables took 26 s to decode).
TEST(Environment, ManyVariablesKeepEveryValue) {
  Environment env;
  constexpr int kCount = 100000;
  for (int i = 0; i < kCount; ++i) env.set("VAR_" + std::to_string(i), std::to_string(i));
  for (int i = 0; i < kCount; i += 997) {
    EXPECT_EQ(env.get("var_" + std::to_string(i)), std::to_string(i));
  }
  EXPECT_EQ(env.entries().size(), static_cast<std::size_t>(kCount));
}

}  // namespace
}  // namespace winsandbox
