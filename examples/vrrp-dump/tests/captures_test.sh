#!/usr/bin/env bash
# vrrp-dump against the keepalived captures in tests/vectors/: every VRRP packet is printed, the
# packet of interest shows the values tshark decoded (the .txt beside each capture), the PASS
# key never appears, refused packets (made here at run time from the captures' bytes) show the
# codec's reason, and the error paths exit 1 with a message.
#
#   captures_test.sh path/to/vrrp-dump path/to/tests/vectors
set -u
DUMP=${1:?usage: captures_test.sh VRRP_DUMP VECTORS_DIR}
VECTORS=${2:?usage: captures_test.sh VRRP_DUMP VECTORS_DIR}
KEY=1111  # keepalived's PASS key in the v2 captures (tshark: "Authentication String: 1111")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vrrp-dump-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

failures=0
checks=0
pass() { checks=$((checks + 1)); }
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL: $*" >&2
}
expect_eq() {  # NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}
expect_contains() {  # NAME HAYSTACK NEEDLE
  if [[ "$2" == *"$3"* ]]; then pass; else fail "$1: '$3' not in: $2"; fi
}
expect_not_contains() {
  if [[ "$2" != *"$3"* ]]; then pass; else fail "$1: '$3' must not appear in: $2"; fi
}

# The value tshark printed for a field of the packet of interest, without its annotation:
# "Priority: 150 (Non-default backup priority)" -> 150.
field() {  # TXT NAME
  sed -n '/^### tshark -V/,/^### /p' "$1" | grep -m1 -E "^ *(.* = )?$2: " |
    sed -E "s/^ *(.* = )?$2: //; s/ [([].*$//"
}
fields() {  # TXT NAME: every value, one per line
  sed -n '/^### tshark -V/,/^### /p' "$1" | grep -E "^ *$2: " | sed -E "s/^ *$2: //; s/ [([].*$//"
}

# Checks one line of --json output: valid JSON, exactly the fields documented, their types.
# Prints "vrid priority interval_cs version src dst ttl auth_type valid reason addr,addr" so the
# shell can compare values.
json_fields() {
  python3 -c '
import json, sys
line = sys.stdin.read()
o = json.loads(line)
assert isinstance(o, dict), "not an object"
want = {"time", "src", "dst", "ttl", "version", "vrid", "priority", "interval_cs", "addresses",
        "auth_type", "valid", "reason"}
assert set(o) == want, "fields %s" % sorted(o)
assert isinstance(o["time"], float), "time is not a number with a fraction"
assert isinstance(o["valid"], bool)
assert isinstance(o["addresses"], list) and all(isinstance(a, str) for a in o["addresses"])
assert (o["reason"] is None) == o["valid"], "reason must be null exactly when valid"
for k in ("version", "vrid", "priority", "interval_cs", "ttl"):
    assert o[k] is None or isinstance(o[k], int), k
def s(v): return "null" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
print(" ".join(s(o[k]) for k in ("vrid", "priority", "interval_cs", "version", "src", "dst",
                                  "ttl", "auth_type", "valid", "reason")),
      ",".join(o["addresses"]) or "-", "%.6f" % o["time"])
'
}

# --- Every capture: values of the packet of interest against tshark ---------------------------
for pcap in "$VECTORS"/*.pcap; do
  name=$(basename "$pcap" .pcap)
  txt="$VECTORS/$name.txt"
  human=$("$DUMP" -r "$pcap" 2>"$TMP/err")
  rc=$?
  expect_eq "$name: exit status" 0 "$rc"
  expect_eq "$name: nothing on stderr" "" "$(cat "$TMP/err")"
  json=$("$DUMP" -r "$pcap" --json)
  expect_eq "$name: --json exit status" 0 "$?"
  expect_not_contains "$name: the PASS key" "$human$json" "$KEY"
  expect_not_contains "$name: the PASS key as an address" "$human$json" "49.49.49.49"

  # tshark's summary lists every packet; vrrp-dump prints exactly the VRRP ones.
  want_count=$(sed -n '/^## All packets/,/^## Packet of interest/p' "$txt" | grep -c ' VRRP ')
  got_count=$(printf '%s' "$human" | grep -c '')
  expect_eq "$name: one line per VRRP packet" "$want_count" "$got_count"
  expect_eq "$name: one JSON object per VRRP packet" "$want_count" "$(printf '%s' "$json" | grep -c '')"
  if [[ "$want_count" == 0 ]]; then
    continue  # gratuitous ARP / NA captures: nothing to show
  fi
  while IFS= read -r line; do
    json_fields <<<"$line" >/dev/null || fail "$name: not the documented JSON: $line"
  done <<<"$json"

  n=$(sed -n 's/^## Packet of interest: frame \([0-9]*\).*/\1/p' "$txt")
  # The packet of interest is frame n of the capture, and every frame of these captures is VRRP.
  line=$(sed -n "${n}p" <<<"$human")
  jline=$(sed -n "${n}p" <<<"$json")
  version=$(field "$txt" "VRRP protocol version")
  vrid=$(field "$txt" "Virtual Rtr ID")
  prio=$(field "$txt" "Priority")
  intvl=$(field "$txt" "Adver Int")
  [[ "$version" == 2 ]] && intvl_cs=$((intvl * 100)) || intvl_cs=$intvl
  src=$(field "$txt" "Source Address")
  dst=$(field "$txt" "Destination Address")
  addrs=$( (fields "$txt" "IP Address"; fields "$txt" "IPv6 Address") | paste -sd, -)
  if [[ "$src" == *:* ]]; then ttl=$(field "$txt" "Hop Limit"); else ttl=$(field "$txt" "Time to Live"); fi
  if [[ "$version" == 2 ]]; then
    auth_num=$(sed -n '/^### tshark -V/,/^### /p' "$txt" | sed -n 's/^ *Auth Type: .*(\([0-9]*\))$/\1/p')
    case "$auth_num" in 0) auth=none ;; 1) auth=PASS ;; 2) auth=AH ;; *) auth=$auth_num ;; esac
  else
    auth=None
  fi
  epoch=$(field "$txt" "Epoch Time" | sed -E 's/^([0-9]+\.[0-9]{6}).*/\1/')
  clock=$(field "$txt" "Arrival Time" | sed -E 's/.* ([0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}).*/\1/')

  expect_contains "$name: time" "$line" "T${clock}Z "
  expect_contains "$name: addresses" "$line" " $src > $dst VRRPv$version vrid $vrid prio $prio "
  expect_contains "$name: interval" "$line" " intvl $((intvl_cs / 100))s addrs $addrs"
  if [[ "$version" == 2 ]]; then
    expect_contains "$name: auth" "$line" " auth $auth"
  else
    expect_not_contains "$name: no auth in v3" "$line" " auth "
  fi
  expect_not_contains "$name: accepted" "$line" "REFUSED"

  got=$(json_fields <<<"$jline")
  [[ "$auth" == None ]] && jauth=null || jauth=$auth
  expect_eq "$name: JSON values" \
    "$vrid $prio $intvl_cs $version $src $dst $ttl $jauth true null $addrs $epoch" "$got"
done

v2="$VECTORS/keepalived-v2-pass.pcap"
v2txt="$VECTORS/keepalived-v2-pass.txt"

# --- -c COUNT --------------------------------------------------------------------------------
expect_eq "-c 2 stops after two" 2 "$("$DUMP" -r "$v2" -c 2 | grep -c '')"
expect_eq "--count=3" 3 "$("$DUMP" -r "$v2" --count=3 --json | grep -c '')"

# --- --pass: right key accepted, wrong key auth_failure, neither printed ----------------------
out=$("$DUMP" -r "$v2" --pass "$KEY")
expect_eq "--pass with the right key: exit 0" 0 "$?"
expect_not_contains "--pass right key: all accepted" "$out" "REFUSED"
expect_not_contains "--pass right key: key not printed" "$out" "$KEY"
out=$("$DUMP" -r "$v2" --pass 2222)
expect_contains "--pass wrong key" "$out" "auth PASS REFUSED auth_failure"
expect_not_contains "--pass wrong key: no key" "$out" "$KEY"
expect_not_contains "--pass wrong key: no given key" "$out" "2222"
out=$("$DUMP" -r "$v2" --pass=2222 --json)
expect_contains "--pass wrong key JSON" "$out" '"valid":false,"reason":"auth_failure"'
expect_not_contains "--pass wrong key JSON: no key" "$out" "$KEY"
out=$("$DUMP" -r "$VECTORS/keepalived-v3-ipv4.pcap" --pass 2222)
expect_not_contains "--pass does not apply to v3" "$out" "REFUSED"
out=$("$DUMP" -r "$v2" --pass 123456789 2>&1)
expect_eq "--pass too long: exit 1" 1 "$?"
expect_not_contains "--pass too long: key not echoed" "$out" "123456789"

# --- Refused packets, made from the v2 capture's bytes at run time ---------------------------
# mutate.py IN OUT MODE: rewrites every frame of a pcap (classic format, Ethernet).
cat >"$TMP/mutate.py" <<'EOF'
import struct, sys
src, dst, mode = sys.argv[1:4]
data = open(src, "rb").read()
magic = data[:4]
endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
header = bytearray(data[:24])
out = bytearray()
records = []
off = 24
while off + 16 <= len(data):
    ts_s, ts_u, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
    frame = bytearray(data[off + 16:off + 16 + incl])
    records.append([ts_s, ts_u, frame])
    off += 16 + incl
for r in records:
    f = r[2]
    if mode == "checksum":      # VRRP checksum (RFC 3768 §5.1 octets 6-7) after 14 + 20 bytes
        f[14 + 20 + 6] ^= 0xff
    elif mode == "ttl":         # IPv4 TTL
        f[14 + 8] = 64
    elif mode == "short":       # the VRRP message cut to 4 bytes (IPv4 total length too)
        del f[14 + 20 + 4:]
        f[16:18] = struct.pack(">H", 24)
    elif mode == "vlan":        # an 802.1Q tag, VLAN 100
        f[12:12] = b"\x81\x00\x00\x64"
    elif mode == "sll":         # Linux cooked capture v1 (DLT_LINUX_SLL = 113)
        proto = bytes(f[12:14])
        f[0:14] = struct.pack(">HHH", 2, 1, 6) + bytes(f[6:12]) + b"\0\0" + proto
    elif mode == "raw":         # raw IP, no link header (LINKTYPE_RAW = 101)
        del f[0:14]
    elif mode == "other":       # not VRRP: IPv4 protocol 17
        f[14 + 9] = 17
    r[2] = f
if mode in ("sll", "raw"):
    header[20:24] = struct.pack(endian + "I", 113 if mode == "sll" else 101)
for ts_s, ts_u, f in records:
    out += struct.pack(endian + "IIII", ts_s, ts_u, len(f), len(f)) + f
if mode == "truncated":
    out = out[:len(out) - 10]
open(dst, "wb").write(bytes(header) + bytes(out))
EOF
mutate() { python3 "$TMP/mutate.py" "$v2" "$TMP/$1.pcap" "$1" || fail "cannot build $1.pcap"; }

mutate checksum
out=$("$DUMP" -r "$TMP/checksum.pcap")
expect_eq "corrupted checksum: exit 0" 0 "$?"
expect_eq "corrupted checksum: every packet shown" 5 "$(grep -c 'REFUSED checksum$' <<<"$out")"
expect_contains "corrupted checksum: header still shown" "$(head -1 <<<"$out")" \
  "vrid $(field "$v2txt" "Virtual Rtr ID") prio $(field "$v2txt" "Priority") intvl 1s addrs $(field "$v2txt" "IP Address") auth PASS REFUSED checksum"
out=$("$DUMP" -r "$TMP/checksum.pcap" --json)
expect_eq "corrupted checksum JSON" 5 "$(grep -c '"valid":false,"reason":"checksum"}$' <<<"$out")"
expect_not_contains "corrupted checksum: no key" "$out" "$KEY"

mutate ttl
out=$("$DUMP" -r "$TMP/ttl.pcap")
expect_contains "TTL 64" "$(head -1 <<<"$out")" " ttl 64 REFUSED ttl"
out=$("$DUMP" -r "$TMP/ttl.pcap" --json -c 1)
expect_contains "TTL 64 JSON" "$out" '"ttl":64,'
expect_contains "TTL 64 JSON reason" "$out" '"reason":"ttl"'

mutate short
out=$("$DUMP" -r "$TMP/short.pcap" -c 1)
expect_contains "too short" "$out" "VRRPv2 vrid 50 prio 150 len 4 REFUSED too_short"

mutate other
out=$("$DUMP" -r "$TMP/other.pcap")
expect_eq "not VRRP: exit 0" 0 "$?"
expect_eq "not VRRP: skipped silently" "" "$out"

# --- Link types and VLAN tags give the same lines ----------------------------------------------
reference=$("$DUMP" -r "$v2")
mutate vlan
expect_eq "802.1Q-tagged frames" "$reference" "$("$DUMP" -r "$TMP/vlan.pcap")"
mutate sll
expect_eq "Linux cooked capture" "$reference" "$("$DUMP" -r "$TMP/sll.pcap")"
mutate raw
expect_eq "raw IP capture" "$reference" "$("$DUMP" -r "$TMP/raw.pcap")"

# --- Errors -----------------------------------------------------------------------------------
mutate truncated
out=$("$DUMP" -r "$TMP/truncated.pcap" 2>"$TMP/err")
expect_eq "truncated capture: exit 1" 1 "$?"
expect_eq "truncated capture: the whole packets still shown" 4 "$(grep -c '' <<<"$out")"
expect_contains "truncated capture: message" "$(cat "$TMP/err")" "vrrp-dump: "

"$DUMP" -r "$TMP/no-such-file.pcap" >"$TMP/out" 2>"$TMP/err"
expect_eq "missing file: exit 1" 1 "$?"
expect_contains "missing file: message" "$(cat "$TMP/err")" "no-such-file.pcap"
expect_eq "missing file: nothing on stdout" "" "$(cat "$TMP/out")"

echo "not a capture" >"$TMP/text.pcap"
"$DUMP" -r "$TMP/text.pcap" >/dev/null 2>"$TMP/err"
expect_eq "not a pcap: exit 1" 1 "$?"
expect_contains "not a pcap: message" "$(cat "$TMP/err")" "text.pcap"

"$DUMP" -r "$v2" --bogus >/dev/null 2>"$TMP/err"
expect_eq "unknown flag: exit 1" 1 "$?"
expect_contains "unknown flag: message" "$(cat "$TMP/err")" "--bogus"

"$DUMP" >/dev/null 2>"$TMP/err"
expect_eq "no source: exit 1" 1 "$?"
expect_contains "no source: message" "$(cat "$TMP/err")" "-r FILE or -i INTERFACE"

"$DUMP" -r "$v2" -i lo >/dev/null 2>&1
expect_eq "-r and -i together: exit 1" 1 "$?"

"$DUMP" -r "$v2" -c 0 >/dev/null 2>"$TMP/err"
expect_eq "-c 0: exit 1" 1 "$?"
"$DUMP" -r "$v2" -c many >/dev/null 2>&1
expect_eq "-c many: exit 1" 1 "$?"
"$DUMP" -r >/dev/null 2>"$TMP/err"
expect_eq "-r without a file: exit 1" 1 "$?"
expect_contains "-r without a file: message" "$(cat "$TMP/err")" "needs a value"

out=$("$DUMP" --help)
expect_eq "--help: exit 0" 0 "$?"
expect_contains "--help" "$out" "Usage: vrrp-dump"
expect_contains "-h" "$("$DUMP" -h)" "--json"

"$DUMP" -i vd-no-such-if0 >/dev/null 2>"$TMP/err"
expect_eq "bad interface: exit 1" 1 "$?"
expect_contains "bad interface: message" "$(cat "$TMP/err")" "vd-no-such-if0"

# Not root: as root, drop to nobody for one run (the binary must be reachable by it).
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null &&
  setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all test -x "$DUMP" 2>/dev/null; then
  setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
    "$DUMP" -i lo -c 1 >/dev/null 2>"$TMP/err"
  expect_eq "not root: exit 1" 1 "$?"
  expect_contains "not root: message" "$(cat "$TMP/err")" "needs root"
elif [[ $(id -u) != 0 ]]; then
  "$DUMP" -i lo -c 1 >/dev/null 2>"$TMP/err"
  expect_eq "not root: exit 1" 1 "$?"
  expect_contains "not root: message" "$(cat "$TMP/err")" "needs root"
else
  echo "note: skipping the not-root check (nobody cannot run $DUMP)"
fi

echo "$checks checks, $failures failed"
[[ $failures == 0 ]]
