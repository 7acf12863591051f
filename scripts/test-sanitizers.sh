#!/usr/bin/env bash
# The sanitizer job (docs/reliability.md): builds the whole suite and the fuzzers with clang,
# AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer at -O1, every finding fatal,
# then runs ctest there (the fuzzers' smoke runs included). scripts/test.sh calls it after the
# normal build's ctest. The CUDA backend is not part of it: nvcc compiles host code with its
# own host compiler and cannot build an ASan-instrumented plugin sensibly, and no GPU is here.
#   scripts/test-sanitizers.sh [BUILD_DIR]      (default build-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-sanitize}
# The checkpoint interop tests use the venv that scripts/setup.sh made for the normal build.
python=${ANVIL_TEST_PYTHON:-$PWD/build/pyenv/bin/python3}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

start=$(date +%s)
# -DNDEBUG: the code under test is the code that ships. -gline-tables-only: file:line in the
# reports at a fraction of -g's build cost. Benchmarks are not tests, so they are left out.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
  -DANVIL_SANITIZE=ON -DANVIL_FUZZ=ON -DANVIL_CUDA=OFF -DANVIL_BUILD_BENCH=OFF \
  -DANVIL_TEST_PYTHON="$python"
cmake --build "$build_dir" --parallel "$(nproc)"
scripts/build-reference-plugin.sh "$build_dir"
built=$(date +%s)

# LeakSanitizer is on by default with ASan on Linux; said here so that nobody wonders.
# intercept_tls_get_addr=0 works around a bug of the sanitizer runtime up to LLVM 16 (Debian 12
# has 14) with glibc >= 2.25, not a finding in any program: its __tls_get_addr interceptor
# takes some dynamic TLS blocks for glibc 2.19 ones and records a bogus range (seen here:
# "DTLS 4 at 0x000300000c08-0x001300001d0a" for an OpenMP worker of the cpu plugin, whose
# libomp is dlopen'ed with it), and LeakSanitizer's tracer then dies at exit with "Tracer
# caught signal 11" after the test passed (google/sanitizers#1322). The cost: pointers held
# only in dynamic TLS are not leak roots, which can only add reports, never hide one.
export ASAN_OPTIONS=detect_leaks=1:intercept_tls_get_addr=0:strict_string_checks=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The tests that start Open MPI (MPI_Init in the mpi communicator plugin, anvil-siren under
# mpirun) run with ASan and UBSan but without leak detection: Open MPI leaks at exit (libmpi,
# libopen-pal, hwloc, and MCA components it dlcloses, whose frames LeakSanitizer cannot even
# name, so no suppression can match them), and its reports would bury anything else. Every
# other test, the non-MPI communicator tests included, runs with leak detection.
mpi_tests='^(MpiCommunicator\.|distributed\.)'
(cd "$build_dir" && ctest --output-on-failure --timeout 900 -j "$(nproc)" -E "$mpi_tests")
echo "test-sanitizers: the Open MPI tests follow with leak detection off (Open MPI's own leaks)"
(cd "$build_dir" && ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0} \
   ctest --output-on-failure --timeout 900 -j "$(nproc)" -R "$mpi_tests")
done_at=$(date +%s)
echo "test-sanitizers: build $((built - start)) s, ctest $((done_at - built)) s"
