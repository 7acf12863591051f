#!/usr/bin/env bash
# Builds here what scripts/gpu-validate.sh runs on a lent GPU machine, so that its device time
# goes to the GPU and not to compiling: the cuda, cpu and opencl plugins, anvil-conformance,
# test_cuda_plugin, test_device_ops, anvil-info, anvil-siren and the benches, for one GPU architecture, plus the
# staged libraries they need (scripts/gpu-stage-deps.sh). Needs the same CUDA major version
# here as there (nvcc 13); the tree records where it was built, and gpu-validate.sh makes that
# path lead to its checkout there, since RUNPATHs and the op tests' plugin path are absolute.
#   scripts/gpu-prebuild.sh [ARCH]        (default 90, the H100/H200; BUILD_DIR default build-gpu)
# Then a device call with carry [".deps", "build-gpu/bin", "build-gpu/lib", "build-gpu/prebuilt-root"]:
#   PREBUILT=1 bash scripts/gpu-validate.sh "$OUT"
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-90}
build=${BUILD_DIR:-build-gpu}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DANVIL_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="$arch" >/dev/null
targets=(anvil-cuda anvil-cpu anvil-conformance test_cuda_plugin test_device_ops anvil-info
         anvil-siren anvil-bench-siren anvil-bench-ops)
# The opencl plugin opens libOpenCL.so.1 at run time, so it travels too: gpu-validate.sh runs
# --backend opencl on the GPU when that machine has an OpenCL driver.
[ -d "$build/backends/opencl" ] && targets+=(anvil-opencl)
[ -d "$build/comm/nccl" ] && targets+=(anvil-comm-nccl)
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"
echo "$PWD" >"$build/prebuilt-root"
scripts/gpu-stage-deps.sh
# System libraries a Debian build links that another distribution may lack; gpu-validate.sh
# puts this folder last on the library path, so the machine's own copies win.
mkdir -p .deps/fallback
cp -L /usr/lib/x86_64-linux-gnu/libgomp.so.1 .deps/fallback/
echo "gpu-prebuild: $(du -sh "$build/bin" "$build/lib" .deps | awk '{print $2" "$1}' | xargs)"
