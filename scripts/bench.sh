#!/usr/bin/env bash
# Benchmarks (docs/performance.md): builds the benchmark targets (Release), runs the per-op
# benchmarks on every available backend, then the SIREN training step in anvil and PyTorch
# side by side. First the CPU's peak per ISA and the GEMM shapes beside other libraries
# (anvil-bench-peak, anvil-bench-gemm). PyTorch is installed from PyPI into BUILD_DIR/bench-venv
# on first use.
# Results (JSON) and lscpu land in BUILD_DIR/bench-results/.
#   scripts/bench.sh [BUILD_DIR]     environment: THREADS (default nproc), SIZES (128,256),
#                                    REPS (7 timed steps), OPS_FILTER (Google Benchmark regex),
#                                    LAYERS ("4 3": sine layers of width 256; 4 is issue 5's
#                                    1.18 MFLOP/pixel network, 3 is anvil-siren's default)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
threads=${THREADS:-$(nproc)}
results="$build_dir/bench-results"

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DANVIL_BUILD_BENCH=ON
cmake --build "$build_dir" --parallel "$(nproc)" --target anvil-bench-ops anvil-bench-siren anvil-bench-peak
if cmake --build "$build_dir" --target anvil-bench-gemm >/dev/null 2>&1; then gemm_bench=1; else gemm_bench=0; fi
mkdir -p "$results"
lscpu > "$results/lscpu.txt"

echo "== peak FP32 rate per ISA (FMA chains) =="
"$build_dir/bin/anvil-bench-peak" | tee "$results/peak.txt"
if [ "$gemm_bench" = 1 ]; then  # x86-64 only
  echo "== SIREN GEMM shapes: anvil beside Eigen, oneDNN, BLIS ($threads threads) =="
  OMP_NUM_THREADS=$threads "$build_dir/bin/anvil-bench-gemm" | tee "$results/gemm.txt"
fi

echo "== per-op benchmarks ($threads threads) =="
OMP_NUM_THREADS=$threads "$build_dir/bin/anvil-bench-ops" \
  --benchmark_filter="${OPS_FILTER:-.}" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_out="$results/ops.json" \
  --benchmark_out_format=json

for layers in ${LAYERS:-4 3}; do
  echo "== SIREN training step, $layers sine layers: anvil vs PyTorch ($threads threads) =="
  python3 scripts/bench-pytorch.py --anvil-bin "$build_dir/bin/anvil-bench-siren" \
    --threads "$threads" --sizes "${SIZES:-128,256}" --reps "${REPS:-7}" --layers "$layers" \
    --venv "$build_dir/bench-venv" --out "$results/siren-layers$layers.json"
done
