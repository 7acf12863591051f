# FindStb: Debian's libstb (the stb headers under include/stb and the stb_image, _resize and
# _write implementations compiled into libstb). Found through the usual CMake search paths
# rather than pkg-config, whose stb.pc hard-codes /usr: so a copy of the package staged under
# another prefix (CMAKE_PREFIX_PATH, scripts/gpu-stage-deps.sh) is found too.
#   Stb::Stb         imported target (include dir + library)
#   Stb_FOUND, Stb_INCLUDE_DIR, Stb_LIBRARY
find_path(Stb_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb)
find_library(Stb_LIBRARY NAMES stb)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Stb REQUIRED_VARS Stb_LIBRARY Stb_INCLUDE_DIR)

if(Stb_FOUND AND NOT TARGET Stb::Stb)
  add_library(Stb::Stb UNKNOWN IMPORTED)
  set_target_properties(Stb::Stb PROPERTIES
    IMPORTED_LOCATION "${Stb_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Stb_INCLUDE_DIR}")
endif()
mark_as_advanced(Stb_INCLUDE_DIR Stb_LIBRARY)
