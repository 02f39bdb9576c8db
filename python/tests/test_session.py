"""Sessions against the embedded server: connecting (by address, by connection file), IDs, listings,
worker requests and connections, test strings, yielding, stopping."""

import pytest

from alchemist import AlchemistError, AlchemistSession, ErrorCode, WorkerInfo
from alchemist.connection_file import ConnectionFile
from conftest import WORKERS, wait_for_free_workers


def test_handshake_gives_ids_and_the_listings_show_the_workers(als):
    assert als.client_id >= 1 and als.session_id >= 1
    workers = als.list_alchemist_workers()
    assert [w.id for w in workers] == list(range(1, WORKERS + 1))
    assert all(isinstance(w, WorkerInfo) and w.session_id == 0 and w.port > 0 for w in workers)
    assert als.list_available_workers() == als.list_inactive_workers() == workers
    assert als.list_active_workers() == [] and als.list_assigned_workers() == []


def test_requested_workers_are_listed_as_held_and_answer_test_strings(als):
    assigned = als.request_workers(WORKERS)
    assert [w.id for w in assigned] == list(range(1, WORKERS + 1))
    assert all(w.session_id == als.session_id for w in assigned)
    assert [w.session_id for w in als.list_alchemist_workers()] == [als.session_id] * WORKERS
    assert [w.id for w in als.list_active_workers()] == [w.id for w in assigned]
    assert als.list_inactive_workers() == []
    assert [w.id for w in als.list_assigned_workers()] == [w.id for w in assigned]
    als.workers.connect()
    text = "This is a test message from client %d" % als.client_id
    assert als.workers.send_test_string() == ["Alchemist worker received: '%s'" % text] * WORKERS
    assert all("worker" in t for t in als.workers.request_test_string())
    assert als.send_test_string("hi") == "Alchemist driver received: 'hi'"
    assert "driver" in als.request_test_string()


def test_yield_workers_one_by_one_and_all(als2):
    assert als2.yield_workers(1) == 1
    assert [w.id for w in als2.workers.list()] == [2]
    assert [w.id for w in als2.list_inactive_workers()] == [1]
    assert als2.yield_workers() == 1
    assert len(als2.workers) == 0 and len(als2.list_inactive_workers()) == WORKERS


def test_stop_gives_the_workers_back_and_a_with_block_stops(server):
    with server.session() as als:
        als.request_workers(WORKERS)
        als.workers.connect()
        held = als.list_active_workers()
        assert len(held) == WORKERS
    assert not als.connected
    with pytest.raises(RuntimeError, match="not connected"):
        als.list_alchemist_workers()
    als.stop()  # twice is fine
    assert wait_for_free_workers(server) == []


def test_a_session_closed_without_stop_frees_its_workers(server):
    als = server.session()
    als.request_workers(WORKERS)
    als._driver.close()  # as a crashed client would: no YIELD_WORKERS
    assert wait_for_free_workers(server) == []


def test_connect_from_the_connection_file(server, monkeypatch, tmp_path):
    monkeypatch.setenv("ALCHEMIST_CONNECTION_FILE", str(server.connection_file))
    with AlchemistSession() as als:
        assert als.connect_to_alchemist() is True
        assert als.list_alchemist_workers()
    with AlchemistSession() as als:  # the seed's cell: address "0.0.0.0", port 0
        assert als.connect_to_alchemist("0.0.0.0", 0) is True
        assert als._driver.name.endswith("0.0.0.0:%d" % server.port)
    other = ConnectionFile(server.host, server.port).write(tmp_path / "elsewhere" / "conn")
    monkeypatch.setenv("ALCHEMIST_CONNECTION_FILE", str(tmp_path / "missing"))
    with AlchemistSession() as als:
        assert als.connect_to_alchemist(connection_file=other)
    with pytest.raises(FileNotFoundError, match="start a server"):
        AlchemistSession().connect_to_alchemist()


def test_connection_file_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("ALCHEMIST_CONNECTION_FILE", str(tmp_path / "c"))
    assert ConnectionFile.default_path() == tmp_path / "c"
    monkeypatch.setenv("ALCHEMIST_CONNECTION_FILE", "  ")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ConnectionFile.default_path() == tmp_path / ".alchemist" / "connection"
    assert ConnectionFile("h", 7).write() == tmp_path / ".alchemist" / "connection"
    assert ConnectionFile.read() == ("h", 7)
    (tmp_path / "c2").write_text("# written by hand\n\n host = somewhere \nport: 99\n")
    assert ConnectionFile.read(tmp_path / "c2") == ("somewhere", 99)
    (tmp_path / "c3").write_text("host=h\n")
    with pytest.raises(ValueError, match="needs host= and port="):
        ConnectionFile.read(tmp_path / "c3")
    (tmp_path / "c4").write_text("host=h\nport=x\n")
    with pytest.raises(ValueError, match="bad port"):
        ConnectionFile.read(tmp_path / "c4")


def test_what_a_connect_call_leaves_out_comes_from_the_connection_file(tmp_path, monkeypatch):
    from alchemist.session import _resolve_address

    monkeypatch.setenv("ALCHEMIST_CONNECTION_FILE", str(tmp_path / "none"))
    assert _resolve_address("10.1.2.3", 0, None) == ("10.1.2.3", 24960)
    assert _resolve_address(None, 555, None) == ("127.0.0.1", 555)
    assert _resolve_address("h", 9, tmp_path / "none") == ("h", 9)   # nothing left out: no file read
    with pytest.raises(FileNotFoundError):
        _resolve_address("h", 0, tmp_path / "none")   # a file named by the caller must be there
    ConnectionFile("filehost", 4242).write(tmp_path / "c")
    monkeypatch.setenv("ALCHEMIST_CONNECTION_FILE", str(tmp_path / "c"))
    assert _resolve_address(None, None, None) == ("filehost", 4242)
    assert _resolve_address("0.0.0.0", 0, None) == ("0.0.0.0", 4242)
    assert _resolve_address(None, 77, None) == ("filehost", 77)


def test_the_server_written_connection_file_reads_as_in_java(server):
    text = server.connection_file.read_text()
    assert text == "host=%s\nport=%d\n" % (server.host, server.port)


def test_connecting_twice_is_refused(als, server):
    with pytest.raises(RuntimeError, match="already connected"):
        als.connect_to_alchemist(server.host, server.port)


def test_a_session_without_workers_cannot_send(als):
    with pytest.raises(AlchemistError) as e:
        als.send_array([[1.0]])
    assert e.value.code == ErrorCode.NO_WORKERS


def test_libraries_load_list_and_unload(als2):
    lib = als2.load_library("allib")
    assert als2.load_library("allib") == lib   # the same jar under the same name: the same ID
    assert [l.name for l in als2.list_libraries()] == ["allib"]
    als2.unload_library(lib)
    assert als2.list_libraries() == []
    with pytest.raises(AlchemistError) as e:
        als2.run_task("truncated_SVD", als2.send_array([[1.0, 2.0]]), 1)
    assert e.value.code == ErrorCode.UNKNOWN_LIBRARY_OR_TASK


def test_task_results_by_position_and_name(als2):
    als2.load_library("allib")
    result = als2.run_task("truncated_SVD", als2.send_array([[3.0, 0.0], [0.0, 2.0]]), 1)
    assert list(result.as_dict()) == ["U", "S", "V"] and result.as_dict()["V"] is result[2]
    assert repr(result).startswith("TaskResult(U=MatrixHandle(id=")
    with pytest.raises(KeyError, match="no output 'W' among U, S, V"):
        result["W"]
    assert als2.get_array(result["S"]).tolist() == [[3.0]]


def test_shut_down_is_refused_unless_allowed(server, als, tmp_path):
    with pytest.raises(AlchemistError) as e:
        als.shut_down_server()
    assert e.value.code == ErrorCode.NOT_PERMITTED
    assert server.alive()
    from conftest import Server

    stoppable = Server(tmp_path, workers=1, extra=["--allow-shutdown"])
    try:
        with stoppable.session() as other:
            other.shut_down_server()
        assert stoppable.process.wait(30) == 0
    finally:
        stoppable.stop()
