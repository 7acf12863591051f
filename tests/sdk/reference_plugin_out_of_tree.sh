#!/usr/bin/env bash
# ctest sdk.reference_plugin_builds_out_of_tree: runs scripts/build-reference-plugin.sh into a
# scratch directory (never the build's own external-plugins/, which other tests read while
# this one runs), then checks that the freshly built plugin loads and registers `reference`.
#   reference_plugin_out_of_tree.sh SOURCE_DIR BUILD_DIR SCRATCH_DIR CHECK_PROGRAM
set -euo pipefail
source_dir=$1 build_dir=$2 scratch=$3 check=$4
rm -rf "$scratch"  # a stale plugin from an earlier run must not pass for a fresh one
"$source_dir/scripts/build-reference-plugin.sh" "$build_dir" "$scratch"
# ANVIL_PLUGIN_PATH is cleared so that only the scratch plugin can register `reference`.
env -u ANVIL_PLUGIN_PATH "$check" "$scratch/external-plugins/lib/anvil"
