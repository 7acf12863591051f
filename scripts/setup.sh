#!/usr/bin/env bash
# Installs everything anvil needs on a fresh Debian 12 machine (run as root): the compiler
# toolchain and the -dev packages of its dependencies, all from Debian's archive, plus a small
# Python virtual environment (PyPI: safetensors, numpy) that the checkpoint interop tests use.
#   scripts/setup.sh [BUILD_DIR]      (the venv goes to BUILD_DIR/pyenv; default build)
set -euo pipefail
build_dir=${1:-build}

# The OpenCL backend builds against opencl-headers and ocl-icd-opencl-dev (the ICD loader);
# pocl-opencl-icd is the OpenCL device its tests run on (PoCL: OpenCL 3.0 on the CPU).
# clang and libclang-rt-14-dev (its sanitizer runtimes and libFuzzer) build the sanitizer job
# and the fuzzers (scripts/test-sanitizers.sh).
# qemu-user runs the cpu backend's ISA-variant test on emulated older CPUs (Haswell, Nehalem);
# libdnnl-dev and libblis-openmp-dev are only for anvil-bench-gemm's side-by-side comparison.
# Open MPI (openmpi-bin: mpirun; libopenmpi-dev: the mpi communicator plugin) and iproute2
# (the two-namespace test's "second host") are for the distributed tests (docs/distributed.md).
packages=(build-essential cmake ninja-build
          libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
          libstb-dev libcli11-dev nlohmann-json3-dev libgif-dev libjpeg62-turbo-dev libspng-dev
          opencl-headers ocl-icd-opencl-dev pocl-opencl-icd
          clang libclang-rt-14-dev
          qemu-user libdnnl-dev libblis-openmp-dev
          openmpi-bin libopenmpi-dev iproute2
          python3 python3-venv)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The interop tests open anvil's checkpoints with Python's safetensors. Debian 12 does not
# package it, so it comes from PyPI into a venv inside the build directory.
venv="$build_dir/pyenv"
if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c "import safetensors, numpy" 2>/dev/null; then
  mkdir -p "$build_dir"
  /usr/bin/python3 -m venv "$venv"
  if ! "$venv/bin/pip" install -q safetensors numpy; then
    echo "setup: warning: could not install safetensors from PyPI; the interop tests will be skipped" >&2
  fi
fi
echo "setup: done"
