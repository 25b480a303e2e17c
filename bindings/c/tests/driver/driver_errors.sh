#!/usr/bin/env bash
# Runs driver_errors (driver_errors.c) where its good opens touch nothing of the host: as root,
# in a network namespace of its own with a veth pair (192.0.2.5/24 on one end), once as root
# and once without privileges (setpriv to nobody, no capabilities: the VRRP_ERR_PERMISSION
# path); not root, once as is (the permission path, on lo).
#
#   driver_errors.sh path/to/c_abi_driver_errors
set -u
PROG=${1:?usage: driver_errors.sh DRIVER_ERRORS}

if [[ $(id -u) != 0 ]]; then
  echo "not root: the permission path only"
  exec "$PROG" lo
fi
command -v unshare >/dev/null || { echo "FAIL: unshare (util-linux) is not installed"; exit 1; }
# The namespace unshare makes goes away with its last process: nothing to clean up.
SETUP='ip link set lo up && ip link add cae0 type veth peer name cae1 &&
  ip addr add 192.0.2.5/24 dev cae0 && ip link set cae0 up && ip link set cae1 up'
# shellcheck disable=SC2016  # $0 is the inner shell's
unshare --net sh -c "$SETUP"' && exec "$0" cae0' "$PROG" || exit 1
if command -v setpriv >/dev/null; then
  # shellcheck disable=SC2016
  unshare --net sh -c "$SETUP"' && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
    --inh-caps=-all --bounding-set=-all "$0" cae0' "$PROG" || exit 1
else
  echo "setpriv is not installed: the permission path was not run"
fi
