# Project-wide build settings: C++20, Release by default, warnings, native tuning, and the
# build tree laid out like the install tree (bin/, lib/, lib/anvil/ for plugins).
include(GNUInstallDirs)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_CXX_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_BINDIR})
set(CMAKE_LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_LIBDIR})
set(ANVIL_PLUGIN_SUBDIR anvil)
set(ANVIL_PLUGIN_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_LIBDIR}/${ANVIL_PLUGIN_SUBDIR})

# Installed binaries find libanvil_core.so next door in ../lib.
set(CMAKE_INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")

# -Werror=switch: a switch over an op family's enum has no default:, so an op added to the
# table in anvil/op.h is a build error in every backend until it has a case (not a warning
# that scrolls past).
add_library(anvil_warnings INTERFACE)
target_compile_options(anvil_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Werror=switch>
  $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Werror=switch>)

add_library(anvil_native INTERFACE)
if(ANVIL_NATIVE)
  target_compile_options(anvil_native INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
endif()
