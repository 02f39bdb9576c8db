"""The workers a session holds and its data connections to them: the seed's ``als.workers``.

The driver says which workers the session holds (and the token that proves it); :meth:`WorkerGroup.connect`
opens one connection per worker with a handshake carrying that token. Matrix data then goes to and from
the workers directly, never through the driver.
"""

from .codes import Command, ErrorCode
from .connection import Connection
from .errors import AlchemistError
from .handshake import check_handshake_reply, handshake_body
from .writer import MessageWriter


class WorkerGroup:
    """The session's workers (ascending by ID) and their connections."""

    def __init__(self, session):
        self._session = session
        self._assigned = {}
        self._connections = {}
        self._token = 0

    def assign(self, workers, token):
        """Records the session's workers and token as the driver reported them; closes connections to
        workers the session no longer holds."""
        self._assigned = {w.id: w for w in sorted(workers, key=lambda w: w.id)}
        self._token = token
        for worker_id in [i for i in self._connections if i not in self._assigned]:
            self._connections.pop(worker_id).close()

    def list(self):
        """The session's workers as :class:`~alchemist.layout.WorkerInfo`, ascending by ID."""
        return list(self._assigned.values())

    def __len__(self):
        return len(self._assigned)

    def __iter__(self):
        return iter(self.list())

    def connect(self):
        """Connects to every assigned worker not connected yet, presenting the session token.

        Raises:
            AlchemistError: if a worker cannot be reached (AlchemistConnectionError) or refuses the token
                (ERROR 3).
        """
        for worker in self._assigned.values():
            conn = self._connections.get(worker.id)
            if conn is None or not conn.is_open:
                self._connections[worker.id] = self._open(worker)

    def send_test_string(self, text=None):
        """Sends a test text (the seed's "This is a test message from client N") to every worker.

        Returns:
            each worker's answer, in worker order.
        """
        if text is None:
            text = "This is a test message from client %d" % self._session.client_id
        self._session._log("Sending test message: '%s'" % text)
        answers = []
        for conn in self.connected().values():
            answer = conn.call(Command.SEND_TEST_STRING, MessageWriter().put_string(text),
                               lambda r: r.read_string())
            self._session._log("Alchemist returned: '%s'" % answer)
            answers.append(answer)
        return answers

    def request_test_string(self):
        """Each worker's own test text, in worker order."""
        return [conn.call(Command.REQUEST_TEST_STRING, None, lambda r: r.read_string())
                for conn in self.connected().values()]

    def connected(self):
        """The open connections by worker ID, connecting first where needed.

        Raises:
            AlchemistError: ERROR 5 (NO_WORKERS) when the session holds none.
        """
        if not self._assigned:
            raise AlchemistError(ErrorCode.NO_WORKERS, "the session holds no workers; call request_workers(n) first")
        self.connect()
        return dict(self._connections)

    def close(self):
        """Closes every data connection."""
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()

    def _open(self, worker):
        session = self._session
        session._log("Connecting to Alchemist worker %d at %s:%d ..." % (worker.id, worker.address, worker.port))
        conn = Connection.open(worker.address, worker.port, "worker %d" % worker.id, session._tracer)
        conn.client_id, conn.session_id = session.client_id, session.session_id
        try:
            conn.call(Command.HANDSHAKE, handshake_body(self._token),
                      lambda r: check_handshake_reply(r, "worker %d" % worker.id))
        except AlchemistError:
            conn.close()
            raise
        return conn

    def __repr__(self):
        return "WorkerGroup(%s)" % ", ".join("%d: %s:%d%s" % (w.id, w.address, w.port,
                                                              "" if w.id in self._connections else " (not connected)")
                                             for w in self._assigned.values())

