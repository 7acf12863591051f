#!/bin/sh
# Fails when any of the given object files has a static initialiser (.init_array or .ctors
# section): code that dlopen would run before the registrar has checked the CPU.
#   check_no_static_init.sh OBJECT...
status=0
for obj in "$@"; do
  if readelf -SW "$obj" | grep -Eq '\.(init_array|ctors)'; then
    echo "static initialiser in $obj:"
    readelf -SW "$obj" | grep -E '\.(init_array|ctors)'
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "checked $# objects: no static initialisers"
exit $status
