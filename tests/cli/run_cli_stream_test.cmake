# cmake -P script: runs the CLI once with stdout and stderr redirected to files (large output is
# never held in a CMake variable) and checks the exit code and each file's exact size and
# SHA-256, plus an optional regex on stderr when stderr is not checksummed.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${EMULATOR} "${CLI}" ${args}
                RESULT_VARIABLE rc OUTPUT_FILE "${OUTPUT_PREFIX}.stdout"
                ERROR_FILE "${OUTPUT_PREFIX}.stderr")
if(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
  file(READ "${OUTPUT_PREFIX}.stderr" err LIMIT 4000)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_EXIT}\nstderr:\n${err}")
endif()

# check_stream(stdout|stderr SIZE SHA256): exact size and checksum of one stream.
function(check_stream stream size sha256)
  if(size STREQUAL "")
    return()
  endif()
  file(SIZE "${OUTPUT_PREFIX}.${stream}" actual_size)
  if(NOT actual_size EQUAL size)
    message(FATAL_ERROR "${stream}: ${actual_size} bytes, expected ${size}")
  endif()
  file(SHA256 "${OUTPUT_PREFIX}.${stream}" actual_sha256)
  if(NOT actual_sha256 STREQUAL sha256)
    message(FATAL_ERROR "${stream}: SHA-256 ${actual_sha256}, expected ${sha256}")
  endif()
endfunction()
check_stream(stdout "${EXPECT_STDOUT_SIZE}" "${EXPECT_STDOUT_SHA256}")
check_stream(stderr "${EXPECT_STDERR_SIZE}" "${EXPECT_STDERR_SHA256}")
if(EXPECT_STDERR_REGEX)
  file(READ "${OUTPUT_PREFIX}.stderr" err)
  if(NOT err MATCHES "${EXPECT_STDERR_REGEX}")
    message(FATAL_ERROR "stderr does not match `${EXPECT_STDERR_REGEX}`:\n${err}")
  endif()
endif()
file(REMOVE "${OUTPUT_PREFIX}.stdout" "${OUTPUT_PREFIX}.stderr")
