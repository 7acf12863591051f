#!/bin/sh
# Installs BUILD_DIR into a fresh prefix that already holds STALE (the other cpu plugin
# layout's file, as an older install would) in PLUGIN_DIR (relative to the prefix), and
# checks that the install removed it and put KEEP (this layout's plugin) there.
#   install_removes_other_layout.sh BUILD_DIR PLUGIN_DIR STALE KEEP
set -eu
build=$1 plugin_dir=$2 stale=$3 keep=$4
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
mkdir -p "$prefix/$plugin_dir"
echo "not a plugin: left by an older install" > "$prefix/$plugin_dir/$stale"
cmake --install "$build" --prefix "$prefix" > "$prefix/install.log"
if [ -e "$prefix/$plugin_dir/$stale" ]; then
  echo "FAIL: the install left $plugin_dir/$stale beside this build's cpu plugin" >&2
  exit 1
fi
if [ ! -f "$prefix/$plugin_dir/$keep" ]; then
  echo "FAIL: the install did not put $plugin_dir/$keep in place" >&2
  exit 1
fi
grep "Removing the other cpu plugin layout's" "$prefix/install.log"
echo "ok: $stale removed, $keep installed"
