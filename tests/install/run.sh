#!/usr/bin/env bash
# Install test: the three ways an embedder takes the library — an installed CMake package, the
# pkg-config file, and add_subdirectory — each builds and runs a small decoder program.
# Usage: run.sh SOURCE_DIR BUILD_DIR CXX_COMPILER
set -euo pipefail
src=$1 build=$2 cxx=$3
work=$(mktemp -d /tmp/vrrp-install-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/lib/pkgconfig/vrrp.pc" || { echo "FAIL: no vrrp.pc installed"; exit 1; }
test -f "$prefix/lib/cmake/vrrp/vrrpConfig.cmake" || { echo "FAIL: no vrrpConfig.cmake"; exit 1; }

echo "-- find_package(vrrp)"
cmake -S "$src/tests/install/consumer" -B "$work/pkg" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/pkg" >/dev/null
out=$("$work/pkg/consumer")
[ "$out" = "vrid 50 priority 150" ] || { echo "FAIL: find_package consumer printed '$out'"; exit 1; }

echo "-- pkg-config vrrp"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
"$cxx" -o "$work/pc-consumer" "$src/tests/install/consumer/main.cc" \
  $(pkg-config --cflags --libs vrrp)
out=$("$work/pc-consumer")
[ "$out" = "vrid 50 priority 150" ] || { echo "FAIL: pkg-config consumer printed '$out'"; exit 1; }

echo "-- add_subdirectory(vrrp)"
cmake -S "$src/tests/install/embed" -B "$work/embed" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DVRRP_SOURCE_DIR="$src" -DCMAKE_BUILD_TYPE=Debug >/dev/null
targets=$(cmake --build "$work/embed" --target help)
for unwanted in codec_test vrrp-dump codec_bench; do
  if grep -q "$unwanted" <<<"$targets"; then
    echo "FAIL: add_subdirectory built $unwanted; only the libraries belong to an embedder"
    exit 1
  fi
done
cmake --build "$work/embed" --target consumer >/dev/null
out=$("$work/embed/consumer")
[ "$out" = "vrid 50 priority 150" ] || { echo "FAIL: embedded consumer printed '$out'"; exit 1; }
echo "install test: all three ways build and decode"
