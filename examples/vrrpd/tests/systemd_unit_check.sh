#!/usr/bin/env bash
# Checks vrrpd's systemd unit as configured by the build: `systemd-analyze verify` says nothing
# about it (an unknown key or a bad value is only a warning there, with exit 0, so any output
# fails), it runs vrrpd as the user vrrpd with the runtime directory's default paths, and its
# `systemd-analyze security --offline=true` exposure stays at or below CEILING (tenths: 24 is
# 2.4). The score is a function of the unit file alone, not of the machine or of time; the
# measured figures are in examples/vrrpd/README.md ("Running under systemd").
# Usage: systemd_unit_check.sh UNIT VRRPD CEILING
set -euo pipefail
unit=$1 vrrpd=$(realpath "$2") ceiling=$3

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v systemd-analyze >/dev/null || skip "no systemd-analyze (Debian's systemd package)"
[ -f "$unit" ] || fail "$unit: no such unit"
[ -x "$vrrpd" ] || fail "$vrrpd: not executable"

work=$(mktemp -d /tmp/vrrpd-unit-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The unit names the installed binary; verify wants ExecStart's program to exist, so this copy
# names the one just built.
sed "s|^ExecStart=[^ ]*/vrrpd |ExecStart=$vrrpd |" "$unit" >"$work/vrrpd.service"
grep -q "^ExecStart=$vrrpd --dont-fork " "$work/vrrpd.service" ||
  fail "no 'ExecStart=.../vrrpd --dont-fork' line in $unit"

echo "-- systemd-analyze verify"
# --man=no: the man pages of Documentation= are not installed in a build tree.
out=$(systemd-analyze verify --man=no "$work/vrrpd.service" 2>&1) || fail "verify: $out"
[ -z "$out" ] || fail "verify warns: $out"

echo "-- what the unit must say"
want() { grep -qxE "$1" "$work/vrrpd.service" || fail "no line matching '$1'"; }
want 'User=vrrpd'
want 'Group=vrrpd'
want 'RuntimeDirectory=vrrpd'
want 'NoNewPrivileges=yes'
want 'AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN( CAP_SYS_NICE)?( CAP_IPC_LOCK)?( CAP_BPF)?'
want 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN( CAP_SYS_NICE)?( CAP_IPC_LOCK)?( CAP_BPF)?'
want 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET'
want 'SystemCallFilter=@system-service'
# The defaults follow $RUNTIME_DIRECTORY: a path flag would point where vrrpd cannot write.
! grep -qE '^ExecStart=.* (-p|--pid|--status-file|--control-socket)( |=|$)' "$work/vrrpd.service" ||
  fail "ExecStart names a path that \$RUNTIME_DIRECTORY should give"

echo "-- systemd-analyze security --offline=true (ceiling $ceiling)"
systemd-analyze security --offline=true "$work/vrrpd.service" 2>&1 | tail -1
systemd-analyze security --offline=true --threshold="$ceiling" "$work/vrrpd.service" \
  >/dev/null 2>&1 || fail "the exposure is above the ceiling $ceiling (tenths)"
echo "PASS: $unit verifies and its exposure is at most $ceiling/10"
