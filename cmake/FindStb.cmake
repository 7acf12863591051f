# FindStb: Debian's libstb (the stb headers under include/stb and the stb_image, _resize and
# _write implementations compiled into libstb). Found through the usual CMake search paths
# rather than pkg-config, whose stb.pc hard-codes /usr: so a copy of the package staged under
# another prefix (CMAKE_PREFIX_PATH, scripts/gpu-stage-deps.sh) is found too.
#   Stb::Stb         imported target (include dir + library)
#   Stb_FOUND, Stb_INCLUDE_DIR, Stb_LIBRARY
include(${CMAKE_CURRENT_LIST_DIR}/AnvilFindLibrary.cmake)
anvil_find_library(Stb Stb::Stb HEADER stb_image.h LIBRARY stb PATH_SUFFIXES stb)
