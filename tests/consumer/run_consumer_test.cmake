# cmake -P script: install, configure + build the consumer, run it.
file(REMOVE_RECURSE "${SCRATCH_DIR}")
set(prefix "${SCRATCH_DIR}/prefix")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run_step(${CMAKE_COMMAND} --install "${WINSANDBOX_BUILD_DIR}" --prefix "${prefix}")
run_step(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${SCRATCH_DIR}/build" -G "${GENERATOR}"
         -DCMAKE_PREFIX_PATH=${prefix})
run_step(${CMAKE_COMMAND} --build "${SCRATCH_DIR}/build")
run_step("${SCRATCH_DIR}/build/consumer")
if(NOT last_output MATCHES "\"type\":\"managed\"")
  message(FATAL_ERROR "consumer printed unexpected output: ${last_output}")
endif()
message(STATUS "consumer output: ${last_output}")
