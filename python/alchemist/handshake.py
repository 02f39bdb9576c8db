"""The HANDSHAKE exchange, the same to the driver and to a worker (which also gets the session token).

The client sends BYTE 4 (Python), SHORT 1234, STRING "ABCD" (and to a worker LONG token); the server
answers SHORT 4321, STRING "DCBA" with the client and session IDs in the reply's header.
"""

from .codes import ErrorCode, Handshake
from .errors import AlchemistError
from .writer import MessageWriter


def handshake_body(token=None):
    """The handshake request body; with ``token``, the one a worker expects."""
    w = (MessageWriter().put_byte(Handshake.LANGUAGE_PYTHON).put_short(Handshake.CLIENT_NUMBER)
         .put_string(Handshake.CLIENT_TEXT))
    return w.put_long(token) if token is not None else w


def check_handshake_reply(reader, who):
    """Checks a handshake reply's SHORT 4321, STRING "DCBA".

    Raises:
        AlchemistError: ERROR 1 (INVALID_HANDSHAKE) if ``who`` answered anything else.
    """
    try:
        number, text = reader.read_short(), reader.read_string()
    except AlchemistError:
        number, text = None, None
    if number != Handshake.SERVER_NUMBER or text != Handshake.SERVER_TEXT:
        raise AlchemistError(ErrorCode.INVALID_HANDSHAKE, "%s answered the handshake wrongly" % who)
