#!/usr/bin/env bash
# scripts/install-deps: the install branch, run for real for both kinds of user, on a machine that
# already has every package (CI's), so that a broken install line cannot hide behind the
# "already installed" early exit again (issue 9: as root, `$sudo -E apt-get` ran `-E`).
#  - print: the exact command lines for root (no sudo) and for another user (sudo -E);
#  - root: --simulate runs `apt-get -s install` of the whole list, as root, with no sudo;
#  - non-root (as nobody, with a recording sudo first on PATH): --simulate goes through
#    `sudo -E apt-get ...`, and that command really runs;
#  - --check names what is missing and exits 1; non-root without sudo is refused with a message.
# Usage: install_deps_test.sh SOURCE_DIR
set -euo pipefail
src=$1
script=$src/scripts/install-deps
fail() { echo "FAIL: $*"; exit 1; }

expect_lines() {  # name, actual, expected
  [ "$2" = "$3" ] || fail "$1: got
$2
expected
$3"
}

uid=$(id -u)
prefix=""
[ "$uid" -ne 0 ] && prefix="sudo -E "
out=$("$script" --print-commands pkg-a pkg-b)
expect_lines "print-commands as uid $uid" "$out" "${prefix}apt-get update -q
${prefix}apt-get install -y -q --no-install-recommends pkg-a pkg-b"
echo "ok: --print-commands as uid $uid"

if [ "$uid" -ne 0 ]; then
  echo "SKIP: the root and sudo branches need root (CI runs as root)"
  exit 0
fi

work=$(mktemp -d /tmp/vrrp-install-deps-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups env PATH="$work/bin:$PATH" "$@"; }

# The root form: nothing before apt-get.
out=$("$script" --simulate 2>&1) || fail "--simulate as root exited $?: $out"
grep -q "simulated the install" <<<"$out" || fail "--simulate as root: $out"
grep -q "command not found" <<<"$out" && fail "--simulate as root ran a stray word: $out"
echo "ok: --simulate as root ran apt-get -s install of the whole list"

# The sudo form, as a user that is not root: a sudo that records its arguments, then runs the
# command (apt-get -s needs no root).
mkdir -p "$work/bin"
cat >"$work/bin/sudo" <<STUB
#!/bin/sh
echo "\$*" >>"$work/sudo.log"
[ "\$1" = "-E" ] || { echo "sudo stub: expected -E first, got \$1" >&2; exit 1; }
shift
exec "\$@"
STUB
chmod 755 "$work/bin/sudo"
touch "$work/sudo.log"
chmod 666 "$work/sudo.log"
out=$(as_nobody "$script" --print-commands pkg-a)
expect_lines "print-commands as nobody" "$out" "sudo -E apt-get update -q
sudo -E apt-get install -y -q --no-install-recommends pkg-a"
out=$(as_nobody "$script" --simulate 2>&1) || fail "--simulate as nobody exited $?: $out"
grep -q "simulated the install" <<<"$out" || fail "--simulate as nobody: $out"
grep -q "^-E apt-get install -y -q --no-install-recommends -s g++ " "$work/sudo.log" ||
  fail "--simulate as nobody did not go through sudo -E: $(cat "$work/sudo.log")"
echo "ok: --simulate as nobody went through sudo -E apt-get and ran it"

# Not root and no sudo: a clear refusal, not a failure inside apt-get.
rm "$work/bin/sudo"
if out=$(setpriv --reuid 65534 --regid 65534 --clear-groups env PATH="$work/bin:/usr/bin:/bin" \
  "$script" --simulate 2>&1); then
  command -v sudo >/dev/null || fail "no sudo, not root: accepted: $out"
else
  grep -q "not root and no sudo" <<<"$out" || fail "no sudo, not root: $out"
  echo "ok: not root without sudo is refused with a message"
fi

# --check: nothing missing here (install-deps ran first); an unknown package is reported.
"$script" --check || fail "--check reports missing packages on a set-up machine"
out=$("$script" --check no-such-package-vrrp) && fail "--check accepted a missing package"
grep -q "missing Debian packages: no-such-package-vrrp" <<<"$out" || fail "--check said: $out"
grep -q "run scripts/install-deps first" <<<"$out" || fail "--check said: $out"
echo "ok: --check passes on a set-up machine and names a missing package"
