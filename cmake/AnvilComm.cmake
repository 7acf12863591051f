# Communicator plugins (docs/distributed.md): ANVIL_MPI=AUTO builds libanvil-comm-mpi.so when
# an MPI (Open MPI: libopenmpi-dev) is found, ON requires it, OFF skips it; ANVIL_NCCL likewise
# builds libanvil-comm-nccl.so when the CUDA backend is built and NCCL's header and library
# are found. anvil_add_comm_plugin() declares one plugin in <libdir>/anvil/comm/, a directory
# the backend loader never scans.
set(ANVIL_WITH_MPI OFF)
if(NOT ANVIL_MPI STREQUAL "OFF")
  # The C API through the C++ compiler (the project enables no C), without the deprecated
  # C++ bindings.
  set(MPI_CXX_SKIP_MPICXX ON)
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(ANVIL_WITH_MPI ON)
  elseif(ANVIL_MPI STREQUAL "ON")
    message(FATAL_ERROR "ANVIL_MPI=ON but MPI was not found (Debian: openmpi-bin libopenmpi-dev)")
  else()
    message(STATUS "anvil: MPI not found; the mpi communicator is not built")
  endif()
endif()

set(ANVIL_WITH_NCCL OFF)
if(NOT ANVIL_NCCL STREQUAL "OFF")
  if(ANVIL_WITH_CUDA)
    find_path(ANVIL_NCCL_INCLUDE_DIR nccl.h
      HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include)
    find_library(ANVIL_NCCL_LIBRARY nccl
      HINTS ${CUDAToolkit_LIBRARY_DIR} /usr/local/cuda/lib /usr/local/cuda/lib64)
  endif()
  if(ANVIL_NCCL_INCLUDE_DIR AND ANVIL_NCCL_LIBRARY)
    set(ANVIL_WITH_NCCL ON)
  elseif(ANVIL_NCCL STREQUAL "ON")
    message(FATAL_ERROR "ANVIL_NCCL=ON but the CUDA backend or NCCL (nccl.h, libnccl) was not found")
  else()
    message(STATUS "anvil: no CUDA backend or no NCCL; the nccl communicator is not built")
  endif()
endif()

set(ANVIL_COMM_PLUGIN_OUTPUT_DIRECTORY ${ANVIL_PLUGIN_OUTPUT_DIRECTORY}/comm)

function(anvil_add_comm_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(target anvil-comm-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE anvil_nn anvil_core anvil_warnings)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "anvil-comm-${name}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${ANVIL_COMM_PLUGIN_OUTPUT_DIRECTORY}"
    INSTALL_RPATH "$ORIGIN/../..")
  if(NOT ANVIL_SANITIZE)  # as in anvil_add_backend_plugin()
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}/anvil/comm")
endfunction()
