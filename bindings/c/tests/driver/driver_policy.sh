#!/usr/bin/env bash
# Runs driver_policy (driver_policy.c) as root in a network namespace of its own: cae0/cae1 up
# with 192.0.2.5/24 on cae0 (the instances' interface), and two tracked links that start down,
# cae2 (peer cae3 up) and cae4 (peer cae5 up), which the program brings up. Skips (77) when not
# root. The namespace goes away with its last process: nothing to clean up.
#
#   driver_policy.sh path/to/c_abi_driver_policy
set -u
PROG=${1:?usage: driver_policy.sh DRIVER_POLICY}
if [[ $(id -u) != 0 ]]; then
  echo "SKIP: the driver's policy test needs root (network namespace, raw sockets)"
  exit 77
fi
command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) is not installed"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: iproute2 (ip) is not installed"; exit 77; }
SETUP='ip link set lo up &&
  ip link add cae0 type veth peer name cae1 && ip addr add 192.0.2.5/24 dev cae0 &&
  ip link set cae0 up && ip link set cae1 up &&
  ip link add cae2 type veth peer name cae3 && ip link set cae3 up &&
  ip link add cae4 type veth peer name cae5 && ip link set cae5 up &&
  for _ in $(seq 50); do ip link show cae0 | grep -q LOWER_UP && break; sleep 0.1; done'
# shellcheck disable=SC2016  # $0 is the inner shell's
exec unshare --net sh -c "$SETUP"' && exec "$0"' "$PROG"
