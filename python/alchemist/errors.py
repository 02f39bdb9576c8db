"""Exceptions: one class for every Alchemist failure, carrying the protocol's error code.

A server's ERROR reply (SHORT code, STRING message) becomes an :class:`AlchemistError` with that code and
message, so callers can tell "unknown matrix" (8) from "bad task arguments" (11) without parsing text.
Failures on this side that have a protocol meaning (a connection that cannot be made or drops, a reply that
does not parse) use the same class with the code the Java client uses for them, so one ``except`` clause
covers both.
"""

from .codes import ErrorCode


class AlchemistError(Exception):
    """A failed Alchemist request.

    Attributes:
        code: the :class:`ErrorCode` (an int; an unknown code from a server stays a plain int).
        detail: the message without the code prefix, as the server sent it.
    """

    def __init__(self, code, detail):
        try:
            code = ErrorCode(code)
        except ValueError:
            code = int(code)
        self.code = code
        self.detail = detail
        super().__init__(code, detail)

    def __reduce__(self):
        return type(self), (self.code, self.detail)

    def __str__(self):
        name = self.code.name if isinstance(self.code, ErrorCode) else "UNKNOWN"
        return "error %d (%s): %s" % (self.code, name, self.detail)


class AlchemistConnectionError(AlchemistError, ConnectionError):
    """A connection that could not be made, or that closed or broke while requests waited on it.

    Also a :class:`ConnectionError`, so code written for sockets catches it; its code is INTERNAL_ERROR (15),
    as in the Java client. The connection is unusable afterwards.
    """

    def __init__(self, detail):
        super().__init__(ErrorCode.INTERNAL_ERROR, detail)
        self.errno = None  # OSError's constructor took the code for an errno; it is none

    def __reduce__(self):
        return type(self), (self.detail,)
