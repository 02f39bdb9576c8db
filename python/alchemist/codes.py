"""The numbers of the wire contract (PROTOCOL.md): datatype, command and error codes.

They are IntEnums so that a code read off the wire compares equal to the plain number and prints with its
name; ``from_code`` turns an unknown number into ``None`` instead of raising, because a peer may send codes
this client does not know and the caller decides what that means.
"""

from enum import IntEnum


class _WireCode(IntEnum):
    """A code that travels in a message, which may be one this client has no name for."""

    @classmethod
    def from_code(cls, code):
        """The member with that code, or None."""
        try:
            return cls(code)
        except ValueError:
            return None


class Datatype(_WireCode):
    """Value types of a message body. A run of ``count`` values takes ``count * size`` bytes."""

    NONE = 0
    CHAR = 1
    FLOAT = 15
    DOUBLE = 16
    BYTE = 18
    SHORT = 34
    INT = 35
    LONG = 36
    STRING = 46
    COMMAND_CODE = 47
    MATRIX_ID = 53

    @property
    def size(self):
        """Bytes per value (per byte of UTF-8 text for STRING, 0 for NONE)."""
        return _SIZES[self]


_SIZES = {
    Datatype.NONE: 0, Datatype.CHAR: 1, Datatype.FLOAT: 4, Datatype.DOUBLE: 8, Datatype.BYTE: 1,
    Datatype.SHORT: 2, Datatype.INT: 4, Datatype.LONG: 8, Datatype.STRING: 1, Datatype.COMMAND_CODE: 1,
    Datatype.MATRIX_ID: 2,
}

#: struct format character of each fixed-size datatype (big-endian is added by the users).
STRUCT_FORMAT = {
    Datatype.CHAR: "B", Datatype.BYTE: "b", Datatype.SHORT: "h", Datatype.INT: "i", Datatype.LONG: "q",
    Datatype.FLOAT: "f", Datatype.DOUBLE: "d", Datatype.COMMAND_CODE: "B", Datatype.MATRIX_ID: "H",
}


class Command(_WireCode):
    """Header command codes."""

    WAIT = 0
    HANDSHAKE = 1
    REQUEST_ID = 2
    CLIENT_INFO = 3
    SEND_TEST_STRING = 4
    REQUEST_TEST_STRING = 5
    REQUEST_WORKERS = 6
    YIELD_WORKERS = 7
    SEND_ASSIGNED_WORKERS_INFO = 8
    LIST_ALL_WORKERS = 9
    LIST_ACTIVE_WORKERS = 10
    LIST_INACTIVE_WORKERS = 11
    LIST_ASSIGNED_WORKERS = 12
    LOAD_LIBRARY = 13
    RUN_TASK = 14
    UNLOAD_LIBRARY = 15
    MATRIX_INFO = 16
    MATRIX_LAYOUT = 17
    SEND_MATRIX_BLOCKS = 18
    REQUEST_MATRIX_BLOCKS = 19
    SHUT_DOWN = 20
    FREE_MATRIX = 21
    LIST_LIBRARIES = 22
    LOAD_HDF5 = 23
    ERROR = 255

    @classmethod
    def describe(cls, code):
        """``"16 (MATRIX_INFO)"``, or ``"99 (UNKNOWN)"``, as the traces print a command code."""
        command = cls.from_code(code)
        return "%d (%s)" % (code, command.name if command is not None else "UNKNOWN")


class ErrorCode(IntEnum):
    """Codes of ERROR replies."""

    INVALID_HANDSHAKE = 1
    INVALID_CLIENT_ID = 2
    INVALID_SESSION = 3
    INCONSISTENT_DATATYPES = 4
    NO_WORKERS = 5
    NON_POSITIVE_WORKER_REQUEST = 6
    UNKNOWN_COMMAND = 7
    UNKNOWN_MATRIX = 8
    BAD_BLOCK_BOUNDS = 9
    UNKNOWN_LIBRARY_OR_TASK = 10
    BAD_TASK_ARGUMENTS = 11
    TASK_FAILED = 12
    MESSAGE_TOO_LARGE = 13
    NOT_PERMITTED = 14
    INTERNAL_ERROR = 15
    NOT_ENOUGH_WORKER_MEMORY = 16


class Handshake:
    """The fixed values of the HANDSHAKE exchange (command 1)."""

    LANGUAGE_PYTHON = 4
    CLIENT_NUMBER = 1234
    CLIENT_TEXT = "ABCD"
    SERVER_NUMBER = 4321
    SERVER_TEXT = "DCBA"
