#!/usr/bin/env bash
# vrrp-dump -i against a real keepalived: two network namespaces joined by a veth pair,
# keepalived (VRRPv2, PASS auth) master in one, vrrp-dump capturing on the peer end in the other.
# Only 192.0.2.0/24 addresses, only inside the namespaces made here, removed on exit.
# Needs root; exits 77 (ctest: skipped) with a message otherwise.
#
#   live_test.sh path/to/vrrp-dump
set -u
DUMP=${1:?usage: live_test.sh VRRP_DUMP}
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
VRID=77
KEY=1111

skip() {
  echo "SKIP: $*"
  exit 77
}
[[ $(id -u) == 0 ]] || skip "the live capture test needs root (network namespaces, raw capture)"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
[[ -x "$KEEPALIVED" ]] || skip "keepalived is not installed at $KEEPALIVED"

NS_A="vd-$$-a"
NS_B="vd-$$-b"
IF_A="vd$$a"  # at most 15 characters: "vd" + pid (<= 7 digits) + 1
IF_B="vd$$b"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vrrp-dump-live.XXXXXX")
KEEPALIVED_PID=""

cleanup() {
  if [[ -n "$KEEPALIVED_PID" ]]; then
    kill "$KEEPALIVED_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$KEEPALIVED_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$KEEPALIVED_PID" 2>/dev/null
  fi
  # keepalived's children (the VRRP process) live in the namespace: end whatever is left there.
  for pid in $(ip netns pids "$NS_A" 2>/dev/null) $(ip netns pids "$NS_B" 2>/dev/null); do
    kill -9 "$pid" 2>/dev/null
  done
  ip netns del "$NS_A" 2>/dev/null
  ip netns del "$NS_B" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() {
  echo "FAIL: $*" >&2
  if [[ -s "$TMP/keepalived.log" ]]; then
    echo "--- keepalived log (last 30 lines)" >&2
    tail -30 "$TMP/keepalived.log" >&2
  fi
  exit 1
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

cat >"$TMP/keepalived.conf" <<EOF
global_defs {
  router_id vrrp_dump_test
}
vrrp_instance VD_TEST {
  state MASTER
  interface $IF_A
  virtual_router_id $VRID
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass $KEY
  }
  virtual_ipaddress {
    192.0.2.3/24
  }
}
EOF

# Capture first (in the background) so the first adverts are not missed, then start keepalived.
ip netns exec "$NS_B" timeout 30 "$DUMP" -i "$IF_B" -c 3 --json >"$TMP/json" 2>"$TMP/json.err" &
DUMP_JSON_PID=$!
sleep 0.5
ip netns exec "$NS_A" "$KEEPALIVED" -n -l -D -P -f "$TMP/keepalived.conf" -p "$TMP/keepalived.pid" \
  -r "$TMP/vrrp.pid" >"$TMP/keepalived.log" 2>&1 &
KEEPALIVED_PID=$!

wait "$DUMP_JSON_PID"
rc=$?
[[ $rc == 0 ]] || die "vrrp-dump -i $IF_B -c 3 --json exited $rc: $(cat "$TMP/json.err")"
kill -0 "$KEEPALIVED_PID" 2>/dev/null || die "keepalived is not running"

lines=$(grep -c '' "$TMP/json")
[[ $lines == 3 ]] || die "expected 3 JSON lines, got $lines: $(cat "$TMP/json")"
grep -q "$KEY" "$TMP/json" && die "the PASS key appears in the output"
python3 - "$TMP/json" "$VRID" <<'EOF' || die "unexpected packets: $(cat "$TMP/json")"
import json, sys
path, vrid = sys.argv[1], int(sys.argv[2])
for line in open(path):
    o = json.loads(line)
    assert o["vrid"] == vrid, o
    assert o["version"] == 2 and o["auth_type"] == "PASS", o
    assert o["valid"] is True and o["reason"] is None, o
    assert o["src"] == "192.0.2.5" and o["dst"] == "224.0.0.18", o
    assert o["priority"] == 150 and o["interval_cs"] == 100, o
    assert o["addresses"] == ["192.0.2.3"], o
    assert o["ttl"] == 255, o
EOF

# The same heartbeats with the wrong key: refused as auth_failure, neither key printed.
ip netns exec "$NS_B" timeout 30 "$DUMP" -i "$IF_B" -c 1 --pass 2222 >"$TMP/human" 2>&1 ||
  die "vrrp-dump --pass exited $?: $(cat "$TMP/human")"
grep -q "vrid $VRID prio 150 intvl 1s addrs 192.0.2.3 auth PASS REFUSED auth_failure" "$TMP/human" ||
  die "expected an auth_failure line, got: $(cat "$TMP/human")"
grep -qE "$KEY|2222" "$TMP/human" && die "a key appears in the output: $(cat "$TMP/human")"

echo "PASS: 3 live VRRPv2 adverts for VRID $VRID from keepalived, and auth_failure with --pass"
exit 0
