"""Builds message bodies: typed values grouped into runs, matrix data as whole big-endian blocks.

Consecutive values of one datatype share one run (``put_short(2); put_short(1)`` writes ``SHORT (2) 2 1``)
and a string is always a run of its own, as the Java ``MessageWriter`` does, so both clients put the same
bytes on the wire for the same calls. Blocks of doubles are not copied into the body: ``put_doubles``
keeps the (big-endian, C-ordered) array as a separate buffer and the connection hands the list of buffers
to the socket in one gathered write.
"""

import struct

import numpy as np

from . import header as _header
from .codes import Datatype, STRUCT_FORMAT

_RUN = struct.Struct(">BI")
_PACKERS = {t: struct.Struct(">" + f) for t, f in STRUCT_FORMAT.items()}
_INT_RANGES = {
    # BYTE and SHORT take both readings (IDs and ports are unsigned SHORTs; traces print BYTEs unsigned)
    Datatype.BYTE: (-(1 << 7), (1 << 8) - 1),
    Datatype.SHORT: (-(1 << 15), (1 << 16) - 1),
    Datatype.INT: (-(1 << 31), (1 << 31) - 1),
    Datatype.LONG: (-(1 << 63), (1 << 63) - 1),
    Datatype.MATRIX_ID: (0, (1 << 16) - 1),
}
_UNSIGNED_TOO = {Datatype.BYTE: (1 << 7) - 1, Datatype.SHORT: (1 << 15) - 1}  # the largest signed value
#: The wire type of each numpy scalar type whose width says which one it is.
_NUMPY_TYPES = {
    np.dtype(np.int8): Datatype.BYTE, np.dtype(np.int16): Datatype.SHORT, np.dtype(np.int32): Datatype.INT,
    np.dtype(np.int64): Datatype.LONG, np.dtype(np.float32): Datatype.FLOAT, np.dtype(np.float64): Datatype.DOUBLE,
}

#: Big-endian IEEE 754 doubles, the wire form of matrix values.
WIRE_DOUBLE = np.dtype(">f8")


class MessageWriter:
    """One message body under construction. Not thread-safe; one writer per message."""

    def __init__(self):
        self._parts = []            # bytearrays of small values, and big-endian arrays of block values
        self._small = None          # the bytearray small values go to now
        self._run_type = None
        self._run_count_at = None   # (bytearray, offset) of the open run's count
        self._run_count = 0

    # --- scalars ---

    def put_byte(self, value):
        return self._put(Datatype.BYTE, value)

    def put_short(self, value):
        """A SHORT; 0..65535 are accepted too (IDs and ports are unsigned SHORTs) and sent as their bits."""
        return self._put(Datatype.SHORT, value)

    def put_int(self, value):
        return self._put(Datatype.INT, value)

    def put_long(self, value):
        return self._put(Datatype.LONG, value)

    def put_float(self, value):
        return self._put(Datatype.FLOAT, value)

    def put_double(self, value):
        return self._put(Datatype.DOUBLE, value)

    def put_matrix_id(self, matrix_id):
        """A matrix ID the way the original clients send it: as a SHORT."""
        return self.put_short(matrix_id)

    def put_matrix_handle(self, matrix_id):
        """A matrix ID as the MATRIX_ID datatype (ext), which tells a reader that a matrix follows."""
        return self._put(Datatype.MATRIX_ID, matrix_id)

    def put_bounds(self, first_row, last_row, first_col, last_col):
        """The four inclusive bounds of a block."""
        return self.put_long(first_row).put_long(last_row).put_long(first_col).put_long(last_col)

    def put_string(self, text):
        """A string, always a run of its own: ``STRING (bytes) text``."""
        data = text.encode("utf-8")
        self._close_run()
        small = self._small_buffer()
        small += _RUN.pack(Datatype.STRING, len(data))
        small += data
        return self

    def put_value(self, value):
        """Writes a Python or numpy scalar as its natural wire type.

        numpy int8/int16/int32/int64/float32/float64 keep their width (BYTE, SHORT, INT, LONG, FLOAT, DOUBLE);
        a Python int goes as INT when it fits, else LONG (the server accepts any integer type whose value fits
        an integer parameter); bool as BYTE 0/1, float as DOUBLE, str as STRING.

        Raises:
            TypeError: for anything else (a matrix goes by ``put_matrix_id``).
            ValueError: for an int outside the LONG range.
        """
        if isinstance(value, np.generic):
            wire = _NUMPY_TYPES.get(value.dtype)
            if wire is not None:
                return self._put(wire, value.item())
            if isinstance(value, np.integer):
                value = int(value)
            elif isinstance(value, np.bool_):
                value = bool(value)
            else:
                raise TypeError("no wire type for numpy %s values" % value.dtype)
        if isinstance(value, bool):
            return self.put_byte(int(value))
        if isinstance(value, int):
            lo, hi = _INT_RANGES[Datatype.INT]
            return self.put_int(value) if lo <= value <= hi else self.put_long(value)
        if isinstance(value, float):
            return self.put_double(value)
        if isinstance(value, str):
            return self.put_string(value)
        raise TypeError("no wire type for %s values" % type(value).__name__)

    # --- matrix data ---

    def put_doubles(self, values):
        """Appends doubles to the current DOUBLE run as one block, without copying when it can.

        ``values`` is any array-like; it goes on the wire in C (row-major) order as big-endian doubles. An
        array that already is C-contiguous ``>f8`` is sent as it is; anything else is converted once.
        """
        block = np.ascontiguousarray(values, dtype=WIRE_DOUBLE)
        self._extend_run(Datatype.DOUBLE, block.size)
        if block.size:
            self._flush_small()
            self._parts.append(memoryview(block).cast("B"))
        return self

    # --- the whole message ---

    def body_length(self):
        """Bytes of the body written so far."""
        return sum(len(p) if isinstance(p, bytearray) else p.nbytes for p in self._parts)

    def buffers(self, client_id, session_id, command):
        """Closes the body and returns the message as a list of buffers: header first, then the body.

        Raises:
            ValueError: if the body is longer than a header can state (4 GiB).
        """
        self._close_run()
        length = self.body_length()
        if length > _header.MAX_BODY_LENGTH:
            raise ValueError("message body of %d bytes is over the 4 GiB a header can state" % length)
        head = _header.Header(client_id, session_id, int(command), length).pack()
        return [head] + self._parts

    def to_bytes(self, client_id, session_id, command):
        """The whole message as one bytes object (for tests and traces; sending uses :meth:`buffers`)."""
        return b"".join(bytes(b) for b in self.buffers(client_id, session_id, command))

    # --- runs ---

    def _put(self, wire, value):
        value = _checked(wire, value)
        if wire in _UNSIGNED_TOO and value > _UNSIGNED_TOO[wire]:
            value -= 2 * (_UNSIGNED_TOO[wire] + 1)  # the same bits, read as signed
        self._extend_run(wire, 1)
        self._small_buffer().extend(_PACKERS[wire].pack(value))
        return self

    def _extend_run(self, wire, count):
        if self._run_type != wire:
            self._close_run()
            small = self._small_buffer()
            self._run_count_at = (small, len(small))
            small += _RUN.pack(wire, 0)
            self._run_type = wire
            self._run_count = 0
        self._run_count += count

    def _close_run(self):
        if self._run_type is not None:
            if self._run_count > 0xFFFFFFFF:
                raise ValueError("a run of %d values is over the 2^32 - 1 a run can state" % self._run_count)
            small, at = self._run_count_at
            struct.pack_into(">I", small, at + 1, self._run_count)
            self._run_type = None
            self._run_count_at = None

    def _small_buffer(self):
        if self._small is None:
            self._small = bytearray()
            self._parts.append(self._small)
        return self._small

    def _flush_small(self):
        self._small = None


def _checked(wire, value):
    """The value, if the datatype can hold it; integer types refuse what does not fit instead of wrapping."""
    if wire in _INT_RANGES:
        if isinstance(value, float) or not isinstance(value, (int, np.integer)):
            raise TypeError("%s needs an integer, got %r" % (wire.name, value))
        lo, hi = _INT_RANGES[wire]
        if not lo <= value <= hi:
            raise ValueError("%d does not fit in a %s" % (value, wire.name))
        return int(value)
    return value
