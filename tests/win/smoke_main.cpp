// main() of winsandbox_smoke_tests: GoogleTest's, with stdout in binary mode, so the test list
// CTest reads (gtest_discover_tests, under Wine too) has no \r at the ends of its lines.
#include <cstdio>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <io.h>

int main(int argc, char** argv) {
  _setmode(_fileno(stdout), _O_BINARY);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
