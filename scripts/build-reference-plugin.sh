#!/usr/bin/env bash
# Builds plugins/reference out of tree, as a third party would: installs the anvil SDK from
# BUILD_DIR into OUT_DIR/sdk, then configures plugins/reference against that SDK alone
# (find_package(anvil)) and builds OUT_DIR/external-plugins/lib/anvil/libanvil-reference.so.
#   scripts/build-reference-plugin.sh BUILD_DIR [OUT_DIR]      (OUT_DIR defaults to BUILD_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: scripts/build-reference-plugin.sh BUILD_DIR [OUT_DIR]" >&2
  exit 2
fi
build_dir=$1
out_dir=${2:-$1}
if [ ! -f "$build_dir/CMakeCache.txt" ] || [ ! -f "$build_dir/cmake_install.cmake" ]; then
  echo "build-reference-plugin: $build_dir is not a configured anvil build directory" \
       "(run scripts/build.sh $build_dir first)" >&2
  exit 2
fi
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)  # CMAKE_PREFIX_PATH must be absolute
sdk="$out_dir/sdk"
plugin_build="$out_dir/external-plugins"

# A fresh SDK each time, so a header removed from anvil cannot linger in the install.
rm -rf "$sdk"
echo "build-reference-plugin: installing the SDK from $build_dir into $sdk"
cmake --install "$build_dir" --prefix "$sdk" >/dev/null

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# --fresh: never reuse a cache that may point at another SDK.
cmake --fresh -S "$root/plugins/reference" -B "$plugin_build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$sdk" >/dev/null
cmake --build "$plugin_build" --parallel "$(nproc)"
plugin="$plugin_build/lib/anvil/libanvil-reference.so"
if [ ! -f "$plugin" ]; then
  echo "build-reference-plugin: the build finished but $plugin is missing" >&2
  exit 1
fi
echo "build-reference-plugin: built $plugin"
