# cmake -P script: runs the CLI once with a file on stdin and compares its stdout with a golden
# file byte for byte (for binary output, which run_cli_test.cmake's text comparison cannot
# hold: CMake strings stop at NUL bytes).
# Variables: CLI, EMULATOR, ARGS (|-separated), STDIN_FILE, EXPECT_STDOUT_FILE, OUTPUT_FILE.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${EMULATOR} "${CLI}" ${args}
                INPUT_FILE "${STDIN_FILE}" OUTPUT_FILE "${OUTPUT_FILE}"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT "${rc}" STREQUAL "0")
  message(FATAL_ERROR "exit code ${rc}, expected 0\nstderr:\n${err}")
endif()
file(SIZE "${OUTPUT_FILE}" got_size)
file(SIZE "${EXPECT_STDOUT_FILE}" expected_size)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUTPUT_FILE}" "${EXPECT_STDOUT_FILE}"
                RESULT_VARIABLE differs)
if(differs)
  file(READ "${OUTPUT_FILE}" got_hex HEX)
  message(FATAL_ERROR "stdout (${got_size} bytes) differs from ${EXPECT_STDOUT_FILE} "
                      "(${expected_size} bytes); got hex:\n${got_hex}")
endif()
