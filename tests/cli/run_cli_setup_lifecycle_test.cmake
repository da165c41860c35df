# cmake -P script: `winsandbox setup` against the recording fake machine
# (WINSANDBOX_TEST_SETUP_SYSTEM, a file in DIR) with the helper started directly
# (WINSANDBOX_TEST_SETUP_LAUNCH=direct): status missing → setup → current → a profile whose proxy
# port lies outside the permitted ones → outdated (proxy_ports_changed) → setup with that profile
# → current → uninstall → missing, the fake machine empty again.
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}/home" "${DIR}/workspace")
# The fake machine knows the real user the commands name (--env USERNAME=tester).
file(WRITE "${DIR}/fake_machine.json" "{\"known_sids\":{\"tester\":\"S-1-5-21-1-2-3-1000\"}}\n")
set(ENV{WINSANDBOX_TEST_SETUP_SYSTEM} "Z:${DIR}/fake_machine.json")
set(ENV{WINSANDBOX_TEST_SETUP_LAUNCH} "direct")
set(home "--sandbox-home;Z:${DIR}/home;--env;USERNAME=tester")
set(profile "--policy;workspace-write;--profile-cwd;Z:${DIR}/workspace;--env;HTTP_PROXY=http://127.0.0.1:8080")

# step(<name> <expected exit> <stdout regex> args...)
function(step name expect_exit regex)
  execute_process(COMMAND ${EMULATOR} "${CLI}" --json setup ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT "${rc}" STREQUAL "${expect_exit}")
    message(FATAL_ERROR "${name}: exit code ${rc}, expected ${expect_exit}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  if(NOT out MATCHES "${regex}")
    message(FATAL_ERROR "${name}: stdout does not match `${regex}`:\n${out}\nstderr:\n${err}")
  endif()
  message(STATUS "${name}: ${out}")
endfunction()

step("status before" 0 "^{\"state\":\"missing\",\"reasons\":\\[{\"kind\":\"marker_missing\"" --status ${home})
step("provision-only" 0 "^{\"mode\":\"provision-only\",.*\"status\":{\"state\":\"current\",\"reasons\":\\[\\]}}" --no-prompt ${home})
step("status after" 0 "^{\"state\":\"current\",\"reasons\":\\[\\]}\n$" --status ${home})
step("status with a new proxy port" 0
     "^{\"state\":\"outdated\",\"reasons\":\\[{\"kind\":\"proxy_ports_changed\",\"message\":\"[^\"]*8080"
     --status ${home} ${profile})
step("setup with the profile" 0 "^{\"mode\":\"full\",.*\"status\":{\"state\":\"current\"" --no-prompt ${home} ${profile})
step("status with the profile" 0 "^{\"state\":\"current\",\"reasons\":\\[\\]}\n$" --status ${home} ${profile})
step("uninstall" 0 "^{\"mode\":\"uninstall\",.*\"status\":{\"state\":\"missing\"" --uninstall --no-prompt ${home})
step("status after uninstall" 0 "^{\"state\":\"missing\"" --status ${home})

file(READ "${DIR}/fake_machine.json" machine)
foreach(key users groups firewall_rules wfp_filters)
  string(JSON length LENGTH "${machine}" ${key})
  if(NOT length EQUAL 0)
    message(FATAL_ERROR "the uninstall left ${length} ${key} on the fake machine:\n${machine}")
  endif()
endforeach()
string(JSON runs GET "${machine}" helper_runs)
if(NOT runs EQUAL 3)
  message(FATAL_ERROR "helper runs: ${runs}, expected 3 (provision-only, full, uninstall)")
endif()
