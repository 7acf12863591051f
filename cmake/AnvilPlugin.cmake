# anvil_add_backend_plugin(<name> SOURCES ...): declares libanvil-<name>.so, a MODULE library
# with hidden visibility, linked with --no-undefined (a missing symbol fails the build, not a
# user's dlopen), written to the build tree's lib/anvil/ and installed to <libdir>/anvil/.
# The same function ships in the SDK (anvilConfig.cmake) for out-of-tree plugins.
function(anvil_add_backend_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(target anvil-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET anvil::core)
    target_link_libraries(${target} PRIVATE anvil::core)
  else()
    target_link_libraries(${target} PRIVATE anvil_core)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "anvil-${name}"
    CXX_VISIBILITY_PRESET hidden
    CUDA_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${ANVIL_PLUGIN_OUTPUT_DIRECTORY}"
    INSTALL_RPATH "$ORIGIN/..")
  # Under clang's sanitizers the runtime lives in the executable, so a plugin's references to
  # it cannot be resolved at link time: the check is left out of that build (ANVIL_SANITIZE).
  if(NOT ANVIL_SANITIZE)
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  if(DEFINED ANVIL_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION "${ANVIL_PLUGIN_INSTALL_DIR}")
  else()
    include(GNUInstallDirs)
    install(TARGETS ${target} LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}/anvil")
  endif()
endfunction()
