# Sanitizer and fuzzer builds (docs/reliability.md).
#   ANVIL_SANITIZE=ON  every target with AddressSanitizer (LeakSanitizer included) and
#                      UndefinedBehaviorSanitizer, any error fatal; scripts/test-sanitizers.sh.
#   ANVIL_FUZZ=AUTO    the libFuzzer harnesses of tests/fuzz in a sanitizer build whose
#                      compiler is clang with libFuzzer (Debian: clang, libclang-rt-14-dev); ON
#                      requires both, OFF skips. Only there: the libraries the harnesses reach
#                      get coverage hooks, which the sanitizer runtime provides to every other
#                      program linking them.
if(ANVIL_SANITIZE)
  # -fno-sanitize-recover: a UBSan finding stops the program, so a test cannot pass over it.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

set(ANVIL_WITH_FUZZ OFF)
if(ANVIL_FUZZ STREQUAL "ON" AND NOT ANVIL_SANITIZE)
  message(FATAL_ERROR "ANVIL_FUZZ=ON needs ANVIL_SANITIZE=ON (scripts/test-sanitizers.sh)")
endif()
if(ANVIL_SANITIZE AND NOT ANVIL_FUZZ STREQUAL "OFF")
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
  set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=fuzzer)
  check_cxx_source_compiles([[
    #include <cstddef>
    #include <cstdint>
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
  ]] ANVIL_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(ANVIL_HAVE_LIBFUZZER)
    set(ANVIL_WITH_FUZZ ON)
  elseif(ANVIL_FUZZ STREQUAL "ON")
    message(FATAL_ERROR "ANVIL_FUZZ=ON needs clang with libFuzzer (Debian: clang libclang-rt-14-dev)")
  else()
    message(STATUS "anvil: no libFuzzer (clang) in this sanitizer build; the fuzzers are "
                   "not built, their seeds and regression inputs are still replayed")
  endif()
endif()

# anvil_skipped_test(<name> <reason>...): a test that cannot run in this build still shows in
# ctest's summary, as "Skipped" with the reason in its output, never as silence.
function(anvil_skipped_test name)
  string(CONCAT reason ${ARGN})
  add_test(NAME ${name} COMMAND sh -c "echo \"skipped: $1\"; exit 77" sh "${reason}")
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()
