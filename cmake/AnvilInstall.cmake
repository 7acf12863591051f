# The SDK: headers, libanvil_core.so and libanvil_nn.so, plugins, and anvilConfig.cmake so an
# out-of-tree project can find_package(anvil) and call anvil_add_backend_plugin().
include(CMakePackageConfigHelpers)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/anvil DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# nn's headers join the core's under include/anvil/nn, the path users already include.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/nn/include/anvil DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT anvilTargets NAMESPACE anvil:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/anvil)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/anvilConfig.cmake.in
  ${PROJECT_BINARY_DIR}/anvilConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/anvil)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/anvilConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/anvilConfig.cmake ${PROJECT_BINARY_DIR}/anvilConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/AnvilPlugin.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/anvil)
