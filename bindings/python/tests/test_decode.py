"""vrrp.decode on keepalived 2.2.7's captures (tests/vectors/*.pcap), checked field by field
against tshark's decode in the .txt beside each capture (never against our own encoder)."""

import ipaddress
import pathlib
import re

import pytest

import vrrp
from pcap import frames, ip_packet

CAPTURES = ["keepalived-v2-pass", "keepalived-v2-priority0", "keepalived-v2-unicast",
            "keepalived-v3-ipv4", "keepalived-v3-ipv6"]


def tshark_fields(txt: str) -> dict:
    """The VRRP fields of the packet of interest, from tshark -V's text."""
    section = txt.split("Virtual Router Redundancy Protocol", 1)[1].split("###", 1)[0]
    fields = {
        "version": int(re.search(r"Version (\d+), Packet type", section).group(1)),
        "vrid": int(re.search(r"Virtual Rtr ID: (\d+)", section).group(1)),
        "priority": int(re.search(r"Priority: (\d+)", section).group(1)),
        "count": int(re.search(r"Addr Count: (\d+)", section).group(1)),
        "interval": int(re.search(r"Adver Int: (\d+)", section).group(1)),
        "addresses": [ipaddress.ip_address(a)
                      for a in re.findall(r"IP(?:v6)? Address: (\S+)", section)],
    }
    auth = re.search(r"Auth Type: .*\((\d+)\)", section)
    fields["auth_type"] = int(auth.group(1)) if auth else 0
    payload = re.search(r"### vrrp message = IP payload \(hex\)\n([0-9a-f]+)", txt)
    fields["payload"] = bytes.fromhex(payload.group(1))
    return fields


def first_vrrp_packet(path: pathlib.Path):
    for linktype, frame in frames(path):
        packet = ip_packet(linktype, frame)
        if packet is not None and packet.protocol == vrrp._types.IP_PROTOCOL:
            return packet
    raise AssertionError(f"{path}: no VRRP packet")


@pytest.mark.parametrize("name", CAPTURES)
def test_decode_keepalived_capture(vectors: pathlib.Path, name: str) -> None:
    if not (vectors / f"{name}.pcap").exists():
        pytest.skip(f"no {name}.pcap")
    expected = tshark_fields((vectors / f"{name}.txt").read_text())
    packet = first_vrrp_packet(vectors / f"{name}.pcap")
    # The capture reader agrees with tshark on which bytes are the VRRP message.
    assert packet.payload == expected["payload"]
    assert packet.ttl == 255
    ad = vrrp.decode(packet.payload, packet.source, packet.destination, packet.ttl)
    assert ad.version == expected["version"]
    assert ad.family == packet.source.version
    assert ad.vrid == expected["vrid"]
    assert ad.priority == expected["priority"]
    assert len(ad.addresses) == expected["count"]
    assert list(ad.addresses) == expected["addresses"]
    assert ad.auth_type == expected["auth_type"]
    # tshark shows v2's interval in seconds and v3's in centiseconds; ours is centiseconds.
    factor = 100 if ad.version == 2 else 1
    assert ad.interval_cs == expected["interval"] * factor
    assert ad.interval == 1.0


def test_decode_refusals(vectors: pathlib.Path) -> None:
    packet = first_vrrp_packet(vectors / "keepalived-v3-ipv4.pcap")
    with pytest.raises(vrrp.DecodeError) as refused:
        vrrp.decode(packet.payload, packet.source, packet.destination, ttl=64)
    assert refused.value.drop == vrrp.Drop.TTL
    corrupt = bytearray(packet.payload)
    corrupt[-1] ^= 1
    with pytest.raises(vrrp.DecodeError) as refused:
        vrrp.decode(bytes(corrupt), packet.source, packet.destination)
    assert refused.value.drop == vrrp.Drop.CHECKSUM
    # The v3 checksum covers the pseudo-header: another destination fails it too.
    with pytest.raises(vrrp.DecodeError):
        vrrp.decode(packet.payload, packet.source, "192.0.2.6")
    with pytest.raises(vrrp.DecodeError) as refused:
        vrrp.decode(b"\x31", packet.source, packet.destination)
    assert refused.value.drop == vrrp.Drop.TOO_SHORT
    with pytest.raises(vrrp.DecodeError):
        vrrp.decode(b"", packet.source, packet.destination)
    with pytest.raises(ValueError):
        vrrp.decode(packet.payload, "not an address", packet.destination)
