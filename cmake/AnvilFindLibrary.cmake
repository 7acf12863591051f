# anvil_find_library(<Pkg> <Target> HEADER <h> LIBRARY <name> [PATH_SUFFIXES ...]): the body of
# a find module for a C library that Debian ships without a CMake config (stb, libspng): finds
# the header and the library through the usual search paths (so a copy staged under another
# prefix, CMAKE_PREFIX_PATH, is found too) and defines the imported target <Target>.
# Sets <Pkg>_FOUND, <Pkg>_INCLUDE_DIR, <Pkg>_LIBRARY.
include(FindPackageHandleStandardArgs)

macro(anvil_find_library pkg target)
  cmake_parse_arguments(_afl "" "HEADER;LIBRARY" "PATH_SUFFIXES" ${ARGN})
  find_path(${pkg}_INCLUDE_DIR ${_afl_HEADER} PATH_SUFFIXES ${_afl_PATH_SUFFIXES})
  find_library(${pkg}_LIBRARY NAMES ${_afl_LIBRARY})
  find_package_handle_standard_args(${pkg} REQUIRED_VARS ${pkg}_LIBRARY ${pkg}_INCLUDE_DIR)
  if(${pkg}_FOUND AND NOT TARGET ${target})
    add_library(${target} UNKNOWN IMPORTED)
    set_target_properties(${target} PROPERTIES
      IMPORTED_LOCATION "${${pkg}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${${pkg}_INCLUDE_DIR}")
  endif()
  mark_as_advanced(${pkg}_INCLUDE_DIR ${pkg}_LIBRARY)
endmacro()
