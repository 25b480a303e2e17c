#!/usr/bin/env bash
# c_abi_exports: libvrrp.so exports vrrp.h's functions and nothing else (vrrp.map: the C++
# library, Abseil and fmt inside it stay private), under the VRRP_0.1 version node, and carries
# its ABI in its SONAME.
# Usage: exports.sh LIBRARY EXPECTED_SONAME
set -euo pipefail
lib=$1 expected_soname=$2

symbols=$(nm -D --defined-only "$lib" | awk '{n = $3; sub(/@.*/, "", n); print n}')
[ -n "$symbols" ] || { echo "FAIL: $lib exports nothing"; exit 1; }
stray=$(grep -v -e '^vrrp_' -e '^VRRP_0\.1$' <<<"$symbols" || true)
if [ -n "$stray" ]; then
  echo "FAIL: $lib exports symbols outside vrrp_*:"
  echo "$stray" | head -20
  exit 1
fi
grep -qx 'VRRP_0.1' <<<"$symbols" || { echo "FAIL: no VRRP_0.1 version node"; exit 1; }
# Every exported function is versioned (nm -D prints vrrp_new@@VRRP_0.1).
unversioned=$(nm -D --defined-only --with-symbol-versions "$lib" 2>/dev/null |
  awk '$3 ~ /^vrrp_/ && $3 !~ /@@?VRRP_0\.1$/ {print $3}' || true)
if [ -n "$unversioned" ]; then
  echo "FAIL: exported without the VRRP_0.1 version: $unversioned"
  exit 1
fi
soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
[ "$soname" = "$expected_soname" ] ||
  { echo "FAIL: SONAME is '$soname', not $expected_soname"; exit 1; }
count=$(grep -c '^vrrp_' <<<"$symbols")
echo "c_abi_exports: $count vrrp_* symbols, nothing else; version node VRRP_0.1; SONAME $soname"
