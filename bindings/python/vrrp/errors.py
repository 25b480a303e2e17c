"""Exceptions: a function of libvrrp that returns a negative VRRP_ERR_* code raises the VrrpError
subclass of that code, with vrrp_last_error()'s message (which names the field, line or
interface at fault)."""

from typing import Optional

from .enums import Drop, ErrorCode


class VrrpError(Exception):
    """A libvrrp call failed: `code` is the VRRP_ERR_* (an ErrorCode when known), `message` what
    vrrp_last_error() said."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        try:
            self.code: int = ErrorCode(code)
        except ValueError:
            self.code = code
        self.message = message

    def __str__(self) -> str:
        name = self.code.name if isinstance(self.code, ErrorCode) else str(self.code)
        return f"{self.message} ({name})" if self.message else name


class InvalidArgumentError(VrrpError, ValueError):
    """VRRP_ERR_INVALID_ARGUMENT: a bad value; the message names the field and its range."""


class NoBufferError(VrrpError):
    """VRRP_ERR_NOBUF: a buffer was too small (the package retries; seeing it is a bug)."""


class NotFoundError(VrrpError, LookupError):
    """VRRP_ERR_NOT_FOUND: no such instance, key, node, interface or file."""


class ExistsError(VrrpError):
    """VRRP_ERR_EXISTS: the key or name is taken."""


class NoMemoryError(VrrpError, MemoryError):
    """VRRP_ERR_NOMEM: out of memory."""


class ConfigError(VrrpError, ValueError):
    """VRRP_ERR_CONFIG: a configuration text was refused; the message has the line."""


class PermissionDeniedError(VrrpError):
    """VRRP_ERR_PERMISSION: the system refused (CAP_NET_RAW, CAP_NET_ADMIN)."""


class SystemCallError(VrrpError):
    """VRRP_ERR_SYSTEM: another system call failed."""


class StateError(VrrpError):
    """VRRP_ERR_STATE: not possible in the handle's state."""


class LivelockError(VrrpError):
    """VRRP_ERR_LIVELOCK: a simulated LAN ran too many events at one instant."""


class InternalError(VrrpError):
    """VRRP_ERR_INTERNAL: a bug in libvrrp; please report it with the message."""


class DecodeError(ValueError):
    """decode() refused a packet: `drop` is the first check that failed."""

    def __init__(self, drop: Drop) -> None:
        super().__init__(f"advertisement refused: {drop.name.lower()}")
        self.drop = drop


_BY_CODE: dict[int, type[VrrpError]] = {
    ErrorCode.INVALID_ARGUMENT: InvalidArgumentError,
    ErrorCode.NOBUF: NoBufferError,
    ErrorCode.NOT_FOUND: NotFoundError,
    ErrorCode.EXISTS: ExistsError,
    ErrorCode.NOMEM: NoMemoryError,
    ErrorCode.CONFIG: ConfigError,
    ErrorCode.PERMISSION: PermissionDeniedError,
    ErrorCode.SYSTEM: SystemCallError,
    ErrorCode.STATE: StateError,
    ErrorCode.LIVELOCK: LivelockError,
    ErrorCode.INTERNAL: InternalError,
}


def error_for(code: int, message: Optional[str] = None) -> VrrpError:
    """The exception for a negative return code, with the thread's last error message unless
    `message` is given."""
    if message is None:
        from ._lib import last_error

        message = last_error()
    return _BY_CODE.get(code, VrrpError)(code, message)
