#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine (as root): install the dependencies, build, build the
# reference plugin out of tree against the installed SDK (as a third party would), run ctest;
# then the sanitizer job: the whole suite and the fuzzers again under ASan + UBSan + LSan
# (scripts/test-sanitizers.sh, docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
scripts/build.sh build
scripts/build-reference-plugin.sh build
(cd build && ctest --output-on-failure --timeout 600 -j "$(nproc)")
scripts/test-sanitizers.sh build-sanitize
