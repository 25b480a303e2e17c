#!/usr/bin/env python3
"""Writes fuzz/seeds/decode_fuzz/ from the keepalived captures' tshark texts.

Each seed is decode_fuzz's two control bytes (see decode_fuzz.cc) followed by a VRRP message:
the captures' messages as sent, a few malformed variants, and the captures' whole frames (for the
ParseEthernet path). Run from the repository root: python3 fuzz/make_seeds.py
"""
import ipaddress
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
SEEDS = ROOT / "fuzz" / "seeds" / "decode_fuzz"


def section(name, title):
    text = (VECTORS / f"{name}.txt").read_text()
    m = re.search(r"^### .*" + re.escape(title) + r".*\n([0-9a-f]+)\n", text, re.M)
    return bytes.fromhex(m.group(1))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def pseudo(src, dst, length):
    s, d = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    if len(s) == 4:
        return s + d + bytes([0, 112]) + length.to_bytes(2, "big")
    return s + d + length.to_bytes(4, "big") + bytes([0, 0, 0, 112])


V4 = ("192.0.2.5", "224.0.0.18")
V6 = ("fe80::3002:9eff:fef0:3f93", "ff02::12")


def fix(msg, addrs=None):
    msg = bytearray(msg)
    msg[6:8] = b"\0\0"
    prefix = pseudo(*addrs, len(msg)) if addrs else b""
    msg[6:8] = csum(prefix + bytes(msg)).to_bytes(2, "big")
    return bytes(msg)


def main():
    SEEDS.mkdir(exist_ok=True)
    v2 = section("keepalived-v2-pass", "IP payload")
    v3 = section("keepalived-v3-ipv4", "IP payload")
    v6 = section("keepalived-v3-ipv6", "IP payload")
    V2_PASS = bytes([0xA1, 0xFF])  # v2, auth PASS, key "1111"
    V3_V4 = bytes([0x02, 0xFF])  # v3, IPv4
    V3_V6 = bytes([0x06, 0xFF])  # v3, IPv6
    seeds = {
        "v2-pass": V2_PASS + v2,
        "v2-priority0": V2_PASS + section("keepalived-v2-priority0", "IP payload"),
        "v3-ipv4": V3_V4 + v3,
        "v3-ipv6": V3_V6 + v6,
        "any-v3-ipv4": bytes([0x00, 0xFF]) + v3,
        # Malformed.
        "short": V3_V4 + v3[:7],
        "truncated": V3_V4 + v3[:10],
        "bad-version": V3_V4 + bytes([0x41]) + v3[1:],
        "bad-type": V3_V4 + bytes([0x32]) + v3[1:],
        "bad-checksum": V2_PASS + v2[:7] + bytes([v2[7] ^ 1]) + v2[8:],
        "count-high": V3_V6 + fix(v6[:3] + bytes([2]) + v6[4:], V6),
        "ttl-254": bytes([0x42, 254]) + v3,
        "auth-type-3": V2_PASS + fix(v2[:4] + bytes([3]) + v2[5:]),
        "auth-none": bytes([0x91, 0xFF]) + fix(v2[:4] + bytes([0]) + v2[5:12] + bytes(8)),
        "wrong-key": bytes([0x21, 0xFF]) + v2,
        "v3-no-pseudo": V3_V4 + fix(v3),
        "v3-no-pseudo-strict": bytes([0x0A, 0xFF]) + fix(v3),
        "v3-zero-interval": V3_V4 + fix(v3[:4] + bytes([0xF0, 0]) + v3[6:], V4),
        "v3-many": V3_V4 + fix(v3[:3] + bytes([4]) + v3[4:] + v3[8:] * 3, V4),
        "v2-over-v6": bytes([0x05, 0xFF]) + v2,
    }
    for name in ["keepalived-v2-pass", "keepalived-v3-ipv4", "keepalived-v3-ipv6",
                 "keepalived-garp", "keepalived-v3-ipv6-na"]:
        seeds["frame-" + name.removeprefix("keepalived-")] = section(name, "whole frame")
    for name, data in seeds.items():
        (SEEDS / name).write_bytes(data)


if __name__ == "__main__":
    main()
