// Assertion helpers shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "winsandbox/error.hpp"

// Asserts that `statement` throws winsandbox::Error with `expected_code`, and that the message
// contains `expected_substring` (may be empty).
#define EXPECT_WS_ERROR(statement, expected_code, expected_substring)                        \
  do {                                                                                      \
    try {                                                                                   \
      statement;                                                                            \
      ADD_FAILURE() << "expected winsandbox::Error(" #expected_code ") from " #statement;    \
    } catch (const ::winsandbox::Error& ws_error_) {                                        \
      EXPECT_EQ(::winsandbox::error_code_name(ws_error_.code()),                            \
                ::winsandbox::error_code_name(expected_code))                               \
          << ws_error_.what();                                                              \
      EXPECT_NE(std::string(ws_error_.what()).find(expected_substring), std::string::npos)  \
          << "message: " << ws_error_.what();                                               \
    }                                                                                       \
  } while (false)
