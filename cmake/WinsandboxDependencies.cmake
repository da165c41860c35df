# Third-party dependencies (docs/architecture.md#dependencies). Nothing is downloaded and nothing is
# vendored:
# * native builds and MSVC/vcpkg use the packages' CMake configs (find_package);
# * the mingw cross build uses the Debian header trees in header-only mode, exposed through a
#   build-time directory of symlinks (never /usr/include itself: it holds glibc headers), and
#   builds GoogleTest from /usr/src/googletest.

if(CMAKE_CROSSCOMPILING AND MINGW)
  set(_ws_host_include "/usr/include")
  set(_ws_third_party "${CMAKE_BINARY_DIR}/third_party_include")
  file(MAKE_DIRECTORY "${_ws_third_party}")
  foreach(_tree nlohmann fmt spdlog CLI)
    if(NOT EXISTS "${_ws_host_include}/${_tree}")
      message(FATAL_ERROR "Missing ${_ws_host_include}/${_tree}: install the Debian -dev package "
                          "(nlohmann-json3-dev, libfmt-dev, libspdlog-dev, libcli11-dev)")
    endif()
    file(CREATE_LINK "${_ws_host_include}/${_tree}" "${_ws_third_party}/${_tree}" SYMBOLIC)
  endforeach()

  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE "${_ws_third_party}")

  add_library(fmt::fmt INTERFACE IMPORTED)
  target_include_directories(fmt::fmt SYSTEM INTERFACE "${_ws_third_party}")
  target_compile_definitions(fmt::fmt INTERFACE FMT_HEADER_ONLY)

  add_library(spdlog::spdlog INTERFACE IMPORTED)
  target_include_directories(spdlog::spdlog SYSTEM INTERFACE "${_ws_third_party}")
  target_compile_definitions(spdlog::spdlog INTERFACE SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL)
  target_link_libraries(spdlog::spdlog INTERFACE fmt::fmt)

  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 SYSTEM INTERFACE "${_ws_third_party}")

  if(WINSANDBOX_BUILD_TESTS)
    set(WINSANDBOX_GOOGLETEST_SOURCE "/usr/src/googletest" CACHE PATH "GoogleTest sources")
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
    add_subdirectory("${WINSANDBOX_GOOGLETEST_SOURCE}" "${CMAKE_BINARY_DIR}/googletest"
                     EXCLUDE_FROM_ALL SYSTEM)
    # GoogleTest's own CMake defines the GTest::gtest, GTest::gtest_main and GTest::gmock aliases.
  endif()
  set(WINSANDBOX_HEADER_ONLY_DEPS ON)
else()
  find_package(nlohmann_json 3.10 CONFIG REQUIRED)
  find_package(fmt 9 CONFIG REQUIRED)
  find_package(spdlog 1.10 CONFIG REQUIRED)
  if(WINSANDBOX_BUILD_CLI)
    find_package(CLI11 2 CONFIG REQUIRED)
  endif()
  if(WINSANDBOX_BUILD_TESTS)
    find_package(GTest REQUIRED)
  endif()
  set(WINSANDBOX_HEADER_ONLY_DEPS OFF)
endif()
