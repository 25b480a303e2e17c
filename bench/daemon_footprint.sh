#!/usr/bin/env bash
# Memory and CPU of a VRRP daemon running N instances as Master, vrrpd against keepalived:
# resident set size (all of the daemon's processes) and CPU time over a measured window.
#
#   sudo bench/daemon_footprint.sh [--vrrpd PATH] [--instances "1 100"] [--seconds 30]
#
# Each run: a namespace with eth0 (a veth whose peer is in a second namespace, so nothing
# answers), a generated keepalived.conf with N VRRPv3 instances (advert_int 1, one
# documentation-address VIP each), the daemon in the foreground; after a 6 s warm-up (all
# Masters) RSS is read from /proc and CPU time is measured over --seconds.
set -euo pipefail

VRRPD=${VRRPD:-build/examples/vrrpd/vrrpd}
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
COUNTS="1 100"
SECONDS_TO_MEASURE=30
while [[ $# -gt 0 ]]; do
  case $1 in
    --vrrpd) VRRPD=$2; shift 2 ;;
    --instances) COUNTS=$2; shift 2 ;;
    --seconds) SECONDS_TO_MEASURE=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
[[ -x $VRRPD ]] || { echo "no vrrpd at $VRRPD (--vrrpd PATH)" >&2; exit 1; }

NS=vrrp-footprint-$$
TMP=$(mktemp -d /tmp/vrrp-footprint-XXXXXX)
cleanup() {
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  ip netns del "$NS-peer" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS"
ip netns add "$NS-peer"
ip -n "$NS" link add eth0 type veth peer name eth1 netns "$NS-peer"
ip -n "$NS" link set lo up
ip -n "$NS" link set eth0 up
ip -n "$NS-peer" link set eth1 up
ip -n "$NS" addr add 192.0.2.5/24 dev eth0

config() {  # N instances, VRIDs 1..N, VIPs in 198.51.100.0/24 then 192.0.2.0/24
  local n=$1
  printf 'global_defs {\n  vrrp_version 3\n}\n'
  for ((i = 1; i <= n; i++)); do
    local vip
    if ((i <= 200)); then vip="198.51.100.$((i + 10))"; else vip="192.0.2.$((i - 190))"; fi
    printf 'vrrp_instance VI_%d {\n  interface eth0\n  virtual_router_id %d\n  priority 150\n' "$i" "$i"
    printf '  advert_int 1\n  virtual_ipaddress {\n    %s/24\n  }\n}\n' "$vip"
  done
}

# Sum of RSS (kB) and of utime+stime (clock ticks) over the given pids.
rss_kb() { local t=0; for p in "$@"; do t=$((t + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status"))); done; echo $t; }
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }

measure() {  # daemon count
  local daemon=$1 n=$2
  config "$n" >"$TMP/k.conf"
  if [[ $daemon == vrrpd ]]; then
    ip netns exec "$NS" "$VRRPD" -n -l -f "$TMP/k.conf" -p "$TMP/vrrpd.pid" \
      --status-file "$TMP/s.json" --control-socket "$TMP/ctl" 2>"$TMP/log" &
  else
    ip netns exec "$NS" env TMPDIR="$TMP" "$KEEPALIVED" -n -l --vrrp -f "$TMP/k.conf" \
      -p "$TMP/k.pid" -r "$TMP/v.pid" >"$TMP/log" 2>&1 &
  fi
  local top=$!
  sleep 6
  local pids
  pids=$(ip netns pids "$NS" | tr '\n' ' ')
  local masters
  masters=$(ip -n "$NS" -o addr show dev eth0 | grep -c 'scope global' || true)
  masters=$((masters - 1))  # the interface's own address
  local rss c0 c1
  # shellcheck disable=SC2086
  rss=$(rss_kb $pids)
  # shellcheck disable=SC2086
  c0=$(cpu_ticks $pids)
  sleep "$SECONDS_TO_MEASURE"
  # shellcheck disable=SC2086
  c1=$(cpu_ticks $pids)
  local hz
  hz=$(getconf CLK_TCK)
  local cpu_pct
  cpu_pct=$(awk -v d=$((c1 - c0)) -v hz="$hz" -v s="$SECONDS_TO_MEASURE" 'BEGIN {printf "%.2f", 100 * d / hz / s}')
  printf '%-10s %4d instances  %3d VIPs held  %2d processes  RSS %6d kB  CPU %s%%\n' \
    "$daemon" "$n" "$masters" "$(wc -w <<<"$pids")" "$rss" "$cpu_pct"
  kill -TERM "$top" 2>/dev/null || true
  wait "$top" 2>/dev/null || true
  ip netns pids "$NS" | xargs -r kill -9 2>/dev/null || true
  sleep 1
}

for n in $COUNTS; do
  measure vrrpd "$n"
  if [[ -x $KEEPALIVED ]]; then measure keepalived "$n"; fi
done
