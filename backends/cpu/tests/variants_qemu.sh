#!/bin/sh
# The cpu backend's ISA variants on an emulated CPU (qemu-user): anvil-info must choose
# x86-64-v<expected> and give the reason each higher variant was not used; then a few
# conformance tests and a short training run on that variant must pass.
#   variants_qemu.sh CPU_MODEL EXPECTED_LEVEL ANVIL_INFO ANVIL_CONFORMANCE ANVIL_SIREN IMAGE
# Exit 77 (skipped) when qemu-x86_64 is not installed (Debian: qemu-user).
set -eu
model=$1 expect=$2 info=$3 conformance=$4 siren=$5 image=$6
if ! command -v qemu-x86_64 >/dev/null 2>&1; then
  echo "SKIP: qemu-x86_64 not found (install qemu-user)"
  exit 77
fi
run() { qemu-x86_64 -cpu "$model" "$@"; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run "$info" > "$out/info.txt" 2>&1 || { cat "$out/info.txt"; exit 1; }
cat "$out/info.txt"
grep -q "cpu variant x86-64-v$expect chosen" "$out/info.txt" ||
  { echo "FAIL: $model did not choose x86-64-v$expect"; exit 1; }
level=$((expect + 1))
while [ "$level" -le 4 ]; do
  grep -q "cpu variant x86-64-v$level: unsupported ISA: needs " "$out/info.txt" ||
    { echo "FAIL: no reason given for skipping x86-64-v$level on $model"; exit 1; }
  level=$((level + 1))
done

OMP_NUM_THREADS=2 run "$conformance" --backend cpu \
  --gtest_filter='*Gemm*/cpu:*Sin*/cpu:*Linear*/cpu:*Adam*/cpu' > "$out/conformance.txt" 2>&1 ||
  { tail -40 "$out/conformance.txt"; echo "FAIL: conformance on $model"; exit 1; }
tail -3 "$out/conformance.txt"

OMP_NUM_THREADS=2 run "$siren" --backend cpu --image "$image" --train-size 16x16 --hidden 32 --steps 10 \
  --out "$out/run" --quiet > "$out/siren.txt" 2>&1 ||
  { cat "$out/siren.txt"; echo "FAIL: training on $model"; exit 1; }
echo "training on $model: ok"
