#!/usr/bin/env bash
# Configures and builds anvil (Release) into BUILD_DIR (default build), using every core.
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
build_dir=${1:-build}; shift || true
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DANVIL_TEST_PYTHON="$PWD/$build_dir/pyenv/bin/python3" "$@"
cmake --build "$build_dir" --parallel "$(nproc)"
