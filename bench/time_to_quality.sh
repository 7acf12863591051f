#!/usr/bin/env bash
# Time to quality at 512x512 (issue 14 item 4; docs/performance.md "Time to quality at
# 512x512"): trains anvil-siren at --train-size full (or SIZE) on the bundled 512x512 images
# (cameraman, grey; astronaut, RGB) with the defaults plus EXTRA, and prints one table row per
# run: whole command wall time (image loading, snapshots and every output included), training
# time, ms/step, the full-image PSNR at the end (summary.json), and the first step whose batch
# PSNR (metrics.csv, an estimate from the step's random pixels) reached TARGET dB, with its time.
#   bench/time_to_quality.sh [BUILD_DIR] [OUT_DIR]
#   environment: THREADS (default 2: the target's two cores), STEPS (default: anvil-siren's),
#                SIZE (--train-size, default full; 1024x1024 upsamples the bundled images),
#                RUNS (repetitions per image, default 1), TARGET (dB, default 35),
#                IMAGES (default "data/cameraman.png data/astronaut.jpg"),
#                EXTRA (more anvil-siren flags, e.g. "--lr 3e-3"), BUDGET (s, default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
out_dir=${2:-$build_dir/time-to-quality}
threads=${THREADS:-2}
target=${TARGET:-35}
bin="$build_dir/bin/anvil-siren"
[[ -x "$bin" ]] || { echo "no $bin: build anvil-siren first (scripts/build.sh)" >&2; exit 1; }
mkdir -p "$out_dir"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs;" \
     "OMP_NUM_THREADS=$threads; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "flags: --train-size ${SIZE:-full} ${STEPS:+--steps $STEPS }${EXTRA:-}"
echo
echo "| image | run | load before | wall s (command) | training s | ms/step | final PSNR dB | first batch PSNR >= $target dB | batch PSNR at ${BUDGET:-60} s (mean of 10 steps) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for image in ${IMAGES:-data/cameraman.png data/astronaut.jpg}; do
  for run in $(seq 1 "${RUNS:-1}"); do
    name=$(basename "${image%.*}")-$run
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    # shellcheck disable=SC2086  # EXTRA is a list of flags
    OMP_NUM_THREADS=$threads "$bin" --backend cpu --image "$image" --train-size "${SIZE:-full}" \
      --out "$out_dir/$name" --quiet ${STEPS:+--steps "$STEPS"} ${EXTRA:-}
    end=$(date +%s.%N)
    python3 - "$out_dir/$name" "$image" "$run" "$load" "$start" "$end" "$target" "${BUDGET:-60}" <<'PY'
import csv, json, sys
out, image, run, load, start, end, target, budget = sys.argv[1:]
s = json.load(open(f"{out}/summary.json"))
first = "not reached"
rows = list(csv.DictReader(open(f"{out}/metrics.csv")))
for row in rows:
    if float(row["psnr_db"]) >= float(target):
        first = f"step {row['step']}, {float(row['elapsed_s']):.1f} s"
        break
# The training clock (elapsed_s) at the budget: the last 10 steps before it.
before = [r for r in rows if float(r["elapsed_s"]) <= float(budget)][-10:]
at_budget = (f"{sum(float(r['psnr_db']) for r in before) / len(before):.2f} (step {before[-1]['step']})"
             if before else "-")
print(f"| {image} | {run} | {load} | {float(end) - float(start):.1f} | {s['wall_time_s']:.1f} | "
      f"{s['ms_per_step']:.1f} | {s['final_psnr_db']:.2f} | {first} | {at_budget} |")
PY
  done
done
