"""The ctypes mirrors (vrrp/_types.py) and enums against vrrp.h as the C compiler lays it out
(abi_layout.c): every struct's size and alignment, every field's offset and size, every
constant. A mismatch here is memory corruption at run time, so this test guards the hand-written
mirrors."""

import ctypes
import subprocess

import pytest

import vrrp
from vrrp import _lib, _types, enums
from conftest import env_path


@pytest.fixture(scope="module")
def layout() -> dict[str, dict]:
    out = subprocess.run([str(env_path("VRRP_ABI_LAYOUT"))], check=True, capture_output=True,
                         text=True).stdout
    structs: dict[str, tuple[int, int]] = {}
    fields: dict[str, dict[str, tuple[int, int]]] = {}
    consts: dict[str, int] = {}
    for line in out.splitlines():
        kind, *rest = line.split()
        if kind == "struct":
            structs[rest[0]] = (int(rest[1]), int(rest[2]))
        elif kind == "field":
            fields.setdefault(rest[0], {})[rest[1]] = (int(rest[2]), int(rest[3]))
        elif kind == "const":
            consts[rest[0]] = int(rest[1])
    return {"structs": structs, "fields": fields, "consts": consts}


def c_name(field: str) -> str:
    return "from" if field == "from_" else field


@pytest.mark.parametrize("name", sorted(_types.STRUCTS))
def test_struct_layout(layout: dict, name: str) -> None:
    cls = _types.STRUCTS[name]
    assert name in layout["structs"], f"abi_layout.c does not print {name}"
    size, align = layout["structs"][name]
    assert ctypes.sizeof(cls) == size, f"sizeof({name})"
    assert ctypes.alignment(cls) == align, f"alignof({name})"
    c_fields = layout["fields"][name]
    py_fields = [c_name(f[0]) for f in cls._fields_]
    assert py_fields == list(c_fields), f"{name}'s fields differ from vrrp.h's"
    for field, _ in cls._fields_:
        descriptor = getattr(cls, field)
        assert (descriptor.offset, descriptor.size) == c_fields[c_name(field)], f"{name}.{field}"


def test_every_struct_is_mirrored(layout: dict) -> None:
    assert set(layout["structs"]) == set(_types.STRUCTS)


@pytest.mark.parametrize(
    "prefix,enum",
    [
        ("VRRP_STATE_", enums.State),
        ("VRRP_REASON_", enums.Reason),
        ("VRRP_DROP_", enums.Drop),
        ("VRRP_AUTH_", enums.AuthType),
        ("VRRP_ACTION_", enums.ActionType),
        ("VRRP_EVENT_", enums.EventType),
        ("VRRP_ERR_", enums.ErrorCode),
        ("VRRP_FAMILY_", enums.Family),
    ],
)
def test_enums_match_the_header(layout: dict, prefix: str, enum: type) -> None:
    from_c = {k[len(prefix):]: v for k, v in layout["consts"].items() if k.startswith(prefix)}
    from_c.pop("COUNT", None)  # VRRP_DROP_COUNT is not a reason
    assert {m.name: int(m) for m in enum} == from_c


def test_constants_match_the_header(layout: dict) -> None:
    consts = layout["consts"]
    for name in ("VERSION_MAJOR", "VERSION_MINOR", "VERSION_PATCH", "TSTAMP_MAX", "NS_PER_MS",
                 "NS_PER_S", "FAMILY_IPV4", "FAMILY_IPV6", "MAX_ADVERTISEMENT_SIZE",
                 "IP_PROTOCOL", "TTL", "DROP_COUNT", "ROUTER_CONFIG_V1", "DRIVER_OPTIONS_V1",
                 "INSTANCE_CONFIG_V1"):
        assert getattr(_types, name) == consts["VRRP_" + name], name


def test_every_exported_function_has_a_prototype() -> None:
    # The library exports vrrp_* only (vrrp.map); each one the package knows is declared, and
    # a function the library lacks is reported, not silently called with guessed types.
    missing = [name for name in _lib.PROTOTYPES if not _lib.has(name)]
    assert missing == [], f"libvrrp does not export: {missing}"


def test_library_version_and_names() -> None:
    assert vrrp.library_version() == "%d.%d.%d" % (_types.VERSION_MAJOR, _types.VERSION_MINOR,
                                                  _types.VERSION_PATCH)
    assert _lib.C.state_name(vrrp.State.MASTER) == b"MASTER"
    assert _lib.C.reason_name(vrrp.Reason.MASTER_DOWN_TIMER) == b"master_down_timer"
    assert _lib.C.drop_name(vrrp.Drop.CHECKSUM) == b"checksum"


def test_address_conversions_agree_with_the_library() -> None:
    from vrrp import _convert
    for text in ("192.0.2.3", "2001:db8::3", "fe80::1"):
        ours = _convert.to_c_addr(text)
        theirs = _convert.parse_addr(text)
        assert bytes(ours) == bytes(theirs), text
        assert _convert.format_addr(ours) == text
        assert str(_convert.from_c_addr(theirs)) == text
    with pytest.raises(vrrp.InvalidArgumentError):
        _convert.parse_addr("192.0.2.300")
    assert _convert.from_c_addr(_types.vrrp_addr()) is None


def test_time_conversions() -> None:
    import math
    assert vrrp.to_ns(1.5) == 1_500_000_000
    assert vrrp.to_ns(math.inf) == _types.TSTAMP_MAX
    assert vrrp.from_ns(_types.TSTAMP_MAX) == math.inf
    with pytest.raises(ValueError):
        vrrp.to_ns(math.nan)
    now = vrrp.now()
    import time
    assert abs(time.monotonic() - now) < 5  # one clock (CLOCK_MONOTONIC); generous bound
