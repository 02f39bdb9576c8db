"""Reads message bodies: values in order, whatever their grouping into runs.

Two ``read_short()`` calls read ``SHORT (2) 2 1`` and ``SHORT (1) 2 · SHORT (1) 1`` alike, because the
protocol lets a sender group values as it likes. Asking for one type where the body holds another is
ERROR 4 (INCONSISTENT_DATATYPES), as in the Java reader. :func:`check_runs` checks a whole body's run
structure once, when it arrives, so that nothing later reads past the end or trusts an unchecked count.
Matrix values come out as numpy views on the received bytes (``>f8``), never value by value.
"""

import struct

import numpy as np

from .codes import Datatype, ErrorCode, STRUCT_FORMAT
from .errors import AlchemistError
from .javafmt import decode_utf8

_RUN = struct.Struct(">BI")
#: Bytes in a run header.
RUN_HEADER_LENGTH = _RUN.size
_UNPACKERS = {t: struct.Struct(">" + f) for t, f in STRUCT_FORMAT.items()}
_KNOWN_CODES = ", ".join(str(int(t)) for t in Datatype if t != Datatype.NONE)


def malformed(detail):
    """The error for a body whose runs do not parse (ERROR 4, 'malformed message: ...')."""
    return AlchemistError(ErrorCode.INCONSISTENT_DATATYPES, "malformed message: " + detail)


def read_run_header(body, offset):
    """Reads the run header at ``offset`` and checks that its values fit in the body.

    Returns:
        (datatype, count, offset of the first value)

    Raises:
        AlchemistError: ERROR 4 for a truncated header, an unknown datatype or a count that overruns.
    """
    left = len(body) - offset
    if left < RUN_HEADER_LENGTH:
        raise malformed("truncated run header: %d bytes left, need 5" % left)
    code, count = _RUN.unpack_from(body, offset)
    wire = Datatype.from_code(code)
    if wire is None or wire == Datatype.NONE:
        raise malformed("unknown datatype code %d, expected one of %s" % (code, _KNOWN_CODES))
    need = count * wire.size
    left -= RUN_HEADER_LENGTH
    if need > left:
        raise malformed("run of %d %s needs %d bytes but only %d remain in the body" % (count, wire.name, need, left))
    return wire, count, offset + RUN_HEADER_LENGTH


def check_runs(body):
    """Walks every run of a body; raises ERROR 4 (see :func:`read_run_header`) on the first bad one."""
    offset = 0
    while offset < len(body):
        wire, count, offset = read_run_header(body, offset)
        offset += count * wire.size


class MessageReader:
    """Reads the values of one body (any bytes-like object) in order.

    Values read as numpy arrays (:meth:`read_doubles`) are views on the body: copy them before the body's
    buffer is reused.
    """

    def __init__(self, body):
        self._body = memoryview(body).cast("B") if not isinstance(body, memoryview) else body
        self._at = 0
        self._run_type = None
        self._run_left = 0
        self._values_read = 0

    def has_remaining(self):
        """True if a value remains (empty runs do not count)."""
        return self._next_run() is not None

    def peek_type(self):
        """The datatype of the next value, or None at the end of the body."""
        return self._next_run()

    # --- scalars ---

    def read_byte(self):
        return self._take(Datatype.BYTE)

    def read_short(self):
        return self._take(Datatype.SHORT)

    def read_unsigned_short(self):
        """A SHORT read as unsigned (IDs and ports)."""
        return self._take(Datatype.SHORT) & 0xFFFF

    def read_matrix_id(self):
        """A matrix ID, sent as SHORT or as MATRIX_ID."""
        if self._next_run() == Datatype.MATRIX_ID:
            return self._take(Datatype.MATRIX_ID)
        return self._take(Datatype.SHORT) & 0xFFFF

    def read_int(self):
        return self._take(Datatype.INT)

    def read_long(self):
        return self._take(Datatype.LONG)

    def read_float(self):
        return self._take(Datatype.FLOAT)

    def read_double(self):
        return self._take(Datatype.DOUBLE)

    def read_string(self):
        """A whole STRING run, decoded as UTF-8 (bad bytes become U+FFFD, as the Java reader counts them)."""
        found = self._next_run()
        if found != Datatype.STRING:
            raise self._mismatch(Datatype.STRING, found)
        text = decode_utf8(self._body[self._at:self._at + self._run_left])
        self._at += self._run_left
        self._run_type = None
        self._run_left = 0
        self._values_read += 1
        return text

    def read_value(self):
        """The next value as whatever type the body holds: int, float or str (a MATRIX_ID as its int)."""
        found = self._next_run()
        if found is None:
            raise self._mismatch(Datatype.NONE, None)
        if found == Datatype.STRING:
            return self.read_string()
        if found in (Datatype.CHAR, Datatype.COMMAND_CODE):
            raise AlchemistError(ErrorCode.INCONSISTENT_DATATYPES, "no value type for %s" % found.name)
        return self._take(found)

    # --- matrix data ---

    def read_doubles(self, count):
        """The next ``count`` doubles as a read-only ``>f8`` array: a view when they are in one run."""
        pieces = []
        while count > 0:
            found = self._next_run()
            if found != Datatype.DOUBLE:
                raise self._mismatch(Datatype.DOUBLE, found)
            n = min(count, self._run_left)
            pieces.append(np.frombuffer(self._body, dtype=">f8", count=n, offset=self._at))
            self._at += 8 * n
            self._run_left -= n
            self._values_read += n
            count -= n
        if len(pieces) == 1:
            return pieces[0]
        return np.concatenate(pieces) if pieces else np.empty(0, dtype=">f8")

    # --- runs ---

    def _take(self, expected):
        found = self._next_run()
        if found != expected:
            raise self._mismatch(expected, found)
        value = _UNPACKERS[expected].unpack_from(self._body, self._at)[0]
        self._at += expected.size
        self._run_left -= 1
        self._values_read += 1
        return value

    def _next_run(self):
        """Moves past exhausted and empty runs (an empty STRING run is a value: the empty string)."""
        while self._run_type is None or (self._run_left == 0 and self._run_type != Datatype.STRING):
            if self._at >= len(self._body):
                self._run_type = None
                return None
            self._run_type, self._run_left, self._at = read_run_header(self._body, self._at)
        return self._run_type

    def _mismatch(self, expected, found):
        return AlchemistError(ErrorCode.INCONSISTENT_DATATYPES, "expected %s as value #%d but found %s" % (
            expected.name, self._values_read + 1, "the end of the message" if found is None else found.name))
