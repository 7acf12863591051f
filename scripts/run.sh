#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine (as root): install the dependencies, build, and
# train a SIREN on the bundled image with the CPU backend. Results land in runs/cameraman/.
#   scripts/run.sh [extra anvil-siren options...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
scripts/build.sh build
build/bin/anvil-siren --backend cpu --image data/cameraman.png --out runs/cameraman "$@"
