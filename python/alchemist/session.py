"""``AlchemistSession``: the seed's API, one method per step of the tutorial.

Control requests go to the driver over one connection (one connection is one client and one session on
the server); matrix data goes straight to and from the session's workers through :mod:`alchemist.transfer`.
Stopping the session (``stop()``, or leaving a ``with`` block) gives the workers back, and the server frees
the session's matrices when its connection closes.
"""

import numpy as np

from .codes import Command, Datatype
from .connection import Connection
from .connection_file import ConnectionFile
from .handles import LibraryHandle, MatrixHandle, TaskResult
from .handshake import check_handshake_reply, handshake_body
from .layout import MatrixLayout, ROW_BLOCKS, WorkerInfo
from .sources import ArraySource, Hdf5Source
from .trace import Tracer
from .transfer import DEFAULT_MESSAGE_BYTES, DEFAULT_WINDOW, fetch_matrix, send_matrix
from .workers import WorkerGroup
from .writer import MessageWriter

#: The driver's port when neither the caller nor a connection file names one.
DEFAULT_PORT = 24960
#: The driver's host when neither the caller nor a connection file names one.
DEFAULT_HOST = "127.0.0.1"


class AlchemistSession:
    """A client session with an Alchemist server. Takes no parameters, as in the seed::

        als = AlchemistSession()
        als.connect_to_alchemist("127.0.0.1", 24960)
        als.request_workers(2)
        als.workers.connect()
        alA = als.send_array(a)
        alU, alS, alV = als.run_task("truncated_SVD", alA, 20)
        S = als.get_array(alS)
        als.stop()

    Not meant for use by several threads at once.

    Attributes:
        workers: the session's :class:`~alchemist.workers.WorkerGroup`.
        message_bytes: target size of one block message (default 4 MiB).
        window: block messages in flight per worker (default 4).
    """

    def __init__(self):
        self.workers = WorkerGroup(self)
        self.message_bytes = DEFAULT_MESSAGE_BYTES
        self.window = DEFAULT_WINDOW
        self._tracer = Tracer()
        self._driver = None

    # --- settings ---

    @property
    def verbose(self):
        """True when every message sent and received is printed in the seed's trace layout."""
        return self._tracer.enabled

    @verbose.setter
    def verbose(self, on):
        self.set_verbose(on)

    def set_verbose(self, on=True, stream=None):
        """Prints every message in the seed's layout (to ``stream``, default standard output); returns self."""
        self._tracer.enabled = bool(on)
        self._tracer.stream = stream
        return self

    def set_transfer(self, message_bytes, window):
        """Sets the block message size (at most the server's limit, 64 MiB) and the messages in flight per
        worker; returns self."""
        if message_bytes < 1024 or window < 1:
            raise ValueError("messages of at least 1 KiB and a window of at least 1")
        self.message_bytes, self.window = int(message_bytes), int(window)
        return self

    # --- the driver ---

    def connect_to_alchemist(self, address=None, port=None, connection_file=None):
        """Connects to the driver and shakes hands.

        What the call leaves out (``address`` None; ``port`` None or 0, as in the seed's cell) comes from the
        connection file (``connection_file``, else ``$ALCHEMIST_CONNECTION_FILE``, else
        ``~/.alchemist/connection``) when there is one, else 127.0.0.1 and 24960. With no arguments, or with a
        ``connection_file`` named, the file must exist.

        Returns:
            True once connected, as the seed's call.

        Raises:
            AlchemistError: the server cannot be reached (AlchemistConnectionError) or refuses the handshake.
            FileNotFoundError, ValueError: for a missing or bad connection file that was needed.
        """
        if self._driver is not None:
            raise RuntimeError("this session is already connected to " + self._driver.name)
        address, port = _resolve_address(address, port, connection_file)
        self._log("Connecting to Alchemist at %s:%d ..." % (address, port))
        driver = Connection.open(address, port, "the Alchemist driver", self._tracer)
        try:
            driver.call(Command.HANDSHAKE, handshake_body(), lambda r: check_handshake_reply(r, "the driver"))
        except BaseException:
            driver.close()
            raise
        self._driver = driver
        return True

    @property
    def connected(self):
        """True while connected to a driver."""
        return self._driver is not None and self._driver.is_open

    @property
    def client_id(self):
        """The client ID the driver gave this session."""
        return self._require_driver().client_id

    @property
    def session_id(self):
        """The session ID the driver gave."""
        return self._require_driver().session_id

    def send_test_string(self, text="This is a test message from the Python client"):
        """The driver's answer to a test text."""
        return self._call(Command.SEND_TEST_STRING, MessageWriter().put_string(text), lambda r: r.read_string())

    def request_test_string(self):
        """The driver's test text."""
        return self._call(Command.REQUEST_TEST_STRING, None, lambda r: r.read_string())

    # --- workers ---

    def request_workers(self, n):
        """Asks for ``n`` more workers, all or none.

        Returns:
            all the session's workers, as :class:`~alchemist.layout.WorkerInfo`.

        Raises:
            AlchemistError: ERROR 5 (NO_WORKERS) if fewer than ``n`` are free, 6 if ``n`` < 1.
        """
        self._log("Requesting %d workers from Alchemist" % n)
        return self._call(Command.REQUEST_WORKERS, MessageWriter().put_short(n), self._read_assigned)

    def yield_workers(self, *worker_ids):
        """Gives workers back (all of them when none are named); the session's matrices with rows on them are
        freed.

        Returns:
            how many were given back.

        Raises:
            AlchemistError: ERROR 14 (NOT_PERMITTED) naming a worker the session does not hold.
        """
        w = MessageWriter()
        for worker_id in worker_ids:
            w.put_short(worker_id)
        yielded = self._call(Command.YIELD_WORKERS, w, lambda r: r.read_short())
        self._call(Command.SEND_ASSIGNED_WORKERS_INFO, None, self._read_assigned)
        return yielded

    def list_alchemist_workers(self):
        """Every worker of the server, with the session holding it (0: free)."""
        return self._list_workers(Command.LIST_ALL_WORKERS)

    def list_active_workers(self):
        """The workers held by any session."""
        return self._list_workers(Command.LIST_ACTIVE_WORKERS)

    def list_inactive_workers(self):
        """The free workers."""
        return self._list_workers(Command.LIST_INACTIVE_WORKERS)

    def list_available_workers(self):
        """The free workers (the name the seed's tutorial calls)."""
        return self.list_inactive_workers()

    def list_assigned_workers(self):
        """This session's workers."""
        return self._list_workers(Command.LIST_ASSIGNED_WORKERS)

    # --- matrices ---

    def send_array(self, array):
        """Creates a matrix on the session's workers from a 2-D array and sends it block by block.

        Any numeric dtype (ints, bools, float32, ...) and any memory order (Fortran, strided views) is
        accepted; values go as doubles.

        Returns:
            the matrix's :class:`~alchemist.handles.MatrixHandle`.

        Raises:
            ValueError, TypeError: for an array that is not 2-D or not real numbers (nothing is sent).
            AlchemistError: e.g. ERROR 16 (NOT_ENOUGH_WORKER_MEMORY), 5 (no workers), 9 (no rows or columns).
        """
        return self._send(ArraySource(array))

    def read_from_hdf5(self, path):
        """Opens an HDF5 file read-only (an ``h5py.File``) to pick a dataset from; nothing is read yet."""
        import h5py

        return h5py.File(path, "r")

    def send_hdf5(self, dataset, plane=None):
        """Sends a 2-D numeric h5py dataset, reading it in row chunks as they are sent: a dataset larger than
        memory is never held whole. With ``plane``, sends the plane ``[:, :, plane]`` of a 3-D dataset
        (the matrix of the seed's ``f['Reflectance'][:, :, 20]``).

        Raises:
            ValueError, TypeError: for a dataset that is not a numeric matrix (nothing is sent).
            AlchemistError: as :meth:`send_array`.
        """
        return self._send(Hdf5Source(dataset, plane))

    def get_array(self, handle, rows=None, cols=None):
        """Fetches a matrix, or part of it, as a C-ordered float64 array.

        Args:
            rows, cols: None for all; a slice (numpy's rules: negative indices count from the end, and out
                of range ends are clipped; step 1 only); or a ``(start, stop)`` pair or ``range`` that must
                lie inside the matrix.

        Returns:
            ``out`` with ``out[i, j]`` = element ``(row_start + i, col_start + j)``; 2-D even for one row.

        Raises:
            IndexError: for a pair or range outside the matrix. ValueError: for a step other than 1.
            AlchemistError: ERROR 8 (UNKNOWN_MATRIX) if the matrix is not this session's (any more).
        """
        r0, r1 = _span(rows, handle.num_rows, "rows")
        c0, c1 = _span(cols, handle.num_cols, "cols")
        out = np.empty((r1 - r0, c1 - c0), dtype=np.float64)
        if out.size:
            fetch_matrix(handle.layout, r0, r1, c0, c1, out, self.workers.connected(), self.message_bytes,
                         self.window)
        return out

    def get_matrix(self, matrix_id):
        """A handle for one of the session's matrices, by ID (MATRIX_LAYOUT)."""
        return MatrixHandle(self._call(Command.MATRIX_LAYOUT, MessageWriter().put_matrix_id(matrix_id),
                                       MatrixLayout.read))

    def free_matrix(self, handle):
        """Frees a matrix on the server."""
        self._call(Command.FREE_MATRIX, MessageWriter().put_matrix_id(_matrix_id(handle)),
                   lambda r: r.read_matrix_id())

    # --- libraries and tasks ---

    def load_library(self, name, path=""):
        """Loads a library on the driver and the session's workers.

        Args:
            name: the library's name, e.g. "allib".
            path: its jar inside the server's library directory, absolute or relative to it; empty to let the
                server find ``name`` there.

        Returns:
            a :class:`~alchemist.handles.LibraryHandle`.

        Raises:
            AlchemistError: ERROR 14 (NOT_PERMITTED) for a path outside the library directory, 10 if there is
                no such library.
        """
        library_id = self._call(Command.LOAD_LIBRARY, MessageWriter().put_string(name).put_string(path),
                                lambda r: r.read_unsigned_short())
        return LibraryHandle(library_id, name, "")

    def unload_library(self, library):
        """Unloads a library from the session."""
        self._call(Command.UNLOAD_LIBRARY, MessageWriter().put_short(library.id), lambda r: r.read_unsigned_short())

    def list_libraries(self):
        """The session's libraries with their tasks' signatures."""
        def parse(r):
            out = []
            while r.has_remaining():
                out.append(LibraryHandle(r.read_unsigned_short(), r.read_string(), r.read_string()))
            return out
        return self._call(Command.LIST_LIBRARIES, None, parse)

    def run_task(self, name, *args):
        """Runs a task of a loaded library on the session's workers.

        Args:
            name: "truncated_SVD", or "allib.truncated_SVD".
            args: the task's arguments in order: matrix handles, and scalars (a Python int goes as INT, or
                LONG if it does not fit; numpy scalars keep their width, e.g. ``np.int8(0)`` goes as BYTE).

        Returns:
            a :class:`~alchemist.handles.TaskResult`: a tuple of the outputs in order (matrix handles and
            scalars), also indexable by output name.

        Raises:
            AlchemistError: ERROR 11 (BAD_TASK_ARGUMENTS, the message ends with the expected signature), 10
                (no such task), 12 (the task failed), 8 (a matrix not of this session).
        """
        w = MessageWriter().put_string(name)
        for a in args:
            if isinstance(a, MatrixHandle):
                w.put_matrix_id(a.id)
            else:
                w.put_value(a)

        def parse(r):
            outputs = []
            for _ in range(r.read_unsigned_short()):
                output = r.read_string()
                if r.peek_type() == Datatype.MATRIX_ID:
                    outputs.append((output, MatrixHandle(MatrixLayout.read(r))))
                else:
                    outputs.append((output, r.read_value()))
            return TaskResult(outputs)
        return self._call(Command.RUN_TASK, w, parse)

    def randomized_svd(self, matrix, k, oversampling=10, power_iterations=2, seed=0):
        """allib's ``randomized_svd``: an approximate rank-k SVD by random sampling (allib must be loaded).

        Args:
            matrix: the handle of A (m x n).
            k: singular values and vectors wanted, 1 <= k <= min(m, n).
            oversampling: extra samples; k + oversampling is capped at min(m, n).
            power_iterations: passes of subspace iteration (0..50); more give the top values more digits.
            seed: drives the random test matrices; the same seed on the same workers gives the same bits.

        Returns:
            a :class:`~alchemist.handles.TaskResult` ``(U, S, V, error_estimate)``: U (m x k), S (k x 1,
            descending) and V (n x k) handles, and ``error_estimate``, a float that bounds the spectral norm
            of A - U diag(S) V^T from above with probability at least 1 - 1e-10.

        Raises:
            AlchemistError: ERROR 11 for a bad k, oversampling or power_iterations.
        """
        return self.run_task("randomized_svd", matrix, int(k), int(oversampling), int(power_iterations),
                             np.int64(seed))

    # --- the end ---

    def shut_down_server(self):
        """Asks the server to stop (refused with ERROR 14 unless the server allows it)."""
        self._call(Command.SHUT_DOWN, None, lambda r: r.read_short())

    def stop(self):
        """Gives the workers back and closes every connection; the server frees the session's matrices.
        Safe to call twice."""
        driver = self._driver
        if driver is None:
            return
        try:
            if driver.is_open and len(self.workers):
                self.yield_workers()
        except Exception as e:  # the server frees them anyway when the connection closes
            self._log("yielding workers on stop failed: %s" % e)
        finally:
            self.workers.close()
            driver.close()
            self._driver = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        if self._driver is None:
            return "AlchemistSession(not connected)"
        return "AlchemistSession(%s, client %d, session %d, %d workers)" % (
            self._driver.name, self.client_id, self.session_id, len(self.workers))

    # --- inside ---

    def _log(self, line):
        if self._tracer.enabled:
            self._tracer.log(line)

    def _require_driver(self):
        if self._driver is None:
            raise RuntimeError("not connected: call connect_to_alchemist(address, port) first")
        return self._driver

    def _call(self, command, writer, parse):
        return self._require_driver().call(command, writer, parse)

    def _send(self, source):
        self._log("Sending matrix info to Alchemist.")
        w = MessageWriter().put_byte(0).put_byte(ROW_BLOCKS).put_long(source.num_rows).put_long(source.num_cols)
        layout = self._call(Command.MATRIX_INFO, w, MatrixLayout.read)
        try:
            send_matrix(layout, source, self.workers.connected(), self.message_bytes, self.window)
        except BaseException:
            self._try_free(layout.matrix_id)
            raise
        return MatrixHandle(layout)

    def _try_free(self, matrix_id):
        try:
            self._call(Command.FREE_MATRIX, MessageWriter().put_matrix_id(matrix_id), lambda r: r.read_matrix_id())
        except Exception as e:
            self._log("freeing matrix %d after a failed send: %s" % (matrix_id, e))

    def _list_workers(self, command):
        return self._call(command, None,
                          lambda r: [WorkerInfo.read_listing(r) for _ in range(r.read_unsigned_short())])

    def _read_assigned(self, r):
        """Reads REQUEST_WORKERS' reply (and SEND_ASSIGNED_WORKERS_INFO's) and updates the worker group."""
        session = self._driver.session_id
        workers = [WorkerInfo.read_address(r, session) for _ in range(r.read_unsigned_short())]
        self.workers.assign(workers, r.read_long())
        return workers


def _resolve_address(address, port, connection_file):
    """The address and port to connect to (see connect_to_alchemist): only the default connection file may
    be missing, and only when the call names what it would have given."""
    if address is not None and port:
        return address, int(port)
    try:
        found = ConnectionFile.read(connection_file)
    except FileNotFoundError:
        if connection_file is not None or (address is None and not port):
            raise
        found = ConnectionFile(DEFAULT_HOST, DEFAULT_PORT)
    return (address if address is not None else found.host), (int(port) if port else found.port)


def _span(spec, n, what):
    """``[start, stop)`` of a rows/cols argument of get_array."""
    if spec is None:
        return 0, n
    if isinstance(spec, slice):
        start, stop, step = spec.indices(n)
        if step != 1:
            raise ValueError("%s: only slices with step 1 can be fetched, got %r" % (what, spec))
        return start, max(start, stop)
    if isinstance(spec, range):
        if spec.step != 1:
            raise ValueError("%s: only ranges with step 1 can be fetched, got %r" % (what, spec))
        start, stop = spec.start, spec.stop
    else:
        try:
            start, stop = spec
        except (TypeError, ValueError):
            raise TypeError("%s must be None, a slice, a range or a (start, stop) pair, not %r" % (what, spec)) from None
        start, stop = int(start), int(stop)
    if not 0 <= start <= stop <= n:
        raise IndexError("%s [%d, %d) are not inside the %d %s of the matrix" % (what, start, stop, n, what))
    return start, stop


def _matrix_id(handle):
    return handle.id if isinstance(handle, MatrixHandle) else int(handle)
