#!/usr/bin/env bash
# vrrp.h's driver on real interfaces: driver_pair (driver_pair.c, a poll() loop over
# vrrp_driver_fds and the expiry) in each of two network namespaces joined by a veth pair,
# priorities 150 and 100, VIP 192.0.2.3/24, VRID 50, VRRPv2 with advert_int 1. Checks:
#  1. the 150 side holds the VIP, the other not;
#  2. vrrp_driver_set_fault on the master (SIGUSR1): the backup takes the VIP on the master's
#     priority-0 advertisement (reason priority_zero_received, not master_down_timer: at once,
#     not after the master-down interval) and the master removed it; cleared, the master
#     preempts it back;
#  3. SIGTERM to the master (vrrp_driver_shutdown / _del): the backup holds the VIP, the master
#     removed it;
#  4. manage_addresses_externally: the events still say MASTER and address_added, and no
#     namespace has the address.
# Prints the time from set_fault on the master to the backup's address_added (informative).
# Only 192.0.2.0/24, only inside the namespaces made here, removed on exit. Needs root; exits 77
# (ctest: skipped) with a message otherwise.
#
#   driver_netns_test.sh path/to/c_abi_driver_pair
set -u
PAIR=${1:?usage: driver_netns_test.sh DRIVER_PAIR}
VIP=192.0.2.3

skip() {
  echo "SKIP: $*"
  exit 77
}
[[ $(id -u) == 0 ]] || skip "the driver's namespace test needs root (network namespaces, raw sockets)"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"

NS_A="cabi-$$-a"
NS_B="cabi-$$-b"
IF_A="ca$$a" # at most 15 characters: "ca" + pid (<= 7 digits) + 1
IF_B="ca$$b"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/c-abi-driver.XXXXXX")
PID_A=""
PID_B=""

stop() { # pid: SIGTERM, then SIGKILL if it does not exit within 5 s
  local pid=$1
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

cleanup() {
  stop "$PID_A"
  stop "$PID_B"
  ip netns del "$NS_A" 2>/dev/null
  ip netns del "$NS_B" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() {
  echo "FAIL: $*" >&2
  for side in a b; do
    for f in "$TMP/$side".out "$TMP/$side".err; do
      [[ -s "$f" ]] || continue
      echo "--- $f" >&2
      cat "$f" >&2
    done
  done
  exit 1
}

holds() { # namespace interface: whether the VIP is on the interface
  ip -n "$1" -4 addr show dev "$2" | grep -q "inet $VIP/24"
}

wait_for() { # seconds description command...: polls the command every 0.1 s
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  die "not within ${seconds}s: $what"
}

ip netns add "$NS_A" || die "cannot create namespace $NS_A"
ip netns add "$NS_B" || die "cannot create namespace $NS_B"
ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" ||
  die "cannot create the veth pair"
ip -n "$NS_A" link set lo up
ip -n "$NS_B" link set lo up
ip -n "$NS_A" addr add 192.0.2.5/24 dev "$IF_A"
ip -n "$NS_B" addr add 192.0.2.6/24 dev "$IF_B"
ip -n "$NS_A" link set "$IF_A" up
ip -n "$NS_B" link set "$IF_B" up

carrier() { ip -n "$1" link show dev "$2" | grep -q LOWER_UP; } # namespace interface
# Started before the veth has carrier, an instance begins in FAULT (link down): fine, but the
# checks below are simpler from a link that is up.
wait_for 10 "carrier on $IF_A" carrier "$NS_A" "$IF_A"
wait_for 10 "carrier on $IF_B" carrier "$NS_B" "$IF_B"

conf() { # interface priority
  cat <<EOF
vrrp_instance VI_1 {
  interface $1
  virtual_router_id 50
  priority $2
  advert_int 1
  virtual_ipaddress {
    $VIP/24
  }
}
EOF
}
conf "$IF_A" 150 >"$TMP/a.conf"
conf "$IF_B" 100 >"$TMP/b.conf"

start() { # extra flags: starts both sides, A first
  : >"$TMP/a.out"
  : >"$TMP/b.out"
  ip netns exec "$NS_A" "$PAIR" "$@" "$TMP/a.conf" >"$TMP/a.out" 2>"$TMP/a.err" &
  PID_A=$!
  ip netns exec "$NS_B" "$PAIR" "$@" "$TMP/b.conf" >"$TMP/b.out" 2>"$TMP/b.err" &
  PID_B=$!
}

a_holds_alone() { holds "$NS_A" "$IF_A" && ! holds "$NS_B" "$IF_B"; }
b_holds_alone() { holds "$NS_B" "$IF_B" && ! holds "$NS_A" "$IF_A"; }
logged() { grep -qF -- "$2" "$TMP/$1.out"; } # side text
count() { grep -cF -- "$2" "$TMP/$1.out"; }  # side text
t_of() {                                     # side text nth: the t= of the nth line with text
  grep -F -- "$2" "$TMP/$1.out" | sed -n "${3}p" | sed -E 's/^t=([0-9]+) .*/\1/'
}

# 1. Election: A (150) holds the VIP, B (100) is Backup.
start
wait_for 15 "A (priority 150) holds $VIP alone" a_holds_alone
wait_for 5 "A's MASTER event" logged a "VI_1 transition BACKUP -> MASTER"
wait_for 5 "B's BACKUP event" logged b "VI_1 transition INIT -> BACKUP (startup)"
logged b "-> MASTER" && die "B became MASTER while A was there"
logged a "address_added $VIP/24 dev $IF_A" || die "A reported no address_added for $VIP"

# 2. The embedder's fault on the master: the VIP moves at once, and back when cleared.
kill -USR1 "$PID_A"
wait_for 10 "B holds $VIP alone after set_fault on A" b_holds_alone
wait_for 5 "A's FAULT event" logged a "VI_1 transition MASTER -> FAULT"
wait_for 5 "B's address_added" logged b "address_added $VIP/24 dev $IF_B"
logged b "VI_1 transition BACKUP -> MASTER (priority_zero_received)" ||
  die "B did not take over on A's priority-0 advertisement (set_fault must resign at once)"
fault_t=$(t_of a "set_fault VI_1 1" 1)
taken_t=$(t_of b "address_added $VIP/24" 1)
[[ -n "$fault_t" && -n "$taken_t" ]] || die "no timestamps for set_fault / address_added"
takeover_ms=$(((taken_t - fault_t) / 1000000))
kill -USR1 "$PID_A"
wait_for 15 "A holds $VIP alone again after the fault cleared (preempt)" a_holds_alone
wait_for 5 "A's MASTER event after the fault" test "$(count a "transition BACKUP -> MASTER")" -ge 2

# 3. SIGTERM to the master: it resigns and removes the VIP; B takes it.
stop "$PID_A"
PID_A=""
logged a "stopped" || die "A did not stop cleanly"
logged a "address_removed $VIP/24 dev $IF_A" || die "A did not report removing $VIP"
wait_for 10 "B holds $VIP alone after A stopped" b_holds_alone
[[ $(count b "(priority_zero_received)") -ge 2 ]] ||
  die "B did not take over on A's resignation (priority 0) after SIGTERM"
stop "$PID_B"
PID_B=""
holds "$NS_B" "$IF_B" && die "B left $VIP on $IF_B after stopping"

# 4. Addresses managed by the embedder: the events say MASTER and address_added, nobody has it.
start --external
wait_for 15 "A's MASTER event (--external)" logged a "VI_1 transition BACKUP -> MASTER"
wait_for 5 "A's address_added event (--external)" logged a "address_added $VIP/24 dev $IF_A"
logged b "-> MASTER" && die "B became MASTER while A was there (--external)"
holds "$NS_A" "$IF_A" && die "A put $VIP on $IF_A although addresses are managed externally"
holds "$NS_B" "$IF_B" && die "B put $VIP on $IF_B although addresses are managed externally"
stop "$PID_A"
PID_A=""
logged a "address_removed $VIP/24 dev $IF_A" || die "A reported no address_removed (--external)"
stop "$PID_B"
PID_B=""

echo "set_fault on the master -> the backup's address_added: ${takeover_ms} ms (informative)"
echo "PASS: election, set_fault and back, SIGTERM takeover, manage_addresses_externally"
exit 0
