# install() rules and the exported package: find_package(winsandbox CONFIG) +
# target_link_libraries(app PRIVATE winsandbox::winsandbox).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(WINSANDBOX_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/winsandbox")

install(TARGETS winsandbox EXPORT winsandboxTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY include/winsandbox DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT winsandboxTargets NAMESPACE winsandbox:: DESTINATION "${WINSANDBOX_CMAKE_DIR}")
if(WINSANDBOX_BUILD_CLI)
  install(TARGETS winsandbox_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/winsandboxConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/winsandboxConfig.cmake"
                              INSTALL_DESTINATION "${WINSANDBOX_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/winsandboxConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/winsandboxConfig.cmake"
              "${PROJECT_BINARY_DIR}/winsandboxConfigVersion.cmake"
        DESTINATION "${WINSANDBOX_CMAKE_DIR}")
