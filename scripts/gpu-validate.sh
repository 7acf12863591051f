#!/usr/bin/env bash
# Validates the CUDA backend on a machine with an NVIDIA GPU (docs/cuda.md, "Validating on a
# GPU"), in steps that fit the lent machine's device budget (docs/gpu-validation.md):
#   env       the machine: GPU, driver, CUDA runtime and cuBLAS found, tools; fails in seconds
#             naming the missing piece
#   build     only what the GPU steps run (the cuda and cpu plugins, anvil-conformance,
#             test_cuda_plugin, test_device_ops, the opencl plugin, anvil-info, anvil-siren,
#             the benches) for this GPU's
#             architecture alone; skipped when BUILD_DIR holds a prebuilt tree (PREBUILT below)
#   correct   anvil-info, the device op tests on cuda and anvil-conformance --backend cuda, one
#             process each, results as gtest JSON (tests.json); then the same on the GPU through
#             its OpenCL driver (--backend opencl), skipped with the reason when the machine has
#             no OpenCL ICD loader or driver
#   siren     anvil-siren --backend cuda on the bundled image at 256x256 and full size (512x512),
#             exact FP32 and TF32
#   nccl      anvil-siren --distributed nccl with one rank (the nccl communicator plugin on the
#             cuda stream, one fused allreduce per step) against --distributed none: the same
#             loss curve, and summary.json's bytes and time in the allreduce per step
#   bench     the SIREN step, cuda vs cpu vs PyTorch on the same GPU (FP32 and TF32); per-op benches
#   sanitize  compute-sanitizer memcheck and racecheck over the op tests and a short training run
#   alltests  every ctest case (needs a full build on that machine, not a prebuilt tree)
#
#   scripts/gpu-validate.sh [OUT_DIR]          (default $OUT, else gpu-validation)
# environment: STEPS    which steps, in order (default: env build correct siren nccl bench sanitize)
#              BUILD_DIR (build-gpu; kept between runs, so a rerun rebuilds only what changed)
#              PREBUILT=1: BUILD_DIR's bin/ and lib/ were built elsewhere (scripts/gpu-prebuild.sh,
#                       on a machine with the same nvcc) and travel with the call; no build here
#              CUDA_ARCH (CMAKE_CUDA_ARCHITECTURES; default this GPU's, as nvidia-smi reports it)
#              BENCH_SIZES (256,512); PYTHON, one with torch (python3)
#              BACKEND  the backend under test (cuda). BACKEND=cpu on a machine without a GPU
#                       runs every step on the cpu backend instead: a dry run of this script.
#
# Every step runs under a time limit and is logged; a failing step is recorded and the next
# one still runs. OUT_DIR ends up with at most 8 files: summary.txt (one line per step, the
# numbers to copy into docs/gpu-validation.md), build.log, tests.log (the sanitizer's too),
# tests.json, siren.log, siren.png, bench.log, bench.json.
set -uo pipefail
out=$(realpath -m "${1:-${OUT:-gpu-validation}}")  # relative to where it was called from
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-gpu}
steps=${STEPS:-env build correct siren nccl bench sanitize}
dut=${BACKEND:-cuda}
bench_sizes=${BENCH_SIZES:-256,512}
jobs=$(nproc)
mkdir -p "$out"
summary="$out/summary.txt"
: >"$summary"

prefix="$PWD/.deps/prefix"
cmake_prefix=()
if [ -d "$prefix" ]; then
  cmake_prefix=(-DCMAKE_PREFIX_PATH="$prefix")
  # Staged libraries first; .deps/fallback holds copies of system libraries (libgomp) that a
  # prebuilt tree needs, used only where the machine has none of its own.
  export LD_LIBRARY_PATH="$prefix/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
for cuda_lib in /usr/local/cuda/lib64 /usr/local/cuda/lib; do
  [ -d "$cuda_lib" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$cuda_lib"
done
[ -d "$PWD/.deps/fallback" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$PWD/.deps/fallback"
python=${PYTHON:-$(command -v python3 || true)}
# A prebuilt tree carries its build machine's absolute paths (RUNPATH, the plugin path the op
# tests load): make that path lead here.
if [ "${PREBUILT:-0}" = 1 ] && [ -f "$build/prebuilt-root" ]; then
  built_root=$(cat "$build/prebuilt-root")
  if [ "$built_root" != "$PWD" ] && [ ! -e "$built_root" ]; then
    mkdir -p "$(dirname "$built_root")" && ln -s "$PWD" "$built_root"
  fi
fi

note() { echo "$*" | tee -a "$summary"; }

# step NAME LIMIT_SECONDS LOG COMMAND...: runs COMMAND with its output appended to LOG.
step() {
  local name=$1 limit=$2 log=$3; shift 3
  local start=$SECONDS rc
  echo "=== $name: $* ===" >>"$log"
  timeout --kill-after=10 "$limit" "$@" >>"$log" 2>&1
  rc=$?
  local took=$((SECONDS - start))
  case $rc in
    0) note "PASS  $name (${took} s)" ;;
    124|137) note "FAIL  $name: stopped after ${limit} s (see $(basename "$log"))" ;;
    *) note "FAIL  $name: exit $rc after ${took} s (see $(basename "$log"))" ;;
  esac
  return $rc
}

want() { [[ " $steps " == *" $1 "* ]]; }
# require WHAT TEST...: records a missing prerequisite by name; the env step then fails.
missing=()
require() { local what=$1; shift; "$@" >/dev/null 2>&1 || missing+=("$what"); }

if want env; then
  note "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  note "gpu: $(nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>&1 | head -1)"
  note "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)"
  note "nvcc: $(nvcc --version 2>&1 | tail -2 | head -1)"
  note "cmake: $(cmake --version 2>&1 | head -1); ninja $(ninja --version 2>&1); c++: $(c++ --version 2>&1 | head -1)"
  note "python: $("$python" -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1 | tail -1)"
  note "disk free: $(df -h . | awk 'NR==2 {print $4}')"
  if [ "$dut" = cuda ]; then
    require "nvidia-smi listing a GPU" nvidia-smi -L
    require "libcudart.so.13 (CUDA runtime)" sh -c 'ldconfig -p | grep -q libcudart.so.13 || ls ${LD_LIBRARY_PATH//:/ } 2>/dev/null | grep -q libcudart.so.13'
    require "libcublas.so.13 (cuBLAS)" sh -c 'ldconfig -p | grep -q libcublas.so.13 || ls ${LD_LIBRARY_PATH//:/ } 2>/dev/null | grep -q libcublas.so.13'
  fi
  if want build && [ "${PREBUILT:-0}" != 1 ]; then
    require "nvcc" nvcc --version
    require "cmake" cmake --version
    require "ninja" ninja --version
    require "cuBLAS headers (cublas_v2.h)" test -f /usr/local/cuda/include/cublas_v2.h
    require "staged -dev packages (.deps/prefix; scripts/gpu-stage-deps.sh)" test -d "$prefix/include/eigen3"
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    note "FAIL  env: missing ${missing[*]}"
    exit 1
  fi
  note "PASS  env"
fi

if want build; then
  if [ "${PREBUILT:-0}" = 1 ]; then
    note "SKIP  build: prebuilt tree in $build (built at $(cat "$build/prebuilt-root" 2>/dev/null))"
  else
    # This GPU's architecture from the driver (9.0 -> 90); CMake's "native" needs CMake >= 3.24.
    gpu_arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '. ')
    arch=${CUDA_ARCH:-${gpu_arch:-native}}
    # CMAKE_POLICY_VERSION_MINIMUM: a CMake 4 there must still accept the staged packages'
    # CMake configs (it is ignored by CMake 3).
    step configure 300 "$out/build.log" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DANVIL_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$arch" -DANVIL_TEST_PYTHON="$python" \
      -DCMAKE_POLICY_VERSION_MINIMUM=3.5 "${cmake_prefix[@]}"
    targets=(anvil-cpu anvil-conformance anvil-info anvil-siren anvil-bench-siren anvil-bench-ops)
    targets+=(test_device_ops)
    [ "$dut" = cuda ] && targets+=(anvil-cuda test_cuda_plugin)
    [ -d "$build/backends/opencl" ] && targets+=(anvil-opencl)  # configured: OpenCL was found
    [ -d "$build/comm/nccl" ] && targets+=(anvil-comm-nccl)      # configured: NCCL was found
    if want alltests; then targets=(all); fi
    step build 900 "$out/build.log" cmake --build "$build" --parallel "$jobs" --target "${targets[@]}"
    note "      build warnings: $(grep -c 'warning:' "$out/build.log")"
  fi
fi

bin="$build/bin"
if want correct; then
  step anvil-info 60 "$out/tests.log" "$bin/anvil-info" --backend "$dut"
  grep -m3 -E "^ *$dut" "$out/tests.log" | sed 's/^/      /' | tee -a "$summary"
  json_parts=()
  if [ -x "$bin/test_cuda_plugin" ]; then
    step cuda-plugin-tests 60 "$out/tests.log" "$bin/test_cuda_plugin" \
      --gtest_output="json:$out/cuda-plugin-tests.json"
    json_parts+=("$out/cuda-plugin-tests.json")
  fi
  step "device-op-tests-$dut" 120 "$out/tests.log" "$bin/test_device_ops" "--gtest_filter=*/$dut" \
    --gtest_output="json:$out/device-tests.json"
  json_parts+=("$out/device-tests.json")
  step "conformance-$dut" 120 "$out/tests.log" "$bin/anvil-conformance" --backend "$dut" \
    --gtest_output="json:$out/conformance.json"
  json_parts+=("$out/conformance.json")
  # The same GPU through its OpenCL driver. NVIDIA's driver ships libnvidia-opencl.so.1; the
  # ICD loader (libOpenCL.so.1) comes from the machine or from .deps (gpu-stage-deps.sh), and
  # when no vendors file names the driver, one is written for it here.
  if [ "$dut" = cuda ] && [ -f "$build/lib/anvil/libanvil-opencl.so" ]; then
    if ! ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1 && [ -z "${OCL_ICD_VENDORS:-}" ] \
        && ldconfig -p 2>/dev/null | grep -q libnvidia-opencl.so.1; then
      mkdir -p "$build/icd" && echo libnvidia-opencl.so.1 >"$build/icd/nvidia.icd"
      export OCL_ICD_VENDORS="$build/icd"
    fi
    opencl_state=$("$bin/anvil-info" --backend opencl 2>&1 | grep -m1 -E "^opencl ")
    if [[ "$opencl_state" == "opencl  available"* ]]; then
      "$bin/anvil-info" --backend opencl 2>&1 | grep -m1 "opencl:0" | sed 's/^ */      /' | tee -a "$summary"
      step device-op-tests-opencl 120 "$out/tests.log" "$bin/test_device_ops" "--gtest_filter=*/opencl" \
        --gtest_output="json:$out/device-tests-opencl.json"
      json_parts+=("$out/device-tests-opencl.json")
      step conformance-opencl 180 "$out/tests.log" "$bin/anvil-conformance" --backend opencl \
        --gtest_output="json:$out/conformance-opencl.json"
      json_parts+=("$out/conformance-opencl.json")
    else
      note "SKIP  opencl on this GPU: ${opencl_state:-anvil-info printed nothing for opencl}"
    fi
  fi
  # Keep within 8 files: one JSON holding both suites; one summary line per suite.
  "$python" - "$out/tests.json" "${json_parts[@]}" <<'EOF' | tee -a "$summary"
import json, sys
from pathlib import Path
merged = {}
for part in map(Path, sys.argv[2:]):
    if not part.exists():
        print(f"      {part.stem}: no results (the run did not finish)")
        continue
    suite = merged[part.stem] = json.loads(part.read_text())
    cases = [c for s in suite["testsuites"] for c in s["testsuite"]]
    failed = [f'{c["classname"]}.{c["name"]}' for c in cases if c.get("failures")]
    skipped = [c for c in cases if c.get("result") == "SKIPPED"]
    print(f"      {part.stem}: {len(cases)} tests, {len(failed)} failed, {len(skipped)} skipped")
    for name in failed:
        print(f"        failed: {name}")
    part.unlink()
Path(sys.argv[1]).write_text(json.dumps(merged, indent=1))
EOF
fi

if want alltests; then
  step all-tests 900 "$out/tests.log" ctest --test-dir "$build" -j "$jobs" --timeout 600 \
    --output-on-failure
  grep -E "tests passed|tests failed" "$out/tests.log" | tail -1 | sed 's/^/      /' | tee -a "$summary"
fi

if want siren; then
  runs="$build/gpu-runs"
  rm -rf "$runs"
  precisions=fp32; [ "$dut" = cuda ] && precisions="fp32 tf32"
  for size in 256x256 full; do
    for precision in $precisions; do
      tf32=0; [ $precision = tf32 ] && tf32=1
      ANVIL_CUDA_TF32=$tf32 step "siren-$dut-$size-$precision" 120 "$out/siren.log" \
        "$bin/anvil-siren" --backend "$dut" --image data/cameraman.png --train-size "$size" \
        --seed 0 --out "$runs/$size-$precision"
      grep "^anvil-siren: step" "$out/siren.log" | tail -1 | sed 's/^/      /' | tee -a "$summary"
    done
  done
  [ -f "$runs/full-fp32/reconstruction.png" ] && cp "$runs/full-fp32/reconstruction.png" "$out/siren.png"
fi

if want nccl; then
  if [ "$dut" != cuda ]; then
    note "SKIP  nccl: only for the cuda backend"
  elif [ ! -f "$build/lib/anvil/comm/libanvil-comm-nccl.so" ]; then
    note "SKIP  nccl: $build has no libanvil-comm-nccl.so (NCCL not found at configure time)"
  else
    # One rank (no mpirun: the bootstrap is the local communicator), 256x256 full batch, the
    # same seed with and without NCCL; a sum over one rank changes nothing, so the curves agree.
    runs="$build/gpu-runs"
    for mode in none nccl; do
      step "siren-nccl-1rank-$mode" 120 "$out/siren.log" "$bin/anvil-siren" --backend cuda \
        --distributed $mode --image data/cameraman.png --train-size 256x256 --batch full \
        --steps 200 --seed 0 --quiet --out "$runs/nccl-$mode"
    done
    "$python" - "$runs/nccl-none" "$runs/nccl-nccl" <<'EOF' | tee -a "$summary"
import json, sys
from pathlib import Path
a, b = (Path(d) for d in sys.argv[1:])
loss = lambda d: [float(r.split(",")[1]) for r in (d / "metrics.csv").read_text().split()[1:]]
la, lb = loss(a), loss(b)
worst = max(abs(x - y) / abs(x) for x, y in zip(la, lb)) if la and len(la) == len(lb) else float("inf")
s = json.loads((b / "summary.json").read_text())
print(f"      nccl 1 rank: loss curve within {worst:.2g} of --distributed none; "
      f"{s['allreduce_bytes_per_step']} bytes and {s['allreduce_ms_per_step']:.3f} ms allreduce per step "
      f"of {s['ms_per_step']:.2f} ms")
print("PASS  nccl-matches-none" if worst <= 1e-5 and s["distributed"] == "nccl"
      else "FAIL  nccl-matches-none")
EOF
  fi
fi

if want bench; then
  backends=$dut; [ "$dut" = cpu ] || backends="$dut,cpu"
  step "bench-$backends" 150 "$out/bench.log" "$bin/anvil-bench-siren" --backend "$backends" \
    --layers 3 --sizes "$bench_sizes" --warmup 3 --reps 10 --json "$out/bench.json"
  precisions=fp32; [ "$dut" = cuda ] && precisions="fp32 tf32"
  for precision in $precisions; do
    flag=(); [ $precision = tf32 ] && flag=(--tf32)
    step "bench-vs-pytorch-$precision" 150 "$out/bench.log" "$python" scripts/bench-pytorch.py \
      --device "$dut" "${flag[@]}" --python "$python" --anvil-bin "$bin/anvil-bench-siren" \
      --layers 3 --sizes "$bench_sizes" --warmup 10 --reps 50 --out "$out/bench-$precision.json"
  done
  # Per-op timings at SIREN's shapes (GEMM GFLOP/s, elementwise bandwidth, reductions, fused
  # composites vs the core defaults), synchronised per iteration.
  step "bench-ops-$dut" 90 "$out/bench.log" "$bin/anvil-bench-ops" --backend "$dut" \
    --benchmark_min_time=0.1
  # Keep within 8 files: the PyTorch comparisons join bench.json.
  "$python" - "$out" <<'EOF'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
merged = {"anvil": json.loads((out / "bench.json").read_text())
          if (out / "bench.json").exists() else None}
for precision in ("fp32", "tf32"):
    part = out / f"bench-{precision}.json"
    if part.exists():
        merged[f"vs_pytorch_{precision}"] = json.loads(part.read_text())
        part.unlink()
(out / "bench.json").write_text(json.dumps(merged, indent=1))
EOF
  grep -E "^(backend|cuda|cpu) |^SIREN step|^size |^[0-9]+x[0-9]+ " "$out/bench.log" | sed 's/^/      /' | tee -a "$summary"
fi

if want sanitize; then
  sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
  if [ "$dut" != cuda ]; then
    note "SKIP  sanitize: only for the cuda backend"
  elif [ -x "$sanitizer" ]; then
    # The device op tests on cuda; the 8 GiB tests (LargeTensors) are left out, as memcheck's
    # shadow memory would double them.
    step memcheck-op-tests 150 "$out/tests.log" "$sanitizer" --tool memcheck \
      --error-exitcode 1 "$bin/test_device_ops" '--gtest_filter=*DeviceOps*/cuda'
    step memcheck-siren 60 "$out/tests.log" "$sanitizer" --tool memcheck --error-exitcode 1 \
      "$bin/anvil-siren" --backend "$dut" --image data/cameraman.png --train-size 64x64 --steps 20 \
      --quiet --out "$build/gpu-runs/memcheck"
    step racecheck-op-tests 120 "$out/tests.log" "$sanitizer" --tool racecheck \
      --error-exitcode 1 "$bin/test_device_ops" \
      '--gtest_filter=*Transpose*/cuda:*Reduction*/cuda:*Argmax*/cuda'
    grep -E "ERROR SUMMARY" "$out/tests.log" | sed 's/^/      /' | tee -a "$summary"
  else
    note "SKIP  sanitize: compute-sanitizer is not on the PATH"
  fi
fi

! grep -q "^FAIL" "$summary"
