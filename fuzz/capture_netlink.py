#!/usr/bin/env python3
"""Captures real rtnetlink datagrams from the running kernel as netlink_fuzz seeds.

Run as root or in a user namespace, which it makes for itself when not root:
    python3 fuzz/capture_netlink.py        (from the repository root)
It works in a new network namespace (unshare), so what it records is the namespace's own
documentation addresses and a veth pair, never the host's: notifications (RTM_NEWLINK as links
go up and down, RTM_NEWADDR / RTM_DELADDR with IFA_CACHEINFO, an IPv6 address under DAD), an
RTM_GETADDR dump (sequence number 1, as netlink_fuzz expects) and the kernel's answers to
requests (an ack, EEXIST, an EINVAL with its extended-ack text). It writes
fuzz/seeds/netlink_fuzz/kernel-*; the files are committed, so this needs running again only to
refresh them.
"""
import os
import pathlib
import socket
import struct
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds" / "netlink_fuzz"

RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR = 0x1, 0x10, 0x100
RTM_NEWADDR, RTM_GETADDR = 20, 22
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP = 0x1, 0x4, 0x200, 0x400, 0x300
NETLINK_EXT_ACK, SOL_NETLINK = 11, 270
IFA_LOCAL, IFA_ADDRESS = 2, 1


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def request(sock, kind, flags, seq, body):
    sock.send(struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 0) + body)
    return sock.recv(65536)


def address_body(family, prefix, ifindex, packed):
    body = struct.pack("=BBBBI", family, prefix, 0, 0, ifindex)
    for kind in (IFA_LOCAL, IFA_ADDRESS):
        body += struct.pack("=HH", 4 + len(packed), kind) + packed
    return body


def drain(sock):
    out = []
    sock.setblocking(False)
    try:
        while True:
            out.append(sock.recv(65536))
    except BlockingIOError:
        pass
    sock.setblocking(True)
    return out


def capture():
    seeds = {}
    monitor = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    monitor.bind((0, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR))
    ip("link", "set", "lo", "up")
    ip("link", "add", "fz0", "type", "veth", "peer", "name", "fz1")
    ip("link", "set", "fz1", "up")
    ip("link", "set", "fz0", "up")
    ip("addr", "add", "192.0.2.1/24", "brd", "192.0.2.255", "dev", "fz0", "label", "fz0:vip")
    ip("addr", "add", "198.51.100.1/24", "dev", "fz0", "valid_lft", "30", "preferred_lft", "30")
    ip("addr", "add", "192.0.2.2/24", "dev", "fz0", "noprefixroute")
    ip("addr", "add", "2001:db8::1/64", "dev", "fz0", "nodad")
    ip("addr", "add", "2001:db8::2/64", "dev", "fz0")  # DAD: tentative
    ip("link", "set", "fz1", "down")
    ip("addr", "del", "192.0.2.2/24", "dev", "fz0")
    for i, datagram in enumerate(drain(monitor)):
        seeds[f"kernel-notify-{i:02d}"] = datagram

    rt = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    rt.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    rt.bind((0, 0))
    ifindex = socket.if_nametoindex("fz0")
    dump = struct.pack("=BBBBI", 0, 0, 0, 0, 0)
    rt.send(struct.pack("=IHHII", 16 + len(dump), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
            + dump)
    part = 0
    while True:
        datagram = rt.recv(65536)
        seeds[f"kernel-dump-{part}"] = datagram
        part += 1
        if struct.unpack_from("=H", datagram, 4)[0] == 3 or part > 8:  # NLMSG_DONE
            break
    v4 = socket.inet_pton(socket.AF_INET, "192.0.2.77")
    add = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    seeds["kernel-ack"] = request(rt, RTM_NEWADDR, add, 1, address_body(2, 24, ifindex, v4))
    seeds["kernel-eexist"] = request(rt, RTM_NEWADDR, add, 1, address_body(2, 24, ifindex, v4))
    seeds["kernel-einval-extack"] = request(rt, RTM_NEWADDR, add, 1,
                                            address_body(2, 40, ifindex, v4))
    for i, datagram in enumerate(drain(monitor)):
        seeds[f"kernel-notify-ack-{i:02d}"] = datagram
    return seeds


def main():
    if os.environ.get("CAPTURE_NETLINK_INSIDE") != "1":
        # A fresh network namespace (and a user namespace when not root).
        command = ["unshare", "-n"] + ([] if os.geteuid() == 0 else ["-r"])
        env = dict(os.environ, CAPTURE_NETLINK_INSIDE="1")
        sys.exit(subprocess.run(command + [sys.executable, __file__], env=env).returncode)
    SEEDS.mkdir(parents=True, exist_ok=True)
    for old in SEEDS.glob("kernel-*"):
        old.unlink()
    for name, data in capture().items():
        (SEEDS / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
