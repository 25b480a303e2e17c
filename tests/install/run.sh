#!/usr/bin/env bash
# Install test: the three ways an embedder takes the library — an installed CMake package, the
# pkg-config file, and add_subdirectory — each builds and runs a small decoder program; and the
# C ABI (libvrrp.so, vrrp.h, pkg-config vrrp-c), which a C program builds against with `cc`.
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

echo "-- pkg-config per library"
for pc in vrrp-core vrrp-config vrrp-linux vrrp-keepalived; do
  pkg-config --exists --print-errors "$pc" || { echo "FAIL: pkg-config $pc"; exit 1; }
  [ "$(pkg-config --modversion "$pc")" = "$(pkg-config --modversion vrrp)" ] ||
    { echo "FAIL: $pc has another version than vrrp"; exit 1; }
done
# vrrp-keepalived brings the layers below it.
libs=$(pkg-config --libs vrrp-keepalived)
for lib in -lvrrp_keepalived -lvrrp_config -lvrrp_linux -lvrrp_core; do
  grep -q -- "$lib" <<<"$libs" || { echo "FAIL: vrrp-keepalived's libs lack $lib: $libs"; exit 1; }
done
# shellcheck disable=SC2046
"$cxx" -o "$work/pc-core-consumer" "$src/tests/install/consumer/main.cc" \
  $(pkg-config --cflags --libs vrrp-core)
[ "$("$work/pc-core-consumer")" = "vrid 50 priority 150" ] ||
  { echo "FAIL: vrrp-core consumer"; exit 1; }

echo "-- pkg-config vrrp-c (the C ABI, libvrrp.so)"
test -f "$prefix/include/vrrp.h" || { echo "FAIL: no vrrp.h installed"; exit 1; }
pkg-config --exists --print-errors vrrp-c || { echo "FAIL: pkg-config vrrp-c"; exit 1; }
# The C++ layers are inside libvrrp.so: a C program needs nothing else.
[ -z "$(pkg-config --print-requires vrrp-c)" ] || { echo "FAIL: vrrp-c has Requires"; exit 1; }
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$work/c-consumer" \
  "$src/tests/install/c-consumer/main.c" $(pkg-config --cflags --libs vrrp-c)
out=$(LD_LIBRARY_PATH="$prefix/lib" "$work/c-consumer")
[ "$out" = "vrid 50 MASTER after 3600 ms" ] || { echo "FAIL: C consumer printed '$out'"; exit 1; }
c_version=$(sed -n 's/^project(vrrp VERSION \([0-9]*\)\.\([0-9]*\).*/\1.\2/p' "$src/CMakeLists.txt")
c_soname=$(objdump -p "$prefix/lib/libvrrp.so" | awk '/SONAME/ {print $2}')
[ "$c_soname" = "libvrrp.so.$c_version" ] ||
  { echo "FAIL: libvrrp's SONAME is '$c_soname', not libvrrp.so.$c_version"; exit 1; }
objdump -p "$work/c-consumer" | grep -q "NEEDED *libvrrp.so.$c_version" ||
  { echo "FAIL: the C consumer does not need libvrrp.so.$c_version"; exit 1; }

echo "-- add_subdirectory(vrrp)"
cmake -S "$src/tests/install/embed" -B "$work/embed" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DVRRP_SOURCE_DIR="$src" -DCMAKE_BUILD_TYPE=Debug -DBUILD_SHARED_LIBS=ON >/dev/null
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
# Built shared, the library carries its ABI in its name (SOVERSION).
version=$(sed -n 's/^project(vrrp VERSION \([0-9]*\)\.\([0-9]*\).*/\1.\2/p' "$src/CMakeLists.txt")
soname=$(objdump -p "$work/embed/vrrp/lib/core/libvrrp_core.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libvrrp_core.so.$version" ] ||
  { echo "FAIL: libvrrp_core's SONAME is '$soname', not libvrrp_core.so.$version"; exit 1; }
echo "install test: all three ways build and decode; one pkg-config file per library; SONAME $soname; C consumer on $c_soname"
