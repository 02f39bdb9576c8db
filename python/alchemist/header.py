"""The 9-byte message header: u16 client ID, u16 session ID, u8 command, u32 body length, big-endian.

Kept apart from the body codec because the connection needs only the header to frame the byte stream
(how much body to read, whether it is over the limit) before anything else is looked at.
"""

import struct
from collections import namedtuple

from .codes import Command

_HEADER = struct.Struct(">HHBI")

#: Bytes in a header.
LENGTH = _HEADER.size

#: The largest body length a header can state.
MAX_BODY_LENGTH = 0xFFFFFFFF


class Header(namedtuple("Header", "client_id session_id command body_length")):
    """A message header. ``command`` is the raw code (it may be one no :class:`Command` has)."""

    __slots__ = ()

    def pack(self):
        """The header's 9 bytes."""
        return _HEADER.pack(self.client_id, self.session_id, self.command, self.body_length)

    @classmethod
    def unpack(cls, data, offset=0):
        """Reads a header from the first 9 bytes of ``data`` at ``offset``."""
        return cls(*_HEADER.unpack_from(data, offset))

    @property
    def command_or_none(self):
        """The :class:`Command`, or None for a code no command has."""
        return Command.from_code(self.command)
