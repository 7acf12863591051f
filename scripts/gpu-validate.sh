#!/usr/bin/env bash
# Validates the CUDA backend on a machine with an NVIDIA GPU, in one go (docs/cuda.md,
# "Validating on a GPU"): builds anvil with the CUDA backend, runs every test (the cuda kernel
# tests and the conformance suite on cuda included), anvil-siren on the bundled image with
# --backend cuda (exact FP32 and TF32), the SIREN step benchmark (cuda vs cpu vs PyTorch on the
# same GPU) and the per-op benchmarks, and last compute-sanitizer (memcheck, racecheck) over the kernel tests and a short
# training run.
#
# For a GPU machine without Debian's packages or a network (the lent machine): run
# scripts/gpu-stage-deps.sh here first and carry .deps; this script finds .deps/prefix.
#
#   scripts/gpu-validate.sh [OUT_DIR]          (default $OUT, else gpu-validation)
# environment: STEPS    which steps, in order (default: env build tests siren bench sanitize)
#              BUILD_DIR (build-gpu; kept between runs, so a rerun rebuilds only what changed)
#              CUDA_ARCH (CMAKE_CUDA_ARCHITECTURES; default this GPU's, as nvidia-smi reports it)
#              BENCH_SIZES (256,512); PYTHON, one with torch (python3)
#              BACKEND  the backend under test (cuda). BACKEND=cpu on a machine without a GPU
#                       runs every step on the cpu backend instead: a dry run of this script.
#
# Every step runs under a time limit and is logged; a failing step is recorded and the next
# one still runs. OUT_DIR ends up with at most 8 files: summary.txt (one line per step, the
# numbers to copy into docs/gpu-validation.md), build.log, tests.log, siren.log, siren.png,
# sanitize.log, bench.log, bench.json.
set -uo pipefail
out=$(realpath -m "${1:-${OUT:-gpu-validation}}")  # relative to where it was called from
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-gpu}
steps=${STEPS:-env build tests siren bench sanitize}
# This GPU's architecture from the driver (9.0 -> 90); CMake's "native" needs CMake >= 3.24.
gpu_arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '. ')
arch=${CUDA_ARCH:-${gpu_arch:-native}}
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
  export LD_LIBRARY_PATH="$prefix/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
python=${PYTHON:-$(command -v python3 || true)}

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

if want env; then
  note "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  note "gpu: $(nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>&1 | head -1)"
  note "nvcc: $(nvcc --version 2>&1 | tail -2 | head -1)"
  note "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  note "cmake: $(cmake --version | head -1); c++: $(c++ --version | head -1)"
  note "python: $("$python" -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1 | tail -1)"
fi

if want build; then
  # CMAKE_POLICY_VERSION_MINIMUM: a CMake 4 there must still accept the staged packages'
  # CMake configs (it is ignored by CMake 3).
  step configure 300 "$out/build.log" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DANVIL_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$arch" -DANVIL_TEST_PYTHON="$python" \
    -DCMAKE_POLICY_VERSION_MINIMUM=3.5 "${cmake_prefix[@]}"
  step build 900 "$out/build.log" cmake --build "$build" --parallel "$jobs"
  step reference-plugin 300 "$out/build.log" scripts/build-reference-plugin.sh "$build"
  note "      build warnings: $(grep -c 'warning:' "$out/build.log")"
fi

bin="$build/bin"
if want tests; then
  step anvil-info 60 "$out/tests.log" "$bin/anvil-info" --backend "$dut"
  grep -m3 -E "^ *$dut" "$out/tests.log" | sed 's/^/      /' | tee -a "$summary"
  step cuda-kernel-tests 600 "$out/tests.log" ctest --test-dir "$build" -R '^cuda\.' \
    --output-on-failure --timeout 300
  step "conformance-$dut" 600 "$out/tests.log" "$bin/anvil-conformance" --backend "$dut"
  grep -E "^\[  (PASSED|FAILED|SKIPPED) " "$out/tests.log" | tail -3 | sed 's/^/      /' | tee -a "$summary"
  step all-tests 900 "$out/tests.log" ctest --test-dir "$build" -j "$jobs" --timeout 600 \
    --output-on-failure
  grep -E "tests passed|tests failed" "$out/tests.log" | tail -1 | sed 's/^/      /' | tee -a "$summary"
fi

if want siren; then
  runs="$build/gpu-runs"
  rm -rf "$runs"
  step "siren-$dut" 600 "$out/siren.log" "$bin/anvil-siren" --backend "$dut" \
    --image data/cameraman.png --out "$runs/fp32"
  grep "^anvil-siren: step" "$out/siren.log" | tail -1 | sed 's/^/      /' | tee -a "$summary"
  if [ "$dut" = cuda ]; then
    ANVIL_CUDA_TF32=1 step siren-cuda-tf32 600 "$out/siren.log" "$bin/anvil-siren" --backend cuda \
      --image data/cameraman.png --out "$runs/tf32"
    grep "^anvil-siren: step" "$out/siren.log" | tail -1 | sed 's/^/      /' | tee -a "$summary"
  fi
  [ -f "$runs/fp32/reconstruction.png" ] && cp "$runs/fp32/reconstruction.png" "$out/siren.png"
fi

if want bench; then
  backends=$dut; [ "$dut" = cpu ] || backends="$dut,cpu"
  step "bench-$backends" 600 "$out/bench.log" "$bin/anvil-bench-siren" --backend "$backends" \
    --layers 3 --sizes "$bench_sizes" --warmup 3 --reps 10 --json "$out/bench.json"
  # Per-op timings at SIREN's shapes (GEMM GFLOP/s, elementwise bandwidth, reductions, fused
  # composites vs the core defaults), synchronised per iteration.
  step "bench-ops-$dut" 300 "$out/bench.log" "$bin/anvil-bench-ops" --backend "$dut" \
    --benchmark_min_time=0.2
  precisions=fp32; [ "$dut" = cuda ] && precisions="fp32 tf32"
  for precision in $precisions; do
    flag=(); [ $precision = tf32 ] && flag=(--tf32)
    step "bench-vs-pytorch-$precision" 600 "$out/bench.log" "$python" scripts/bench-pytorch.py \
      --device "$dut" "${flag[@]}" --python "$python" --anvil-bin "$bin/anvil-bench-siren" \
      --layers 3 --sizes "$bench_sizes" --warmup 3 --reps 10 --out "$out/bench-$precision.json"
  done
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
  if [ -x "$sanitizer" ]; then
    # The parameterised op tests on cuda; the 8 GiB test (CudaOnly) is left out, as memcheck's
    # shadow memory would double it.
    step memcheck-kernel-tests 600 "$out/sanitize.log" "$sanitizer" --tool memcheck \
      --error-exitcode 1 "$bin/test_cuda_plugin" '--gtest_filter=*/cuda'
    step memcheck-siren 300 "$out/sanitize.log" "$sanitizer" --tool memcheck --error-exitcode 1 \
      "$bin/anvil-siren" --backend "$dut" --image data/cameraman.png --train-size 64x64 --steps 20 \
      --out "$build/gpu-runs/memcheck"
    step racecheck-kernel-tests 600 "$out/sanitize.log" "$sanitizer" --tool racecheck \
      --error-exitcode 1 "$bin/test_cuda_plugin" \
      '--gtest_filter=*Transpose*/cuda:*Reduction*/cuda:*Argmax*/cuda'
    grep -E "ERROR SUMMARY" "$out/sanitize.log" | sed 's/^/      /' | tee -a "$summary"
  else
    note "SKIP  sanitize: compute-sanitizer is not on the PATH"
  fi
fi

! grep -q "^FAIL" "$summary"
