# cmake -P script: install, configure + build the consumer, run it. CONFIG: the configuration
# to install and build (multi-config generators); VCPKG_ARGS: the vcpkg toolchain settings the
# consumer needs to find winsandbox's own dependencies (empty without vcpkg).
file(REMOVE_RECURSE "${SCRATCH_DIR}")
set(prefix "${SCRATCH_DIR}/prefix")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
set(platform_args "")
if(GENERATOR_PLATFORM)
  set(platform_args -A "${GENERATOR_PLATFORM}")
endif()
run_step(${CMAKE_COMMAND} --install "${WINSANDBOX_BUILD_DIR}" --prefix "${prefix}" ${config_args})
run_step(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${SCRATCH_DIR}/build" -G "${GENERATOR}"
         ${platform_args} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=${CONFIG} ${VCPKG_ARGS})
run_step(${CMAKE_COMMAND} --build "${SCRATCH_DIR}/build" ${config_args})
# Single-config generators put the program in the build directory, multi-config ones below it.
set(consumer "")
foreach(candidate "${SCRATCH_DIR}/build/consumer" "${SCRATCH_DIR}/build/consumer.exe"
                  "${SCRATCH_DIR}/build/${CONFIG}/consumer.exe")
  if(NOT consumer AND EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
    set(consumer "${candidate}")
  endif()
endforeach()
if(NOT consumer)
  message(FATAL_ERROR "the consumer program was not built under ${SCRATCH_DIR}/build")
endif()
run_step("${consumer}")
if(NOT last_output MATCHES "\"type\":\"managed\"")
  message(FATAL_ERROR "consumer printed unexpected output: ${last_output}")
endif()
message(STATUS "consumer output: ${last_output}")
