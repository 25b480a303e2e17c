#!/usr/bin/env bash
# The compatibility corpus (issue 14): every *.conf here is checked by keepalived 2.2.7
# (`keepalived -t`, in a network namespace that has the interfaces the files name, since
# keepalived checks them) and by `vrrpd -t`, both with config id lb1, and their verdicts compared:
#   keepalived: refuses (a "fatal" line of keepalived-messages.tsv), warns (a "warning" line),
#               clean (nothing about the file; "host" lines are about this machine);
#   vrrpd:      refuses (exit 1), warns (exit 0 with warnings), clean (exit 0, none).
# They agree when both refuse, when both warn, or when keepalived is clean and vrrpd accepts
# (vrrpd also warns about the keepalived features it ignores, LVS and the like). Any other pair
# must be listed in DIFFERENCES.tsv with its reason; a listed pair that no longer occurs fails
# too, so the table stays true. Needs root (namespaces) and keepalived; skips otherwise.
#   run.sh VRRPD [DIR]
set -uo pipefail
VRRPD=$1
DIR=${2:-$(dirname "$0")}
if [[ $(id -u) -ne 0 ]]; then echo "skipped: needs root for a network namespace"; exit 0; fi
if ! command -v keepalived >/dev/null; then echo "skipped: keepalived is not installed"; exit 0; fi

NS="vrrp-compat-$$-$RANDOM"
TMP=$(mktemp -d /tmp/vrrp-compat-XXXXXX)
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail=0
problem() { echo "FAIL: $*"; fail=1; }

# The interfaces the corpus names, as veth pairs and a bridge, with documentation addresses.
ip netns add "$NS" || { echo "FAIL: cannot create namespace $NS"; exit 1; }
for pair in eth0:eth1 eth2:eth3 ens192:ens224 enp0s3:enp0s8 bond0:eth0.100; do
  ip -n "$NS" link add "${pair%%:*}" type veth peer name "${pair##*:}" || exit 1
done
ip -n "$NS" link add br0 type bridge || exit 1
for dev in lo eth0 eth1 eth2 eth3 ens192 ens224 enp0s3 enp0s8 bond0 eth0.100 br0; do
  ip -n "$NS" link set "$dev" up
done
ip -n "$NS" addr add 192.0.2.10/24 dev eth0
ip -n "$NS" addr add 2001:db8::10/64 dev eth0 nodad
ip -n "$NS" addr add 198.51.100.10/24 dev eth1

# KIND and TEXT of keepalived-messages.tsv, and the listed differences.
mapfile -t KINDS < <(grep -v '^#' "$DIR/keepalived-messages.tsv" | cut -f1)
mapfile -t TEXTS < <(grep -v '^#' "$DIR/keepalived-messages.tsv" | cut -f2)
declare -A LISTED
while IFS=$'\t' read -r file k v why; do
  [[ -z $file || $file == \#* ]] && continue
  [[ -n $why ]] || problem "DIFFERENCES.tsv: $file has no reason"
  LISTED[$file]="$k $v"
done <"$DIR/DIFFERENCES.tsv"

keepalived_verdict() {  # the output of keepalived -t on stdin
  local verdict=clean line i kind
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    kind=""
    for i in "${!TEXTS[@]}"; do
      if [[ $line == *"${TEXTS[$i]}"* ]]; then kind=${KINDS[$i]}; break; fi
    done
    case $kind in
      fatal) verdict=refuses ;;
      warning) [[ $verdict == clean ]] && verdict=warns ;;
      host) ;;
      *) echo "unclassified keepalived message: $line" >&2; verdict=unclassified; break ;;
    esac
  done
  echo "$verdict"
}

files=0 agree=0 listed=0
declare -A SEEN
for conf in "$DIR"/*.conf; do
  name=$(basename "$conf")
  files=$((files + 1))
  kout=$(ip netns exec "$NS" keepalived -t -i lb1 -f "$conf" 2>&1)
  k=$(keepalived_verdict <<<"$kout" 2>"$TMP/unclassified")
  if [[ $k == unclassified ]]; then
    problem "$name: $(cat "$TMP/unclassified") (add it to keepalived-messages.tsv)"
    continue
  fi
  vout=$("$VRRPD" -t -i lb1 -f "$conf" 2>&1)
  rc=$?
  case $rc in
    0) if grep -q '^warning: ' <<<"$vout"; then v=warns; else v=clean; fi ;;
    1) v=refuses ;;
    *) problem "$name: vrrpd -t exited $rc: $vout"; continue ;;
  esac
  if [[ $k == "$v" || ($k == clean && $v == warns) ]]; then
    agree=$((agree + 1))
    [[ -n ${LISTED[$name]:-} ]] && problem "$name: listed in DIFFERENCES.tsv (${LISTED[$name]}) but both say $k/$v now"
    continue
  fi
  if [[ ${LISTED[$name]:-} == "$k $v" ]]; then
    listed=$((listed + 1))
    SEEN[$name]=1
    continue
  fi
  problem "$name: keepalived $k, vrrpd $v (not in DIFFERENCES.tsv)"
  echo "  keepalived -t:"; sed 's/^/    /' <<<"$kout"
  echo "  vrrpd -t:"; sed 's/^/    /' <<<"$vout"
done
for name in "${!LISTED[@]}"; do
  [[ -e $DIR/$name ]] || problem "DIFFERENCES.tsv names $name, which is not in the corpus"
done
echo "compat corpus: $files files, $agree agree, $listed listed differences"
exit $fail
