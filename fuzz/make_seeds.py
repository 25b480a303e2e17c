#!/usr/bin/env python3
"""Writes the seeds of the fuzz targets that are generated rather than copied:

- fuzz/seeds/decode_fuzz/: decode_fuzz's two control bytes (see decode_fuzz.cc) followed by a
  VRRP message: the keepalived captures' messages as sent, a few malformed variants, and the
  captures' whole frames (for the ParseEthernet path).
- fuzz/seeds/config_include_fuzz/: trees of keepalived.conf files in config_include_fuzz's
  "==> NAME" form, from tests/config/data and the include cases (cycles, diamonds, braces,
  nesting, directories).
- fuzz/seeds/netlink_fuzz/synth-*: rtnetlink datagrams laid out as <linux/rtnetlink.h> says
  (acks and errors with extended acks, address dumps with IFA_CACHEINFO, link and address
  notifications); kernel-* seeds are captured from a kernel by fuzz/capture_netlink.py.
- fuzz/seeds/control_fuzz/: vrrpd control requests and answers.

Run from the repository root: python3 fuzz/make_seeds.py
"""
import ipaddress
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
SEEDS = ROOT / "fuzz" / "seeds" / "decode_fuzz"
CONFIG_DATA = ROOT / "tests" / "config" / "data"


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


def write_seeds(target, seeds):
    directory = ROOT / "fuzz" / "seeds" / target
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (directory / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def tree(*files):
    """config_include_fuzz's input: keepalived.conf's text, then (NAME, TEXT) pairs."""
    out = files[0]
    for name, text in files[1:]:
        out += f"==> {name} <==\n{text}"
    return out


def data(name):
    return (CONFIG_DATA / name).read_text()


INSTANCE = """vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress { 192.0.2.10/24 }
}
"""


def config_include_seeds():
    return {
        "main-include": tree(data("main-include.conf"),
                             ("conf.d/10-script.conf", data("conf.d/10-script.conf")),
                             ("conf.d/20-instance.conf", data("conf.d/20-instance.conf")),
                             ("addresses.inc", data("addresses.inc"))),
        "cycle": tree(data("cycle-a.conf"), ("cycle-b.conf", data("cycle-b.conf").replace(
            "cycle-a.conf", "keepalived.conf")), ("cycle-a.conf", data("cycle-a.conf"))),
        "self": tree("include keepalived.conf\n"),
        "self-glob": tree("include *.conf\n" + INSTANCE),
        "diamond": tree("include a.conf\ninclude b.conf\n",
                        ("a.conf", "include c.inc\n"), ("b.conf", "include c.inc\n"),
                        ("c.inc", "global_defs { router_id diamond }\n")),
        "braces": tree("include {a,b}.conf\ninclude sub/{x,y}/*.conf\n",
                       ("a.conf", INSTANCE), ("b.conf", "vrrp_script chk { script /bin/true }\n"),
                       ("sub/x/1.conf", "global_defs { vrrp_version 3 }\n"),
                       ("sub/y/2.conf", "! nothing\n")),
        "nested": tree("include d1/a.conf\n", ("d1/a.conf", "include d2/b.conf\n"),
                       ("d1/d2/b.conf", "include ../../c.conf\n"), ("c.conf", INSTANCE)),
        "in-block": tree("vrrp_instance VI_1 {\n  interface eth0\n  include inst.inc\n}\n",
                         ("inst.inc", "virtual_router_id 9\nvirtual_ipaddress {\n"
                          "  include vips.inc\n}\n"),
                         ("vips.inc", "192.0.2.20/24\n2001:db8::1/64\n")),
        "directory": tree("include sub\ninclude sub/*\n", ("sub/a.conf", INSTANCE)),
        "missing": tree("include none/*.conf\ninclude \"\"\ninclude\n" + INSTANCE),
        "depth": tree("include l1.conf\n", *[(f"l{i}.conf", f"include l{i + 1}.conf\n")
                                              for i in range(1, 15)]),
        "quoted": tree("include \"q d.conf\" extra\n", ("q-d.conf", INSTANCE)),
    }


# <linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_addr.h>, <linux/if_link.h>
NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 2, 3, 4
RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR = 16, 17, 20, 21
NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x2, 0x10, 0x100, 0x200
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS = 1, 2, 3, 4, 6, 8
IFA_F_SECONDARY, IFA_F_NODAD, IFA_F_DADFAILED, IFA_F_TENTATIVE = 0x01, 0x02, 0x08, 0x40
IFA_F_PERMANENT, IFA_F_NOPREFIXROUTE = 0x80, 0x200
IFLA_IFNAME, IFLA_MTU = 3, 4
IFF_UP, IFF_RUNNING = 0x1, 0x40
NLMSGERR_ATTR_MSG = 1
SEQ = 1  # netlink_fuzz's kSeq


def align(data):
    return data + bytes(-len(data) % 4)


def attr(kind, payload):
    return align(struct.pack("=HH", 4 + len(payload), kind) + payload)


def message(kind, body, flags=NLM_F_MULTI, seq=SEQ):
    return align(struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 4242) + body)


def address(kind, ip, prefix, ifindex=2, flags=0, scope=0, label=None, brd=None, cache=True,
            extra_flags=None):
    ip = ipaddress.ip_address(ip)
    family = 2 if ip.version == 4 else 10
    body = struct.pack("=BBBBI", family, prefix, flags & 0xFF, scope, ifindex)
    if ip.version == 4:
        body += attr(IFA_ADDRESS, ip.packed) + attr(IFA_LOCAL, ip.packed)
        if label:
            body += attr(IFA_LABEL, label.encode() + b"\0")
        if brd:
            body += attr(IFA_BROADCAST, ipaddress.ip_address(brd).packed)
    else:
        body += attr(IFA_ADDRESS, ip.packed)
    if cache:  # ifa_prefered, ifa_valid, cstamp, tstamp
        body += attr(IFA_CACHEINFO, struct.pack("=IIII", 0xFFFFFFFF, 0xFFFFFFFF, 100, 200))
    body += attr(IFA_FLAGS, struct.pack("=I", flags if extra_flags is None else extra_flags))
    return message(kind, body)


def link(kind, ifindex, name, flags):
    body = struct.pack("=BxHiII", 0, 1, ifindex, flags, 0xFFFFFFFF)
    body += attr(IFLA_IFNAME, name.encode() + b"\0") + attr(IFLA_MTU, struct.pack("=I", 1500))
    return message(kind, body, flags=0, seq=0)


def error(errno, request=b"", text=None):
    flags = 0
    body = struct.pack("=i", -errno)
    body += request if request else struct.pack("=IHHII", 16, RTM_NEWADDR, 5, SEQ, 0)
    if text is not None:
        flags = NLM_F_ACK_TLVS | (NLM_F_CAPPED if not request else 0)
        body = align(body) + attr(NLMSGERR_ATTR_MSG, text.encode() + b"\0")
    return message(NLMSG_ERROR, body, flags=flags)


def netlink_seeds():
    done = message(NLMSG_DONE, struct.pack("=i", 0))
    v4 = address(RTM_NEWADDR, "192.0.2.1", 24, flags=IFA_F_PERMANENT, label="eth0", brd="192.0.2.255")
    v4_alias = address(RTM_NEWADDR, "192.0.2.10", 24, flags=IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE,
                       label="eth0:vip", cache=True)
    v6 = address(RTM_NEWADDR, "2001:db8::1", 64, flags=IFA_F_PERMANENT | IFA_F_NODAD)
    v6_ll = address(RTM_NEWADDR, "fe80::1", 64, scope=253, flags=IFA_F_PERMANENT)
    v6_tentative = address(RTM_NEWADDR, "2001:db8::2", 64, flags=IFA_F_TENTATIVE)
    request = struct.pack("=IHHII", 40, RTM_NEWADDR, 0x605, SEQ, 0) + bytes(24)
    return {
        "synth-ack": error(0),
        "synth-eexist": error(17),
        "synth-eperm-extack": error(1, text="Permission denied for this address"),
        "synth-einval-extack-full": error(22, request=request, text="Invalid prefix length"),
        "synth-other-seq-then-ack": message(NLMSG_ERROR, struct.pack("=i", 0) + bytes(16),
                                            seq=7) + error(0),
        "synth-overrun": message(NLMSG_OVERRUN, b""),
        "synth-dump-v4": v4 + v4_alias + done,
        "synth-dump-v6": v6 + v6_ll + v6_tentative + done,
        "synth-dump-other-ifindex": address(RTM_NEWADDR, "198.51.100.1", 24, ifindex=3) + done,
        "synth-dump-part": v4 + v6,
        "synth-dump-intr": message(RTM_NEWADDR, v4[16:], flags=NLM_F_MULTI | NLM_F_DUMP_INTR),
        "synth-dump-error": message(NLMSG_DONE, struct.pack("=i", -16)),
        "synth-newaddr-v4": v4,
        "synth-deladdr-v6": address(RTM_DELADDR, "2001:db8::1", 64),
        "synth-dadfailed": address(RTM_NEWADDR, "2001:db8::3", 64,
                                   flags=IFA_F_DADFAILED | IFA_F_TENTATIVE),
        "synth-newlink-up": link(RTM_NEWLINK, 2, "eth0", IFF_UP | IFF_RUNNING),
        "synth-newlink-down": link(RTM_NEWLINK, 2, "eth0", IFF_UP),
        "synth-dellink": link(RTM_DELLINK, 3, "veth-gone", 0),
        "synth-notifications": link(RTM_NEWLINK, 2, "eth0", IFF_UP) + v6_tentative +
        address(RTM_DELADDR, "192.0.2.1", 24) + link(RTM_NEWLINK, 2, "eth0", IFF_UP | IFF_RUNNING),
    }


def control_seeds():
    return {
        "status": "status\n",
        "status-json": "status json\n",
        "status-dashjson": "status --json\r\n",
        "stats": "stats\n",
        "reload": "reload\n",
        "fault-set": "fault set VI_1\n",
        "fault-clear": "fault  clear\tVI_1\n",
        "priority": "priority VI_1 -60\n",
        "priority-plus": "priority VI_1 +254\n",
        "priority-zero": "priority VI_1 0",
        "bad": "priority VI_1 --5\n",
        "answer-ok": "ok VI_1: operator fault set\n",
        "answer-table": "ok 2 instances\nINSTANCE STATE\nVI_1     MASTER\nVI_2     BACKUP\n",
        "answer-refused": "refused keepalived.conf:12: priority 0 is out of range 1..255\n",
        "answer-busy": "busy\n",
    }


def main():
    write_seeds("config_include_fuzz", config_include_seeds())
    write_seeds("netlink_fuzz", netlink_seeds())
    write_seeds("control_fuzz", control_seeds())
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
                 "keepalived-garp", "keepalived-v3-ipv6-na", "keepalived-v2-ah"]:
        seeds["frame-" + name.removeprefix("keepalived-")] = section(name, "whole frame")
    for name, data in seeds.items():
        (SEEDS / name).write_bytes(data)


if __name__ == "__main__":
    main()
