#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine (as root): install the dependencies, build, build the
# reference plugin out of tree against the installed SDK (as a third party would), run ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
scripts/build.sh build
scripts/build-reference-plugin.sh build
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"
