"""The message codec without a server: the seed's messages byte for byte, run grouping, the reader's
indifference to grouping, type checks, malformed bodies, layouts and block cutting."""

import struct

import numpy as np
import pytest

from alchemist import AlchemistError, ErrorCode
from alchemist.codes import Command, Datatype
from alchemist.header import Header
from alchemist.layout import MatrixLayout, WorkerInfo
from alchemist.reader import MessageReader, check_runs
from alchemist.transfer import cut
from alchemist.writer import MessageWriter


def run(code, count, payload=b""):
    return struct.pack(">BI", code, count) + payload


def message(client, session, command, body):
    return struct.pack(">HHBI", client, session, command, len(body)) + body


def test_seed_handshake_bytes():
    from alchemist.handshake import handshake_body

    sent = handshake_body().to_bytes(0, 0, Command.HANDSHAKE)
    assert len(sent) == 9 + 22
    assert sent == message(0, 0, 1, run(18, 1, b"\x04") + run(34, 1, struct.pack(">h", 1234)) + run(46, 4, b"ABCD"))


def test_seed_message_lengths():
    """The body lengths of the seed's traces: matrix info 28, block request 332, load library 61, run task 40,
    test string 41."""
    info = MessageWriter().put_byte(0).put_byte(0).put_long(426).put_long(502)
    assert info.to_bytes(1, 0, 16)[9:] == run(18, 2, b"\0\0") + run(36, 2, struct.pack(">qq", 426, 502))
    assert info.body_length() == 28

    request = MessageWriter().put_matrix_id(3)
    for i in range(0, 20, 2):
        request.put_bounds(i, i, 0, 0)
    body = request.to_bytes(1, 1, 19)[9:]
    assert len(body) == 332
    assert body[7:12] == run(36, 40)

    library = MessageWriter().put_string("TestLib").put_string("/Users/kai/Projects/AlLib/target/allib.dylib")
    assert library.body_length() == 61

    task = MessageWriter().put_string("truncated_SVD").put_matrix_id(1).put_value(20).put_value(np.int8(0))
    assert task.to_bytes(1, 0, 14)[9:] == (run(46, 13, b"truncated_SVD") + run(34, 1, b"\0\1")
                                           + run(35, 1, struct.pack(">i", 20)) + run(18, 1, b"\0"))
    assert task.body_length() == 40

    assert MessageWriter().put_string("This is a test message from client 1").body_length() == 41


def test_consecutive_values_of_one_type_share_a_run():
    w = MessageWriter().put_short(2).put_short(1).put_string("x").put_string("y").put_long(5).put_short(7)
    assert w.to_bytes(0, 0, 6)[9:] == (run(34, 2, b"\0\2\0\1") + run(46, 1, b"x") + run(46, 1, b"y")
                                       + run(36, 1, struct.pack(">q", 5)) + run(34, 1, b"\0\7"))


@pytest.mark.parametrize("body", [
    run(34, 2, b"\0\2\0\1") + run(46, 2, b"hi") + run(16, 3, struct.pack(">3d", 1.5, -2, 3)),
    run(34, 1, b"\0\2") + run(34, 1, b"\0\1") + run(46, 2, b"hi") + run(16, 1, struct.pack(">d", 1.5))
    + run(16, 0) + run(16, 2, struct.pack(">2d", -2, 3)),
    run(34, 0) + run(34, 2, b"\0\2\0\1") + run(46, 2, b"hi") + run(16, 2, struct.pack(">2d", 1.5, -2))
    + run(16, 1, struct.pack(">d", 3)),
])
def test_reader_does_not_care_how_values_are_grouped(body):
    check_runs(body)
    r = MessageReader(body)
    assert (r.read_short(), r.read_short(), r.read_string()) == (2, 1, "hi")
    assert r.read_doubles(3).tolist() == [1.5, -2.0, 3.0]
    assert not r.has_remaining()


def test_empty_string_is_a_value_and_empty_runs_are_not():
    r = MessageReader(run(46, 0) + run(35, 0) + run(46, 1, b"a"))
    assert r.read_string() == ""
    assert r.peek_type() == Datatype.STRING
    assert r.read_string() == "a"
    assert r.peek_type() is None


def test_unsigned_shorts_and_matrix_ids():
    w = MessageWriter().put_short(65535).put_matrix_handle(40000).put_matrix_id(50000)
    r = MessageReader(w.to_bytes(0, 0, 0)[9:])
    assert r.read_unsigned_short() == 65535
    assert r.read_matrix_id() == 40000   # as MATRIX_ID
    assert r.read_matrix_id() == 50000   # as SHORT
    with pytest.raises(ValueError):
        MessageWriter().put_short(65536)
    with pytest.raises(ValueError):
        MessageWriter().put_short(-32769)


def test_wrong_type_is_error_4_naming_the_value():
    r = MessageReader(run(34, 1, b"\0\1") + run(35, 1, b"\0\0\0\1"))
    r.read_short()
    with pytest.raises(AlchemistError) as e:
        r.read_long()
    assert e.value.code == ErrorCode.INCONSISTENT_DATATYPES
    assert e.value.detail == "expected LONG as value #2 but found INT"
    r.read_int()
    with pytest.raises(AlchemistError, match="found the end of the message"):
        r.read_string()


@pytest.mark.parametrize("body, detail", [
    (run(99, 1, b"x"), "unknown datatype code 99"),
    (run(0, 0), "unknown datatype code 0"),
    (run(36, 2, b"\0" * 15), "run of 2 LONG needs 16 bytes but only 15 remain"),
    (run(46, 0xFFFFFFFF, b"abc"), "run of 4294967295 STRING needs 4294967295 bytes but only 3 remain"),
    (run(34, 1, b"\0\1") + b"\x22\0\0", "truncated run header: 3 bytes left, need 5"),
])
def test_malformed_bodies_are_error_4(body, detail):
    with pytest.raises(AlchemistError) as e:
        check_runs(body)
    assert e.value.code == ErrorCode.INCONSISTENT_DATATYPES
    assert e.value.detail.startswith("malformed message: " + detail)


@pytest.mark.parametrize("value, wire, payload", [
    (7, 35, struct.pack(">i", 7)),
    (-(1 << 31), 35, struct.pack(">i", -(1 << 31))),
    (1 << 31, 36, struct.pack(">q", 1 << 31)),
    (np.int8(-3), 18, b"\xfd"),
    (np.int16(300), 34, struct.pack(">h", 300)),
    (np.int32(9), 35, struct.pack(">i", 9)),
    (np.int64(9), 36, struct.pack(">q", 9)),
    (np.uint16(9), 35, struct.pack(">i", 9)),
    (np.float32(0.5), 15, struct.pack(">f", 0.5)),
    (np.float64(0.25), 16, struct.pack(">d", 0.25)),
    (0.25, 16, struct.pack(">d", 0.25)),
    (True, 18, b"\1"),
    ("é", 46, "é".encode()),
])
def test_put_value_picks_the_natural_wire_type(value, wire, payload):
    body = MessageWriter().put_value(value).to_bytes(0, 0, 14)[9:]
    assert body[0] == wire
    assert body[5:] == payload
    assert MessageReader(body).read_value() == (value.item() if isinstance(value, np.generic) else value)


def test_put_value_refuses_what_has_no_wire_type():
    with pytest.raises(TypeError):
        MessageWriter().put_value(object())
    with pytest.raises(TypeError):
        MessageWriter().put_value(np.complex128(1))
    with pytest.raises(ValueError):
        MessageWriter().put_value(1 << 63)
    with pytest.raises(TypeError):
        MessageWriter().put_long(1.5)


@pytest.mark.parametrize("make", [
    lambda a: a,
    lambda a: np.asfortranarray(a),
    lambda a: a.astype(">f8"),
    lambda a: np.ascontiguousarray(a.T).T,
])
def test_put_doubles_writes_row_major_big_endian_whatever_the_layout(make):
    a = np.arange(12, dtype=np.float64).reshape(3, 4) * 1.5
    body = MessageWriter().put_doubles(make(a)).to_bytes(0, 0, 18)[9:]
    assert body == run(16, 12, a.astype(">f8").tobytes())


def test_put_doubles_keeps_a_wire_ready_block_without_copying_it():
    block = np.arange(6, dtype=">f8").reshape(2, 3)
    buffers = MessageWriter().put_matrix_id(1).put_doubles(block).buffers(1, 1, Command.SEND_MATRIX_BLOCKS)
    assert any(isinstance(b, memoryview) and np.shares_memory(np.asarray(b), block) for b in buffers)
    assert Header.unpack(buffers[0]).body_length == 7 + 5 + 48


def test_read_doubles_is_a_view_in_one_run_and_joins_runs():
    values = np.linspace(-1, 1, 7)
    body = bytearray(run(16, 7, values.astype(">f8").tobytes()))
    got = MessageReader(body).read_doubles(7)
    assert got.tolist() == values.tolist()
    assert np.shares_memory(got, np.frombuffer(body, dtype=np.uint8))
    split = run(16, 3, values[:3].astype(">f8").tobytes()) + run(16, 4, values[3:].astype(">f8").tobytes())
    assert MessageReader(split).read_doubles(7).tolist() == values.tolist()


def test_header_round_trip():
    h = Header(65535, 2, 255, 0xFFFFFFFF)
    assert Header.unpack(h.pack()) == h
    assert len(h.pack()) == 9
    assert Header(1, 1, 99, 0).command_or_none is None


def layout_body(ids, ranges, rows, cols=4, matrix_id=5):
    w = MessageWriter().put_matrix_handle(matrix_id).put_long(rows).put_long(cols).put_byte(0)
    for i in ids:
        w.put_short(i)
    for start, end in ranges:
        w.put_long(start).put_long(end)
    return w.to_bytes(0, 0, 16)[9:]


def test_matrix_layout_reads_and_checks_the_tiling():
    layout = MatrixLayout.read(MessageReader(layout_body([1, 2, 3], [(0, 3), (3, 5), (5, 7)], 7)))
    assert layout == MatrixLayout(5, 7, 4, (1, 2, 3), ((0, 3), (3, 5), (5, 7)))
    assert str(layout) == "matrix 5 (7 x 4) on worker 1 [0, 3) worker 2 [3, 5) worker 3 [5, 7)"
    for ranges, rows in (([(0, 3), (4, 7)], 7), ([(0, 3), (3, 6)], 7), ([(0, 3), (3, 2)], 3)):
        with pytest.raises(AlchemistError) as e:
            MatrixLayout.read(MessageReader(layout_body([1, 2], ranges, rows)))
        assert e.value.code == ErrorCode.INCONSISTENT_DATATYPES


def test_worker_listing():
    w = MessageWriter().put_short(3).put_string("host").put_string("10.0.0.1").put_short(60000).put_short(7)
    assert WorkerInfo.read_listing(MessageReader(w.to_bytes(0, 0, 9)[9:])) == WorkerInfo(3, "host", "10.0.0.1",
                                                                                           60000, 7)


@pytest.mark.parametrize("rows, cols, max_values", [(10, 4, 9), (10, 4, 40), (10, 4, 1000), (3, 10, 4), (5, 7, 1),
                                                    (0, 5, 10), (4, 1, 3)])
def test_cut_covers_every_value_once_in_blocks_within_the_limit(rows, cols, max_values):
    seen = np.zeros((rows + 2, cols + 3), dtype=int)
    blocks = cut(2, rows + 2, 3, cols + 3, max_values)
    for b in blocks:
        assert 1 <= b.rows * b.width <= max_values
        assert b.rows == 1 or b.width == cols   # whole rows, or a piece of one row
        seen[b.first_row:b.last_row + 1, b.first_col:b.last_col + 1] += 1
    assert (seen[2:, 3:] == 1).all() and seen.sum() == rows * cols
    assert [(b.first_row, b.first_col) for b in blocks] == sorted((b.first_row, b.first_col) for b in blocks)
