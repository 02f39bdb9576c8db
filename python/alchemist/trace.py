"""Prints messages field by field in the layout of the seed's traces, as the Java ``TracePrinter`` does::

                         Client ID:           1
                         Session ID:          0
                         Command code:        16 (MATRIX_INFO)
                         Message body length: 28
                         ----------------------------------------------
                         Datatype (length):   BYTE (2)
                         Data:                0 0

The output is the Java printer's, character for character, for any bytes (a test feeds both the same
messages, malformed ones included), so a Python and a Java session can be compared by their traces. Long
runs are cut after ``max_values`` values with the number left out; a malformed run ends the listing.
"""

import struct
import sys
import threading

from . import header as _header
from .codes import Command, Datatype
from .javafmt import decode_utf8, double_to_string, float_to_string
from .reader import RUN_HEADER_LENGTH

INDENT = " " * 25
_RULE = INDENT + "-" * 46 + "\n"
_RUN = struct.Struct(">BI")
_FORMATS = {
    Datatype.BYTE: ("B", str), Datatype.CHAR: ("B", str), Datatype.COMMAND_CODE: ("B", str),
    Datatype.SHORT: ("H", str), Datatype.MATRIX_ID: ("H", str), Datatype.INT: ("i", str), Datatype.LONG: ("q", str),
    Datatype.FLOAT: ("f", float_to_string), Datatype.DOUBLE: ("d", double_to_string),
}


class TracePrinter:
    """Formats messages. Stateless apart from ``max_values``; safe to share between threads."""

    def __init__(self, max_values=64):
        self.max_values = max_values

    def format_frame(self, message):
        """Formats a whole message (header and body) given as bytes; a short body is formatted as far as it goes."""
        message = memoryview(message).cast("B")
        if len(message) < _header.LENGTH:
            return INDENT + "(truncated header: %d bytes)\n" % len(message)
        head = _header.Header.unpack(message)
        return self.format(head, message[_header.LENGTH:_header.LENGTH + head.body_length])

    def format(self, head, body):
        """Formats a :class:`~alchemist.header.Header` and its body (bytes-like)."""
        body = memoryview(body).cast("B")
        out = [" \n"]
        _line(out, "Client ID:          ", str(head.client_id))
        _line(out, "Session ID:         ", str(head.session_id))
        _line(out, "Command code:       ", Command.describe(head.command))
        _line(out, "Message body length:", str(head.body_length))
        out.append(_RULE)
        at = 0
        first = True
        while at < len(body):
            if not first:
                out.append(" \n")
            first = False
            left = len(body) - at
            if left < RUN_HEADER_LENGTH:
                _line(out, "(truncated run header)", "")
                break
            code, count = _RUN.unpack_from(body, at)
            at += RUN_HEADER_LENGTH
            left -= RUN_HEADER_LENGTH
            wire = Datatype.from_code(code)
            if wire is None or wire == Datatype.NONE or count * wire.size > left:
                name = "UNKNOWN(%d)" % code if wire is None else wire.name
                _line(out, "Datatype (length):  ", "%s (%d) - malformed, %d bytes left" % (name, count, left))
                break
            _line(out, "Datatype (length):  ", "%s (%d)" % (wire.name, count))
            _line(out, "Data:               ", self._data(body, at, wire, count))
            at += count * wire.size
        return "".join(out)

    def _data(self, body, at, wire, count):
        if wire == Datatype.STRING:
            return _cut_text(decode_utf8(body[at:at + count]), self.max_values * 8, count)
        shown = min(count, self.max_values)
        code, text = _FORMATS[wire]
        values = struct.unpack_from(">%d%s" % (shown, code), body, at)
        s = "".join(text(v) + " " for v in values)
        if count > shown:
            s += "... (%d more)" % (count - shown)
        return s


def _cut_text(text, limit, byte_count):
    """Java's ``text.substring(0, limit) + " ... (n bytes)"`` when ``text.length() > limit``.

    Java counts UTF-16 units, not code points; a pair split by the cut leaves a lone surrogate, which
    Java's UTF-8 encoder writes as '?'.
    """
    units = text.encode("utf-16-le", errors="surrogatepass")
    if len(units) // 2 <= limit:
        return text
    head = units[:2 * limit]
    last = int.from_bytes(head[-2:], "little")
    if 0xD800 <= last <= 0xDBFF:
        return head[:-2].decode("utf-16-le") + "?" + " ... (%d bytes)" % byte_count
    return head.decode("utf-16-le") + " ... (%d bytes)" % byte_count


def _line(out, label, value):
    out.append(INDENT + label + " " + value + "\n")


class Tracer:
    """A session's traces: one object shared by all its connections, so turning ``enabled`` on or off
    takes effect on connections already open. Each message is written whole, so messages of threads that
    send to several workers at once never interleave. The stream is looked up at each write
    (``sys.stdout`` by default), so redirecting stdout later redirects the traces too."""

    def __init__(self, stream=None, printer=None, enabled=False):
        self.stream = stream
        self.enabled = enabled
        self.printer = printer or TracePrinter()
        self._lock = threading.Lock()

    def write(self, text):
        """Writes text as one piece (whether or not enabled: callers check ``enabled``)."""
        with self._lock:
            stream = self.stream if self.stream is not None else sys.stdout
            stream.write(text)
            stream.flush()

    def message(self, head, body):
        """Prints one message (a Header and its body bytes)."""
        self.write(self.printer.format(head, body))

    def log(self, line):
        """Prints one line of narration ("Connecting to Alchemist at ...")."""
        self.write(line + "\n")
