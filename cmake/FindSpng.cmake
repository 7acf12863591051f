# FindSpng: libspng (Debian's libspng-dev), the PNG decoder anvil-siren reads images with.
# Found through the usual CMake search paths (Debian ships no CMake config for it, and its
# spng.pc hard-codes /usr), so a copy staged under another prefix is found too.
#   Spng::Spng        imported target (include dir + library)
#   Spng_FOUND, Spng_INCLUDE_DIR, Spng_LIBRARY
include(${CMAKE_CURRENT_LIST_DIR}/AnvilFindLibrary.cmake)
anvil_find_library(Spng Spng::Spng HEADER spng.h LIBRARY spng)
