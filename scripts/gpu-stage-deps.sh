#!/usr/bin/env bash
# Copies the Debian packages anvil builds against (installed here by scripts/setup.sh) into a
# relocatable prefix, for building on a machine that has a compiler, CMake and the CUDA toolkit
# but none of these packages and no network (a lent GPU machine; see scripts/gpu-validate.sh).
# Files under /usr/ are copied with /usr stripped, so CMake package configs that locate
# themselves relative to their own path (Eigen3, GTest, benchmark, CLI11, nlohmann_json) and
# cmake/FindStb.cmake resolve inside the prefix given as CMAKE_PREFIX_PATH.
#   scripts/gpu-stage-deps.sh [PREFIX]        (default .deps/prefix, which .gitignore ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-.deps/prefix}
# The -dev packages of scripts/setup.sh and the runtime libraries they link to.
# The OpenCL headers and ICD loader too: the opencl plugin builds against them, and a GPU
# machine without a loader of its own can then run the --backend opencl checks on NVIDIA's
# OpenCL driver.
packages=(libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev libbenchmark1debian
          libstb-dev libstb0 libcli11-dev nlohmann-json3-dev libgif-dev libgif7
          libjpeg62-turbo-dev libjpeg62-turbo libspng-dev libspng0
          opencl-headers opencl-c-headers opencl-clhpp-headers ocl-icd-opencl-dev ocl-icd-libopencl1)

for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "gpu-stage-deps: $p is not installed; run scripts/setup.sh first" >&2; exit 1; }
done
rm -rf "$prefix"
mkdir -p "$prefix"
count=0
for p in "${packages[@]}"; do
  while IFS= read -r f; do
    case "$f" in
      /usr/share/doc/*|/usr/share/man/*|/usr/share/lintian/*|/usr/src/*) continue ;;
      /usr/*) ;;
      *) continue ;;
    esac
    [ -f "$f" ] || [ -L "$f" ] || continue
    rel=${f#/usr/}
    mkdir -p "$prefix/$(dirname "$rel")"
    cp -a "$f" "$prefix/$rel"
    count=$((count + 1))
  done < <(dpkg -L "$p")
done
echo "gpu-stage-deps: $count files in $prefix ($(du -sh "$prefix" | cut -f1))"
