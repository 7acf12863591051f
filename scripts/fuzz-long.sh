#!/usr/bin/env bash
# The long fuzz run (docs/reliability.md): each libFuzzer harness for RUNS executions under
# ASan + UBSan, from its committed seeds, with the options of its ctest smoke run; then one
# line per harness with the executions, seconds, rate and final corpus size. A crash stops that
# harness with the input saved as BUILD_DIR/fuzz-long/<name>/crash-*: commit it under
# tests/fuzz/regressions/<name>/ with the fix.
#   scripts/fuzz-long.sh RUNS [BUILD_DIR] [NAME...]   (build: scripts/test-sanitizers.sh;
#                                                      default build-sanitize, every harness)
# The machine may be shared: run it as `nice -n 19 scripts/fuzz-long.sh 10000000`.
# FUZZ_LONG_SECONDS=S also stops each harness after S seconds, whichever comes first; the
# summary then shows how many executions that was.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz-long.sh RUNS [BUILD_DIR] [NAME...]" >&2
  exit 2
fi
runs=$1
build_dir=${2:-build-sanitize}
shift $(( $# >= 2 ? 2 : 1 ))
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for options in "$build_dir"/tests/fuzz/*.options; do
    [ -e "$options" ] && names+=("$(basename "$options" .options)")
  done
fi
if [ ${#names[@]} -eq 0 ]; then
  echo "fuzz-long: no fuzzers in $build_dir (build it with scripts/test-sanitizers.sh)" >&2
  exit 2
fi

export OMP_NUM_THREADS=1
# As in scripts/test-sanitizers.sh (which explains intercept_tls_get_addr=0).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:intercept_tls_get_addr=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
summary=()
for name in "${names[@]}"; do
  fuzzer="$build_dir/bin/fuzz_$name"
  work="$build_dir/fuzz-long/$name"
  rm -rf "$work"
  mkdir -p "$work/corpus"
  read -r -a options < "$build_dir/tests/fuzz/$name.options"
  echo "fuzz-long: $name, $runs runs, log in $work/log"
  start=$(date +%s)
  rc=0
  "$fuzzer" -runs="$runs" -max_total_time="${FUZZ_LONG_SECONDS:-0}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "${options[@]}" "$work/corpus" "tests/fuzz/corpus/$name" \
    > "$work/log" 2>&1 || rc=$?
  seconds=$(( $(date +%s) - start ))
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  units=$(ls "$work/corpus" | wc -l)
  rate=$(( ${executed:-0} / (seconds > 0 ? seconds : 1) ))
  line="$name: ${executed:-?} executions in $seconds s ($rate/s), corpus $units new inputs, exit $rc"
  [ "${executed:-0}" -ge "$runs" ] || line+=" (stopped by FUZZ_LONG_SECONDS before $runs)"
  # 72: libFuzzer's status after SIGINT (a run stopped by hand), not a finding.
  if [ "$rc" -eq 72 ]; then
    line+=" (interrupted)"
  elif [ "$rc" -ne 0 ]; then
    line+=" (FINDING: see $work/log)"
    status=1
  fi
  echo "fuzz-long: $line"
  summary+=("$line")
done
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' '))"
echo "fuzz-long: $(date -u '+%Y-%m-%d %H:%M UTC'), $cpu, $(getconf _NPROCESSORS_ONLN) CPUs"
printf 'fuzz-long: %s\n' "${summary[@]}"
exit $status
