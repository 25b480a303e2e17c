#!/usr/bin/env bash
# Debian package test (cmake/packaging.cmake): build the .deb files from a build directory,
# check them with lintian (no error), install them with apt-get from this machine's packages
# alone (no download), use them as an administrator and an embedder would (vrrpd -t, pkg-config,
# a C and a C++ program, python3 -c 'import vrrp'), then purge them and check that nothing of
# theirs is left, /etc included. Root only (exit 77 otherwise); refuses to run (77) when any of
# these packages is already installed, so that it never removes a developer's own install.
# Usage: run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "installs packages with apt-get: needs root"
for tool in cpack lintian apt-get dpkg-deb dpkg-shlibdeps cc c++ pkg-config /usr/bin/python3; do
  command -v "$tool" >/dev/null || skip "no $tool (run scripts/install-deps)"
done
[ -f "$build/CPackConfig.cmake" ] || fail "$build/CPackConfig.cmake: not a packaging build"

work=$(mktemp -d /tmp/vrrp-package-test.XXXXXX)
installed=()  # what this test installed, hence purges
# The system user vrrpd's postinst creates and its purge keeps (Debian's practice): removed
# here if this test made it, so that the machine is left as it was.
had_user=no
if getent passwd vrrpd >/dev/null; then had_user=yes; fi
cleanup() {
  if [ ${#installed[@]} -gt 0 ]; then
    echo "-- cleanup: purging ${installed[*]}"
    apt-get purge -y -q -o DPkg::Lock::Timeout=120 "${installed[@]}" >/dev/null 2>&1 ||
      dpkg --purge "${installed[@]}" >/dev/null 2>&1 || true
  fi
  if [ "$had_user" = no ] && getent passwd vrrpd >/dev/null; then
    deluser --system --quiet vrrpd >/dev/null 2>&1 || true
    delgroup --system --quiet vrrpd >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "-- cpack -G DEB"
start=$(date +%s)
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/out/*.deb)
[ -e "${debs[0]}" ] || fail "cpack made no .deb"
declare -A deb_of
for deb in "${debs[@]}"; do deb_of[$(dpkg-deb -f "$deb" Package)]=$deb; done
echo "   $(( $(date +%s) - start )) s: ${!deb_of[*]}"

version=$(sed -n 's/^project(vrrp VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
soversion=$(sed -n 's/^\([0-9]*\)\.\([0-9]*\)\..*/\1.\2/p' <<<"$version")
libpkg=libvrrp$soversion
for p in vrrpd "$libpkg" libvrrp-dev; do
  [ -n "${deb_of[$p]:-}" ] || fail "no $p package among: ${!deb_of[*]}"
  [ "$(dpkg-deb -f "${deb_of[$p]}" Version)" = "$version-1" ] || fail "$p is not version $version-1"
done

# Never touch a developer's own install of these packages.
for p in "${!deb_of[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  if [ -n "$status" ] && [ "$status" != not-installed ]; then
    skip "$p is already on this machine ($status): this test would remove it"
  fi
done

echo "-- package contents"
contents() { dpkg-deb -c "${deb_of[$1]}" | awk '{print $6}' | sed 's|^\./|/|'; }
has() { contents "$1" | grep -qE "$2" || fail "$1 has no file matching $2"; }
hasnt() { ! contents "$1" | grep -qE "$2" || fail "$1 has a file matching $2"; }
has "$libpkg" "/libvrrp\\.so\\.$soversion\$"
hasnt "$libpkg" "/libvrrp\\.so\$|/include/"
has libvrrp-dev "/libvrrp\\.so\$"
has libvrrp-dev "/include/vrrp\\.h\$"
has libvrrp-dev "/libvrrp_core\\.a\$"
has libvrrp-dev "/cmake/vrrp/vrrpConfig\\.cmake\$"
has libvrrp-dev "/pkgconfig/vrrp-c\\.pc\$"
has vrrpd "^/usr/sbin/vrrpd\$"
has vrrpd "^/lib/systemd/system/vrrpd\\.service\$"
has vrrpd "^/usr/share/man/man8/vrrpd\\.8\\.gz\$"
has vrrpd "^/etc/default/vrrpd\$"
# keepalived's configuration belongs to the administrator (or the keepalived package).
hasnt vrrpd "^/etc/keepalived"
dpkg-deb --ctrl-tarfile "${deb_of[vrrpd]}" | tar -xO ./conffiles | grep -qx /etc/default/vrrpd ||
  fail "vrrpd: /etc/default/vrrpd is not a conffile"
dpkg-deb --ctrl-tarfile "${deb_of[$libpkg]}" | tar -xO ./shlibs |
  grep -qx "libvrrp $soversion $libpkg (= $version-1)" || fail "$libpkg: no shlibs line"
# dpkg-shlibdeps turned DT_NEEDED into the machine's library packages.
depends=$(dpkg-deb -f "${deb_of[vrrpd]}" Depends)
for lib in libabsl libfmt libmnl0 libnftables1 libnettle8 libsystemd0 libstdc++6 libc6; do
  grep -q "$lib" <<<"$depends" || fail "vrrpd's Depends lack $lib: $depends"
done
# Stripped: no debug sections left in the ELF files.
dpkg-deb -x "${deb_of[vrrpd]}" "$work/x"
! readelf -S "$work/x/usr/sbin/vrrpd" | grep -q '\.debug_' || fail "vrrpd is not stripped"

echo "-- lintian --fail-on error"
start=$(date +%s)
# Warnings are listed, with why each stays, in README.md ("Debian packages").
lintian --fail-on error --tag-display-limit 0 "${debs[@]}" | tee "$work/lintian.log" ||
  fail "lintian reports errors"
echo "   $(( $(date +%s) - start )) s"

echo "-- apt-get install ./*.deb (from this machine's packages only)"
start=$(date +%s)
apt_install=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=120 "${debs[@]}")
# apt's simulation first: our packages and nothing else, so that nothing is downloaded (the
# dependencies come from scripts/install-deps).
others=$("${apt_install[@]}" -s 2>&1 | awk '/^Inst /{print $2}' | grep -vxF -f <(printf '%s\n' "${!deb_of[@]}") || true)
[ -z "$others" ] || fail "apt-get would also install: $others (run scripts/install-deps first)"
# What /etc and systemd's state hold of that name now: the purge must come back to exactly this.
ours() { find /etc /var/lib/systemd -name '*vrrpd*' 2>/dev/null | sort; }
ours >"$work/before"
# Marked before the install: a failure half-way still purges what got in.
installed=("${!deb_of[@]}")
DEBIAN_FRONTEND=noninteractive "${apt_install[@]}" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get install"; }
echo "   $(( $(date +%s) - start )) s"
for p in "${!deb_of[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" | grep -qx installed || fail "$p is not installed"
  dpkg -L "$p" >"$work/$p.files"
done
grep -qx /usr/sbin/vrrpd "$work/vrrpd.files" || fail "dpkg -L vrrpd lacks /usr/sbin/vrrpd"

echo "-- vrrpd"
/usr/sbin/vrrpd --version | grep -q "vrrpd $version" || fail "vrrpd --version"
/usr/sbin/vrrpd -t -f /usr/share/doc/vrrpd/examples/keepalived.conf ||
  fail "vrrpd -t refuses the packaged example"
# The packaged unit names the packaged binary and reads /etc/default/vrrpd.
grep -q '^ExecStart=/usr/sbin/vrrpd ' /lib/systemd/system/vrrpd.service ||
  fail "the unit does not run /usr/sbin/vrrpd"
grep -q '^EnvironmentFile=-/etc/default/vrrpd$' /lib/systemd/system/vrrpd.service ||
  fail "the unit does not read /etc/default/vrrpd"
# The unit runs vrrpd as the system user the postinst made, with the runtime directory's paths.
grep -qx 'User=vrrpd' /lib/systemd/system/vrrpd.service || fail "the unit does not run as vrrpd"
! grep -q '^ExecStart=.* -p ' /lib/systemd/system/vrrpd.service || fail "the unit still sets -p"
user_line=$(getent passwd vrrpd) || fail "postinst made no user vrrpd"
IFS=: read -r _ _ vrrpd_uid vrrpd_gid _ vrrpd_home vrrpd_shell <<<"$user_line"
[ "$vrrpd_uid" -lt 1000 ] || fail "vrrpd is not a system user: $user_line"
[ "$(getent group vrrpd | cut -d: -f3)" = "$vrrpd_gid" ] || fail "vrrpd's group is not vrrpd"
[ "$vrrpd_home" = /nonexistent ] && [ "$vrrpd_shell" = /usr/sbin/nologin ] ||
  fail "vrrpd has a home or a shell: $user_line"
# The installed unit as systemd reads it (binary and man page in place): no warning at all.
if command -v systemd-analyze >/dev/null; then
  # --man=no: keepalived.conf(5), which Documentation= names, comes with keepalived.
  out=$(systemd-analyze verify --man=no /lib/systemd/system/vrrpd.service 2>&1) && [ -z "$out" ] ||
    fail "systemd-analyze verify vrrpd.service: $out"
fi
# The packaged example is what that user reads.
setpriv --reuid=vrrpd --regid=vrrpd --clear-groups /usr/sbin/vrrpd -t \
  -f /usr/share/doc/vrrpd/examples/keepalived.conf >/dev/null ||
  fail "vrrpd -t as user vrrpd refuses the packaged example"
man -w vrrpd >/dev/null 2>&1 || ! command -v man >/dev/null || fail "man -w vrrpd"
# Enabled as an administrator would (the package does not enable it; without starting it):
# the purge must remove the link too.
if command -v systemctl >/dev/null; then
  systemctl enable vrrpd.service >/dev/null 2>&1 || fail "systemctl enable vrrpd"
  [ -L /etc/systemd/system/multi-user.target.wants/vrrpd.service ] || fail "enable made no link"
fi
# The purge check below sees what is there now (it would pass on a search that finds nothing).
ours | grep -qx /etc/default/vrrpd || fail "no /etc/default/vrrpd after install"

echo "-- libvrrp-dev: pkg-config, a C program and a C++ program"
unset PKG_CONFIG_PATH LD_LIBRARY_PATH
for pc in vrrp vrrp-c vrrp-keepalived; do
  [ "$(pkg-config --modversion "$pc")" = "$version" ] || fail "pkg-config --modversion $pc"
done
ldconfig -p | grep -q "libvrrp\\.so\\.$soversion " || fail "libvrrp.so.$soversion not in ld.so.cache"
cat >"$work/version.c" <<'EOF'
#include <stdio.h>
#include <vrrp.h>
int main(void) {
  printf("%s\n", vrrp_version());
  return 0;
}
EOF
# shellcheck disable=SC2046
cc -std=c99 -Wall -Werror -o "$work/version" "$work/version.c" $(pkg-config --cflags --libs vrrp-c)
[ "$("$work/version")" = "$version" ] || fail "vrrp_version() printed '$("$work/version")'"
# The C++ static archives with their pkg-config dependencies (Abseil, fmt).
# shellcheck disable=SC2046
c++ -o "$work/consumer" "$src/tests/install/consumer/main.cc" $(pkg-config --cflags --libs vrrp)
[ "$("$work/consumer")" = "vrid 50 priority 150" ] || fail "the C++ consumer"

if [ -n "${deb_of[python3-vrrp]:-}" ]; then
  echo "-- python3-vrrp"
  # Debian's python3 (PATH may hold another); -I: not PYTHONPATH or the current directory.
  out=$(cd "$work" && /usr/bin/python3 -I -c \
    'import vrrp, vrrp._lib as l; print(vrrp.__file__, l.lib._name, l.C.version().decode())')
  # The packaged module, loading the packaged library by the path _paths.py names.
  case "$out" in
    "/usr/lib/python3/dist-packages/vrrp/__init__.py /usr/lib/"*"/libvrrp.so.$soversion $version") ;;
    "/usr/lib/python3/dist-packages/vrrp/__init__.py /usr/lib/libvrrp.so.$soversion $version") ;;
    *) fail "import vrrp: '$out'" ;;
  esac
fi

echo "-- apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=120 \
  "${!deb_of[@]}" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get purge"; }
installed=()
for p in "${!deb_of[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ -z "$status" ] || [ "$status" = not-installed ] || fail "$p is still '$status' after purge"
  # Every file dpkg listed is gone (directories may be shared with other packages).
  while read -r f; do
    [ -d "$f" ] && continue  # /lib is a link to /usr/lib on a merged-/usr system
    if [ -e "$f" ] || [ -L "$f" ]; then fail "$f ($p) is left after purge"; fi
  done <"$work/$p.files"
done
leftovers=$(ours | comm -13 "$work/before" - || true)
[ -z "$leftovers" ] || fail "left after purge: $leftovers"
# Kept on purge, as Debian does with system users (packaging/debian/vrrpd/postrm).
getent passwd vrrpd >/dev/null || fail "the purge removed the system user vrrpd"
echo "PASS: packages ${!deb_of[*]} built, lintian-clean, installed, used and purged"
