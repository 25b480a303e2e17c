"""A small reader of pcap and pcapng files (tests/vectors' captures), enough to take the IP
packets out of Ethernet or Linux cooked frames. No dependency beyond the standard library."""

import ipaddress
import pathlib
import struct
from dataclasses import dataclass
from typing import Iterator, Union

LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


@dataclass
class IpPacket:
    """One IP packet: its addresses, TTL / hop limit, protocol and payload."""

    source: Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
    destination: Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
    ttl: int
    protocol: int
    payload: bytes


def frames(path: pathlib.Path) -> Iterator[tuple[int, bytes]]:
    """(link type, frame bytes) of every packet in a pcap or pcapng file."""
    data = path.read_bytes()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        yield from _pcap(data, "<")
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        yield from _pcap(data, ">")
    elif magic == b"\x0a\x0d\x0d\x0a":
        yield from _pcapng(data)
    else:
        raise ValueError(f"{path}: not a pcap or pcapng file")


def _pcap(data: bytes, endian: str) -> Iterator[tuple[int, bytes]]:
    (linktype,) = struct.unpack_from(endian + "I", data, 20)
    offset = 24
    while offset + 16 <= len(data):
        _, _, caplen, _ = struct.unpack_from(endian + "IIII", data, offset)
        offset += 16
        yield linktype & 0xFFFF, data[offset : offset + caplen]
        offset += caplen


def _pcapng(data: bytes) -> Iterator[tuple[int, bytes]]:
    endian = "<"
    linktypes: list[int] = []
    offset = 0
    while offset + 12 <= len(data):
        if data[offset : offset + 4] == b"\x0a\x0d\x0d\x0a":  # section header: byte order
            endian = "<" if data[offset + 8 : offset + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            linktypes = []
        block_type, length = struct.unpack_from(endian + "II", data, offset)
        body = data[offset + 8 : offset + length - 4]
        if block_type == 1:  # interface description
            linktypes.append(struct.unpack_from(endian + "H", body, 0)[0])
        elif block_type == 6:  # enhanced packet
            interface, _, _, caplen, _ = struct.unpack_from(endian + "IIIII", body, 0)
            yield linktypes[interface], body[20 : 20 + caplen]
        elif block_type == 3:  # simple packet
            (origlen,) = struct.unpack_from(endian + "I", body, 0)
            yield linktypes[0], body[4 : 4 + origlen]
        if length < 12:
            raise ValueError("pcapng block too short")
        offset += length


def ip_packet(linktype: int, frame: bytes) -> Union[IpPacket, None]:
    """The IP packet inside a frame, or None for anything else (ARP)."""
    if linktype == LINKTYPE_ETHERNET:
        ethertype, offset = struct.unpack_from("!H", frame, 12)[0], 14
        while ethertype in (0x8100, 0x88A8):  # VLAN tags
            ethertype, offset = struct.unpack_from("!H", frame, offset + 2)[0], offset + 4
    elif linktype == LINKTYPE_LINUX_SLL:
        ethertype, offset = struct.unpack_from("!H", frame, 14)[0], 16
    elif linktype == LINKTYPE_LINUX_SLL2:
        ethertype, offset = struct.unpack_from("!H", frame, 0)[0], 20
    else:
        raise ValueError(f"link type {linktype} is not supported")
    ip = frame[offset:]
    if ethertype == 0x0800:
        ihl = (ip[0] & 0x0F) * 4
        (total,) = struct.unpack_from("!H", ip, 2)
        return IpPacket(ipaddress.IPv4Address(ip[12:16]), ipaddress.IPv4Address(ip[16:20]),
                        ip[8], ip[9], ip[ihl:total])
    if ethertype == 0x86DD:
        (length,) = struct.unpack_from("!H", ip, 4)
        return IpPacket(ipaddress.IPv6Address(ip[8:24]), ipaddress.IPv6Address(ip[24:40]),
                        ip[7], ip[6], ip[40 : 40 + length])
    return None
