"""Bad requests raise AlchemistError with the server's code and message, and the server keeps serving:
after each, the same session (where the connection survives) or a new one still sends and fetches."""

import socket
import threading

import numpy as np
import pytest

from alchemist import AlchemistConnectionError, AlchemistError, AlchemistSession, ErrorCode
from alchemist.codes import Command
from alchemist.connection import Connection
from alchemist.handshake import handshake_body
from alchemist.layout import MatrixLayout
from alchemist.sources import ArraySource
from alchemist.transfer import send_matrix
from alchemist.writer import MessageWriter


def still_serving(server, session=None):
    """A round trip works on ``session`` (whose workers it uses) or on a new session with every worker."""
    a = np.arange(12.0).reshape(4, 3)
    if session is not None:
        assert np.array_equal(session.get_array(session.send_array(a)), a)
        return
    with server.session() as als:
        als.request_workers(2)
        assert np.array_equal(als.get_array(als.send_array(a)), a)


def raises(code, call, *args):
    with pytest.raises(AlchemistError) as e:
        call(*args)
    assert e.value.code == code, str(e.value)
    assert str(e.value).startswith("error %d (%s): " % (code, ErrorCode(code).name))
    return e.value


def test_unknown_matrix(server, als2):
    raises(ErrorCode.UNKNOWN_MATRIX, als2.free_matrix, 4321)
    raises(ErrorCode.UNKNOWN_MATRIX, als2.get_matrix, 4321)
    als2.load_library("allib")
    gone = als2.send_array(np.ones((3, 3)))
    als2.free_matrix(gone)
    raises(ErrorCode.UNKNOWN_MATRIX, als2.run_task, "truncated_SVD", gone, 1)
    raises(ErrorCode.UNKNOWN_MATRIX, als2.get_array, gone)
    still_serving(server, als2)


def test_another_sessions_matrix_is_unknown(server, als):
    als.request_workers(1)
    h = als.send_array(np.ones((2, 2)))
    with server.session() as other:
        other.request_workers(1)
        raises(ErrorCode.UNKNOWN_MATRIX, other.free_matrix, h)
        raises(ErrorCode.UNKNOWN_MATRIX, other.get_array, h)   # the worker holding it is not the other's
    still_serving(server, als)


def test_bad_block_bounds_from_the_workers(server, als2):
    """Rows sent to a worker that does not own them: ERROR 9 from the worker, the session goes on."""
    h = als2.send_array(np.zeros((10, 3)))
    swapped = MatrixLayout(h.id, 10, 3, (2, 1), h.layout.row_ranges)
    e = raises(ErrorCode.BAD_BLOCK_BOUNDS, send_matrix, swapped, ArraySource(np.ones((10, 3))),
               als2.workers.connected())
    assert "row" in e.detail
    assert np.array_equal(als2.get_array(h), np.zeros((10, 3)))   # nothing was stored
    wide = MatrixLayout(h.id, 10, 4, h.layout.worker_ids, h.layout.row_ranges)
    raises(ErrorCode.BAD_BLOCK_BOUNDS, send_matrix, wide, ArraySource(np.ones((10, 4))), als2.workers.connected())
    raises(ErrorCode.BAD_BLOCK_BOUNDS, als2.send_array, np.zeros((0, 3)))
    still_serving(server, als2)


def test_wrong_task_arguments(server, als2):
    als2.load_library("allib")
    alA = als2.send_array(np.random.default_rng(0).standard_normal((20, 6)))
    for args in ((), (alA,), (alA, "5"), (alA, 2.5), (alA, 2, 0, 1), (3, 2), (alA, 1 << 40)):
        e = raises(ErrorCode.BAD_TASK_ARGUMENTS, als2.run_task, "truncated_SVD", *args)
        assert e.detail.endswith("truncated_SVD(A: MATRIX, k: INT, method: BYTE = 0) -> (U: MATRIX, S: MATRIX, "
                                 "V: MATRIX)"), e.detail
    for k in (0, 7, -1):
        e = raises(ErrorCode.BAD_TASK_ARGUMENTS, als2.run_task, "truncated_SVD", alA, k)
        assert "k = %d is not in [1, min(m, n)] = [1, 6]" % k in e.detail
    raises(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, als2.run_task, "no_such_task", alA, 1)
    raises(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, als2.run_task, "otherlib.truncated_SVD", alA, 1)
    _, alS, _ = als2.run_task("truncated_SVD", alA, 2)
    assert als2.get_array(alS).shape == (2, 1)
    still_serving(server, als2)


def test_library_errors(server, als2):
    raises(ErrorCode.NOT_PERMITTED, als2.load_library, "allib", "/etc/passwd")
    raises(ErrorCode.NOT_PERMITTED, als2.load_library, "allib", "../../pom.xml")
    raises(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, als2.load_library, "nolib")
    raises(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, als2.run_task, "truncated_SVD", als2.send_array([[1.0]]), 1)
    still_serving(server, als2)


def test_too_many_workers_and_non_positive_requests(server, als):
    e = raises(ErrorCode.NO_WORKERS, als.request_workers, 3)
    assert "2" in e.detail
    raises(ErrorCode.NON_POSITIVE_WORKER_REQUEST, als.request_workers, 0)
    raises(ErrorCode.NON_POSITIVE_WORKER_REQUEST, als.request_workers, -1)
    assert len(als.request_workers(2)) == 2
    raises(ErrorCode.NO_WORKERS, als.request_workers, 1)
    raises(ErrorCode.NOT_PERMITTED, als.yield_workers, 9)
    assert len(als.workers) == 2
    still_serving(server, als)


def test_not_enough_worker_memory(server, als2):
    raises(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, als2.send_array, np.lib.stride_tricks.as_strided(
        np.zeros(1), shape=(1 << 20, 1 << 17), strides=(0, 0)))
    still_serving(server, als2)


def test_wrong_handshake_is_error_1_and_closes_the_connection(server):
    conn = Connection.open(server.host, server.port, "the Alchemist driver")
    bad = MessageWriter().put_byte(4).put_short(1235).put_string("ABCD")
    raises(ErrorCode.INVALID_HANDSHAKE, conn.call, Command.HANDSHAKE, bad)
    with pytest.raises(AlchemistConnectionError):
        conn.call(Command.HANDSHAKE, handshake_body())
    conn.close()
    conn = Connection.open(server.host, server.port, "the Alchemist driver")
    raises(ErrorCode.INVALID_HANDSHAKE, conn.call, Command.LIST_ALL_WORKERS)   # anything before the handshake
    conn.close()
    still_serving(server)


def test_wrong_ids_and_a_wrong_token(server, als2):
    driver = als2._driver
    driver.client_id += 1
    raises(ErrorCode.INVALID_CLIENT_ID, als2.list_alchemist_workers)
    driver.client_id -= 1
    driver.session_id += 1
    raises(ErrorCode.INVALID_SESSION, als2.list_alchemist_workers)
    driver.session_id -= 1
    worker = als2.workers.list()[0]
    conn = Connection.open(worker.address, worker.port, "worker %d" % worker.id)
    conn.client_id, conn.session_id = als2.client_id, als2.session_id
    raises(ErrorCode.INVALID_SESSION, conn.call, Command.HANDSHAKE, handshake_body(12345))
    conn.close()
    still_serving(server, als2)


def test_unknown_command_keeps_the_connection(server, als2):
    raises(ErrorCode.UNKNOWN_COMMAND, als2._driver.call, Command.SEND_MATRIX_BLOCKS, MessageWriter().put_short(1))
    raises(ErrorCode.UNKNOWN_COMMAND, als2._driver.call, Command.LOAD_HDF5,
           MessageWriter().put_string("f.h5").put_string("d"))
    assert len(als2.list_alchemist_workers()) == 2
    still_serving(server, als2)


def test_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]   # nobody listens once it is closed
    with pytest.raises(AlchemistConnectionError) as e:
        AlchemistSession().connect_to_alchemist("127.0.0.1", port)
    assert e.value.code == ErrorCode.INTERNAL_ERROR
    assert isinstance(e.value, ConnectionError) and isinstance(e.value, AlchemistError)
    assert "cannot connect to the Alchemist driver at 127.0.0.1:%d" % port in e.value.detail


def fake_server(reply):
    """A one-connection server that reads one message and answers ``reply`` bytes (or closes on None)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        with conn:
            head = conn.recv(9, socket.MSG_WAITALL)
            conn.recv(int.from_bytes(head[5:9], "big"), socket.MSG_WAITALL)
            if reply is not None:
                conn.sendall(reply)
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


@pytest.mark.parametrize("reply, code, detail", [
    (MessageWriter().put_short(4321).put_string("ABCD").to_bytes(1, 1, 1), ErrorCode.INVALID_HANDSHAKE,
     "the driver answered the handshake wrongly"),
    (MessageWriter().put_short(1).to_bytes(1, 1, 1), ErrorCode.INVALID_HANDSHAKE, "answered the handshake wrongly"),
    (MessageWriter().put_short(4321).put_string("DCBA").to_bytes(1, 1, 5), ErrorCode.INTERNAL_ERROR,
     "carries command 5 (REQUEST_TEST_STRING)"),
    (b"\0\1\0\1\1\0\0\0\7\x63\0\0\0\1\0\0", ErrorCode.INTERNAL_ERROR, "bad reply: malformed message: unknown datatype"),
    (b"\0\1\0\1\1\xff\xff\xff\xff", ErrorCode.INTERNAL_ERROR, "over the limit"),
    (None, ErrorCode.INTERNAL_ERROR, "closed"),
])
def test_a_server_that_answers_wrongly(reply, code, detail):
    port = fake_server(reply)
    als = AlchemistSession()
    with pytest.raises(AlchemistError) as e:
        als.connect_to_alchemist("127.0.0.1", port)
    assert e.value.code == code and detail in e.value.detail, str(e.value)
    assert not als.connected


def test_a_source_that_fails_midway_frees_the_matrix_and_the_session_goes_on(server, als2, monkeypatch):
    """A block that cannot be read stops the transfer: the error comes out, the half-sent matrix is freed,
    and the next transfer works (over new connections where a message may have been cut)."""
    import alchemist.session

    started = []
    send = alchemist.session.send_matrix
    monkeypatch.setattr(alchemist.session, "send_matrix", lambda layout, *a: started.append(layout) or send(layout, *a))
    blocks = []
    lock = threading.Lock()   # the workers' streams read blocks from two threads
    read = ArraySource.block

    def failing(self, *where):
        with lock:
            blocks.append(where)
            count = len(blocks)
        if count == 5:
            raise OSError("the disk went away")
        return read(self, *where)

    monkeypatch.setattr(ArraySource, "block", failing)
    als2.set_transfer(1024, 3)
    with pytest.raises(OSError, match="the disk went away"):
        als2.send_array(np.ones((40, 50)))
    monkeypatch.setattr(ArraySource, "block", read)
    raises(ErrorCode.UNKNOWN_MATRIX, als2.get_matrix, started[0].matrix_id)
    still_serving(server, als2)
    a = np.random.default_rng(3).standard_normal((40, 50))
    assert np.array_equal(als2.get_array(als2.send_array(a)), a)
