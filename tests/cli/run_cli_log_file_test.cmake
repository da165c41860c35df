# cmake -P script: runs the CLI twice with --log-file LOG_FILE (removed first) and checks the
# exit code each time, that the file holds both runs' records (appended) matching
# EXPECT_LOG_REGEX, and that no log record reached stderr.
string(REPLACE "|" ";" args "${ARGS}")
file(REMOVE "${LOG_FILE}")
foreach(run 1 2)
  execute_process(COMMAND ${EMULATOR} "${CLI}" ${args}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
    message(FATAL_ERROR "run ${run}: exit code ${rc}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  if(err MATCHES "winsandbox: (trace|debug|info):")
    message(FATAL_ERROR "run ${run}: log records on stderr:\n${err}")
  endif()
endforeach()
if(NOT EXISTS "${LOG_FILE}")
  message(FATAL_ERROR "no log file `${LOG_FILE}`")
endif()
file(READ "${LOG_FILE}" log)
string(REPLACE "\r\n" "\n" log "${log}")
if(NOT log MATCHES "${EXPECT_LOG_REGEX}")
  message(FATAL_ERROR "the log file does not match `${EXPECT_LOG_REGEX}`:\n${log}")
endif()
