"""One TCP connection to the driver or to a worker: framing, request/reply pairing, traces.

Requests may be pipelined: :meth:`Connection.send` writes a request and returns at once, and
:meth:`Connection.receive` takes the reply to the oldest request still waiting, because the server
answers in request order. A transfer keeps a few block messages in flight this way so the socket never
idles waiting for a reply. An ERROR reply raises :class:`AlchemistError` with the server's code and
message and leaves the connection usable; a dropped connection, or a reply that does not parse, closes it
and fails every later call with the same :class:`AlchemistConnectionError`.

A connection is meant for one thread at a time (the session's, or one transfer stream's).
"""

import collections
import socket

from . import header as _header
from .codes import Command, ErrorCode
from .errors import AlchemistConnectionError, AlchemistError
from .reader import MessageReader, check_runs
from .writer import MessageWriter

#: Largest reply body accepted unless told otherwise (the Java client's default).
DEFAULT_MAX_BODY = 256 << 20
#: Socket buffer size asked for: block messages are a few MiB.
SOCKET_BUFFER = 4 << 20
#: Seconds to wait for a connection to be accepted.
CONNECT_TIMEOUT = 30.0


class Connection:
    """A connection to one Alchemist peer.

    Attributes:
        name: what errors call the peer, e.g. ``"worker 2 at 127.0.0.1:24962"``.
        client_id, session_id: the IDs that go in every header (set by the handshake reply).
    """

    def __init__(self, sock, name, tracer=None, max_body=DEFAULT_MAX_BODY):
        """Wraps a connected socket; ``tracer`` (a :class:`~alchemist.trace.Tracer`) prints each message
        while it is enabled."""
        self._sock = sock
        self.name = name
        self._tracer = tracer
        self.max_body = max_body
        self.client_id = 0
        self.session_id = 0
        self._pending = collections.deque()   # commands of the requests waiting for replies, oldest first
        self._closed_cause = None
        self._buffer = bytearray(64 << 10)     # reused for every reply body
        self._head = bytearray(_header.LENGTH)

    @classmethod
    def open(cls, host, port, name, tracer=None, max_body=DEFAULT_MAX_BODY, timeout=CONNECT_TIMEOUT):
        """Connects to ``host:port``.

        Raises:
            AlchemistConnectionError: if the connection cannot be made (refused, unreachable, timed out).
        """
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as e:
            raise AlchemistConnectionError("cannot connect to %s at %s:%s: %s" % (name, host, port, e)) from e
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BUFFER)
            except OSError:
                pass  # a smaller buffer only costs speed
        return cls(sock, "%s at %s:%s" % (name, host, port), tracer, max_body)

    @property
    def is_open(self):
        """True until the connection is closed or fails."""
        return self._closed_cause is None

    def send(self, command, writer=None):
        """Sends a request (a :class:`MessageWriter` body, or none) without waiting for its reply."""
        self._check_open()
        buffers = (writer or MessageWriter()).buffers(self.client_id, self.session_id, command)
        if self._tracer is not None and self._tracer.enabled:
            body = b"".join(bytes(b) for b in buffers[1:])
            self._tracer.message(_header.Header.unpack(buffers[0]), body)
        self._pending.append(Command(command))
        try:
            _send_all(self._sock, buffers)
        except OSError as e:
            raise self._fail("cannot write to %s: %s" % (self.name, e)) from e

    def receive(self):
        """Waits for the reply to the oldest waiting request.

        Returns:
            a :class:`MessageReader` over the reply body; valid until the next ``receive``.

        Raises:
            AlchemistError: the server's ERROR reply (the connection stays usable).
            AlchemistConnectionError: the connection closed or sent something that is not a reply to it.
        """
        self._check_open()
        if not self._pending:
            raise AlchemistError(ErrorCode.INTERNAL_ERROR, "no request is waiting for a reply from " + self.name)
        head = _header.Header.unpack(self._read_exactly(self._head, _header.LENGTH))
        if head.body_length > self.max_body:
            raise self._fail("%s sent a reply of %d bytes, over the limit of %d" % (
                self.name, head.body_length, self.max_body))
        if len(self._buffer) < head.body_length:
            self._buffer = bytearray(max(head.body_length, 2 * len(self._buffer)))
        body = self._read_exactly(self._buffer, head.body_length)
        if self._tracer is not None and self._tracer.enabled:
            self._tracer.message(head, body)
        try:
            check_runs(body)
        except AlchemistError as e:
            raise self._fail("%s sent a bad reply: %s" % (self.name, e.detail)) from None
        expected = self._pending.popleft()
        reader = MessageReader(body)
        if head.command == Command.ERROR:
            code = reader.read_short()
            raise AlchemistError(code, reader.read_string())
        if head.command != expected:
            raise self._fail("the reply to %s from %s carries command %s" % (
                expected.name, self.name, Command.describe(head.command)))
        if expected == Command.HANDSHAKE:
            self.client_id, self.session_id = head.client_id, head.session_id  # the reply's header names us
        return reader

    def call(self, command, writer=None, parse=None):
        """Sends a request and waits for its reply; returns ``parse(reader)`` (or None without ``parse``).

        Raises:
            AlchemistError: as :meth:`receive`; also when ``parse`` finds the reply of the wrong shape.
        """
        if self._pending:
            raise AlchemistError(ErrorCode.INTERNAL_ERROR, "%d requests to %s still wait for replies" % (
                len(self._pending), self.name))
        try:
            self.send(command, writer)
            reader = self.receive()
        except AlchemistError:
            raise
        except BaseException:
            self._fail("a call to %s was interrupted" % self.name)  # it may have stopped halfway through a message
            raise
        return parse(reader) if parse is not None else None

    def close(self):
        """Closes the socket; requests still waiting are abandoned. Safe to call twice."""
        if self._closed_cause is None:
            self._closed_cause = AlchemistConnectionError("the connection to %s was closed" % self.name)
        self._pending.clear()
        try:
            self._sock.close()
        except OSError:
            pass

    def _read_exactly(self, buffer, n):
        view = memoryview(buffer)[:n]
        got = 0
        try:
            while got < n:
                k = self._sock.recv_into(view[got:], n - got)
                if k == 0:
                    raise self._fail("the connection to %s closed" % self.name)
                got += k
        except OSError as e:
            if isinstance(e, AlchemistConnectionError):
                raise
            raise self._fail("the connection to %s failed: %s" % (self.name, e)) from e
        return view

    def _check_open(self):
        if self._closed_cause is not None:
            raise AlchemistConnectionError(self._closed_cause.detail)

    def _fail(self, detail):
        """Closes the connection for good; the error it returns fails this and every later call."""
        self.close()
        self._closed_cause = AlchemistConnectionError(detail)
        return self._closed_cause

    def __repr__(self):
        return "Connection(%s%s)" % (self.name, "" if self.is_open else ", closed")


def _send_all(sock, buffers):
    """Writes every buffer, in order, with gathered writes (a block's values are never copied into the body)."""
    views = collections.deque(memoryview(b).cast("B") for b in buffers if len(b))
    while views:
        sent = sock.sendmsg(list(views)[:64])
        while sent:
            first = views[0]
            if sent >= len(first):
                sent -= len(first)
                views.popleft()
            else:
                views[0] = first[sent:]
                sent = 0
