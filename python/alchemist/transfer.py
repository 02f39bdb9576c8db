"""Moves matrix values between the client and the workers that own the rows.

Rows are cut into blocks of about ``message_bytes`` (4 MiB by default): whole rows when a row fits, pieces
of a row when it does not. Each block is one message (SEND_MATRIX_BLOCKS, or the reply to
REQUEST_MATRIX_BLOCKS) carrying its values as one run of big-endian doubles, made and read by numpy in
bulk. Every worker gets its own thread that keeps ``window`` messages in flight on its connection, and all
workers are served at once, as the Java client's transfer does. The first failure stops every stream (each
still collects the replies it is owed, so its connection stays in step) and is raised when all have stopped.
"""

import collections
import threading
from collections import namedtuple


from . import header as _header
from .codes import Command, ErrorCode
from .errors import AlchemistConnectionError, AlchemistError
from .writer import MessageWriter

#: Default size of one block message: 4 MiB.
DEFAULT_MESSAGE_BYTES = 4 << 20
#: Default block messages in flight per worker.
DEFAULT_WINDOW = 4
#: Bytes of a block message besides its values: header, matrix ID run, bounds run, values run header.
BLOCK_OVERHEAD = _header.LENGTH + 7 + 37 + 5


class Block(namedtuple("Block", "first_row rows first_col width")):
    """``rows`` rows from ``first_row`` and ``width`` columns from ``first_col``; bounds on the wire are inclusive."""

    __slots__ = ()

    @property
    def last_row(self):
        return self.first_row + self.rows - 1

    @property
    def last_col(self):
        return self.first_col + self.width - 1


def cut(row_start, row_end, col_start, col_end, max_values):
    """Cuts rows ``[row_start, row_end)`` x columns ``[col_start, col_end)`` into blocks of at most
    ``max_values`` values (at least one each), row-major: runs of whole rows, or pieces of single rows."""
    width = col_end - col_start
    if row_end <= row_start or width <= 0:
        return []
    if width <= max_values:
        step = max(1, max_values // width)
        return [Block(r, min(step, row_end - r), col_start, width) for r in range(row_start, row_end, step)]
    piece = max(1, max_values)
    return [Block(r, 1, c, min(piece, col_end - c))
            for r in range(row_start, row_end) for c in range(col_start, col_end, piece)]


def connection_to(connections, layout, i):
    """The session's connection to the ``i``-th worker of a matrix's layout.

    Raises:
        AlchemistError: ERROR 8 (UNKNOWN_MATRIX) when the session does not hold that worker: the matrix is
            another session's, or it was freed when the worker was yielded.
    """
    worker = layout.worker_ids[i]
    try:
        return connections[worker]
    except KeyError:
        raise AlchemistError(ErrorCode.UNKNOWN_MATRIX, "matrix %d is laid out on worker %d, which this session "
                             "does not hold (it is another session's matrix, or it was freed when the worker "
                             "was yielded)" % (layout.matrix_id, worker)) from None


def send_matrix(layout, source, connections, message_bytes=DEFAULT_MESSAGE_BYTES, window=DEFAULT_WINDOW):
    """Sends every row of ``source`` to the worker that owns it.

    Args:
        layout: the matrix's :class:`~alchemist.layout.MatrixLayout` (MATRIX_INFO's reply).
        source: has ``num_cols`` and ``block(first_row, rows, first_col, width)`` returning those values as
            a 2-D array-like (see :mod:`alchemist.sources`).
        connections: worker ID -> :class:`~alchemist.connection.Connection`, for every worker of the layout.

    Raises:
        AlchemistError: a worker's error, or a lost connection.
    """
    max_values = max(1, (message_bytes - BLOCK_OVERHEAD) // 8)
    plan = [(connection_to(connections, layout, i), cut(start, end, 0, source.num_cols, max_values))
            for i, (start, end) in enumerate(layout.row_ranges)]

    def request(conn, b):
        w = MessageWriter().put_matrix_id(layout.matrix_id).put_bounds(b.first_row, b.last_row, b.first_col,
                                                                        b.last_col)
        w.put_doubles(source.block(b.first_row, b.rows, b.first_col, b.width))
        conn.send(Command.SEND_MATRIX_BLOCKS, w)

    def on_reply(conn, b, reply):
        matrix_id, stored = reply.read_matrix_id(), reply.read_int()
        if matrix_id != layout.matrix_id or stored != 1:
            raise AlchemistError(ErrorCode.INTERNAL_ERROR, "%s stored %d blocks of matrix %d for one block of "
                                 "matrix %d" % (conn.name, stored, matrix_id, layout.matrix_id))

    _run_streams(plan, request, on_reply, window)


def fetch_matrix(layout, row_start, row_end, col_start, col_end, out, connections,
                 message_bytes=DEFAULT_MESSAGE_BYTES, window=DEFAULT_WINDOW):
    """Fetches rows ``[row_start, row_end)`` and columns ``[col_start, col_end)`` into ``out``, where
    ``out[i, j]`` receives element ``(row_start + i, col_start + j)``; each reply's values are converted
    from big-endian into ``out`` in one numpy assignment.

    Raises:
        AlchemistError: a worker's error (e.g. ERROR 8 for a matrix freed meanwhile), or a lost connection.
    """
    max_values = max(1, (message_bytes - 64) // 8)
    plan = []
    for i, (start, end) in enumerate(layout.row_ranges):
        blocks = cut(max(row_start, start), min(row_end, end), col_start, col_end, max_values)
        if blocks:
            plan.append((connection_to(connections, layout, i), blocks))

    def request(conn, b):
        w = MessageWriter().put_matrix_id(layout.matrix_id).put_bounds(b.first_row, b.last_row, b.first_col,
                                                                        b.last_col)
        conn.send(Command.REQUEST_MATRIX_BLOCKS, w)

    def on_reply(conn, b, reply):
        matrix_id = reply.read_matrix_id()
        bounds = (reply.read_long(), reply.read_long(), reply.read_long(), reply.read_long())
        if matrix_id != layout.matrix_id or bounds != (b.first_row, b.last_row, b.first_col, b.last_col):
            raise AlchemistError(ErrorCode.INTERNAL_ERROR, "%s answered with block %d..%d x %d..%d of matrix %d "
                                 "for %s of matrix %d" % ((conn.name,) + bounds + (matrix_id, b, layout.matrix_id)))
        values = reply.read_doubles(b.rows * b.width).reshape(b.rows, b.width)
        r, c = b.first_row - row_start, b.first_col - col_start
        out[r:r + b.rows, c:c + b.width] = values

    _run_streams(plan, request, on_reply, window)


def _run_streams(plan, request, on_reply, window):
    """Runs each ``(connection, blocks)`` stream in a thread of its own (the last in this one) and raises
    the first failure once every stream has stopped."""
    plan = [(conn, blocks) for conn, blocks in plan if blocks]
    stop = threading.Event()
    failures = []
    lock = threading.Lock()

    def run(conn, blocks):
        try:
            _stream(conn, blocks, request, on_reply, window, stop)
        except BaseException as e:  # noqa: B902 - every failure must reach the caller's thread
            with lock:
                failures.append(e)
            stop.set()

    threads = [threading.Thread(target=run, args=stream, name="alchemist-transfer", daemon=True)
               for stream in plan[:-1]]
    for t in threads:
        t.start()
    if plan:
        run(*plan[-1])
    for t in threads:
        t.join()
    if failures:
        raise failures[0]


def _stream(conn, blocks, request, on_reply, window, stop):
    """Sends one connection's blocks with at most ``window`` requests in flight, handling replies in order."""
    in_flight = collections.deque()
    try:
        for b in blocks:
            if stop.is_set():
                break
            if len(in_flight) == window:
                done = in_flight.popleft()
                on_reply(conn, done, conn.receive())
            request(conn, b)
            in_flight.append(b)
        while in_flight:
            done = in_flight.popleft()
            on_reply(conn, done, conn.receive())
    except AlchemistConnectionError:
        raise
    except AlchemistError:
        _drain(conn, len(in_flight))  # an ERROR reply: every message went out whole, the rest will be answered
        raise
    except BaseException:
        # Anything else (a source that could not be read, an interrupt) may have stopped a message halfway:
        # the connection is out of step for good. The next transfer opens a new one.
        conn.close()
        raise


def _drain(conn, owed):
    """Collects the replies still owed after a failure, so the connection can serve the next request."""
    for _ in range(owed):
        try:
            conn.receive()
        except AlchemistConnectionError:
            return
        except AlchemistError:
            continue
