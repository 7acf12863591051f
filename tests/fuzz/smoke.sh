#!/usr/bin/env bash
# ctest fuzz.<name>.smoke: runs a libFuzzer binary for SECONDS over its committed seed corpus.
# New inputs go to a scratch corpus (listed first, so libFuzzer writes there and never into
# the source tree), crash inputs to the scratch directory; both are started afresh each run.
#   smoke.sh FUZZER SEED_CORPUS SCRATCH_DIR SECONDS [libFuzzer options...]
set -euo pipefail
fuzzer=$1 seeds=$2 scratch=$3 seconds=$4
shift 4
rm -rf "$scratch"
mkdir -p "$scratch/corpus"
# -timeout: one input taking 10 s is a hang; -rss_limit_mb: one using 2 GB is a finding too.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$scratch/" "$@" "$scratch/corpus" "$seeds"
