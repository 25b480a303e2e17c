"""vrrp.h's numbered names as IntEnums. The values are the header's (stable: keepalived's JSON
state numbers and counter order); tests/test_abi.py checks each against the C header."""

import enum


class State(enum.IntEnum):
    """A virtual router's state (VRRP_STATE_*)."""

    INIT = 0
    BACKUP = 1
    MASTER = 2
    FAULT = 3


class Reason(enum.IntEnum):
    """Why a transition happened (VRRP_REASON_*)."""

    NONE = 0
    STARTUP = 1
    OWNER_STARTUP = 2
    MASTER_DOWN_TIMER = 3
    PRIORITY_ZERO_RECEIVED = 4
    PREEMPTED = 5
    HIGHER_PRIORITY_RECEIVED = 6
    FAULT = 7
    FAULT_CLEARED = 8
    SHUTDOWN = 9
    RECONFIGURED = 10
    SYNC_GROUP = 11
    VIP_CONFLICT = 12
    BLACK_HOLE = 13


class Drop(enum.IntEnum):
    """Why a received packet was refused (VRRP_DROP_*); NONE: it was taken."""

    NONE = 0
    TOO_SHORT = 1
    VERSION = 2
    TYPE = 3
    CHECKSUM = 4
    LENGTH = 5
    TTL = 6
    INVALID_AUTH_TYPE = 7
    AUTH_TYPE_MISMATCH = 8
    AUTH_FAILURE = 9
    VRID = 10
    INTERVAL = 11
    ADDRESS_LIST = 12
    FAMILY = 13
    PEER = 14


class AuthType(enum.IntEnum):
    """An advertisement's authentication (VRRP_AUTH_*); PASS is VRRPv2 only."""

    NONE = 0
    PASS = 1
    AH = 2


class Family(enum.IntEnum):
    """An address family as vrrp.h numbers it (VRRP_FAMILY_*)."""

    IPV4 = 4
    IPV6 = 6


class ActionType(enum.IntEnum):
    """What a router asks its caller to do (VRRP_ACTION_*)."""

    SEND_ADVERTISEMENT = 1
    ADD_ADDRESSES = 2
    REMOVE_ADDRESSES = 3
    ANNOUNCE = 4
    STATE_CHANGED = 5


class EventType(enum.IntEnum):
    """What happened to a driver instance or a LAN node (VRRP_EVENT_*)."""

    TRANSITION = 1
    DROP = 2
    ADDRESS_ADDED = 3
    ADDRESS_REMOVED = 4
    ANNOUNCED = 5
    SEND_FAILED = 6
    SYNC_WAITING = 7
    PRIORITY_CHANGED = 8
    GROUP_STATE = 9
    STEP_DOWN = 10
    FAULT_REASONS = 11
    INTERFACE_WAITING = 12
    VIP_CONFLICT = 13
    BLACK_HOLE = 14


class ErrorCode(enum.IntEnum):
    """The negative codes functions return on failure (VRRP_ERR_*)."""

    INVALID_ARGUMENT = -1
    NOBUF = -2
    NOT_FOUND = -3
    EXISTS = -4
    NOMEM = -5
    CONFIG = -6
    PERMISSION = -7
    SYSTEM = -8
    STATE = -9
    LIVELOCK = -10
    INTERNAL = -11
