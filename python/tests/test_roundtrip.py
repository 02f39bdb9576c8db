"""Matrices to the workers and back: bit-exact, any memory layout or numeric dtype, HDF5 datasets in row
chunks, rows and columns by range, messages small enough to split rows."""

import h5py
import numpy as np
import pytest

from alchemist import AlchemistError, ErrorCode, MatrixHandle
from alchemist.sources import Hdf5Source


def same_bits(a, b):
    return a.shape == b.shape and np.array_equal(np.ascontiguousarray(a, dtype=np.float64).view(np.int64),
                                                 np.ascontiguousarray(b, dtype=np.float64).view(np.int64))


def awkward_matrix(rows, cols, seed=0):
    """Random doubles of every magnitude, with NaN, infinities, -0.0 and subnormals in it."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((rows, cols)) * 10.0 ** rng.integers(-300, 300, size=(rows, cols))
    flat = a.reshape(-1)
    flat[:6] = [np.nan, np.inf, -np.inf, -0.0, 5e-324, -2.2250738585072014e-308][:flat.size]
    return a


@pytest.mark.parametrize("rows, cols", [(1, 1), (7, 3), (426, 502), (1000, 1)])
def test_round_trip_is_bit_exact(als2, rows, cols):
    a = awkward_matrix(rows, cols)
    h = als2.send_array(a)
    assert isinstance(h, MatrixHandle) and h.shape == (rows, cols)
    back = als2.get_array(h)
    assert back.dtype == np.float64 and back.flags.c_contiguous
    assert same_bits(back, a)


def test_layout_is_row_blocks_over_the_workers(als2):
    h = als2.send_array(np.zeros((7, 2)))
    assert h.layout.worker_ids == (1, 2)
    assert h.layout.row_ranges == ((0, 4), (4, 7))
    assert als2.get_matrix(h.id) == h
    one = als2.send_array(np.ones((1, 3)))   # the second worker holds no rows
    assert one.layout.row_ranges == ((0, 1), (1, 1))
    assert same_bits(als2.get_array(one), np.ones((1, 3)))


@pytest.mark.parametrize("make", [
    pytest.param(lambda a: np.asfortranarray(a), id="fortran"),
    pytest.param(lambda a: np.repeat(np.repeat(a, 2, axis=0), 3, axis=1)[::2, ::3], id="strided"),
    pytest.param(lambda a: np.ascontiguousarray(a.T).T, id="transposed view"),
    pytest.param(lambda a: a.astype(">f8"), id="big-endian"),
    pytest.param(lambda a: a.tolist(), id="nested lists"),
])
def test_any_memory_layout_arrives_as_the_same_matrix(als2, make):
    a = awkward_matrix(37, 11, seed=3)
    assert same_bits(als2.get_array(als2.send_array(make(a))), a)


@pytest.mark.parametrize("values", [
    pytest.param(np.arange(-50, 50, dtype=np.int64).reshape(20, 5) * 123456789, id="int64"),
    pytest.param(np.arange(60, dtype=np.int16).reshape(12, 5), id="int16"),
    pytest.param(np.arange(60, dtype=np.uint32).reshape(6, 10) + 2 ** 31, id="uint32"),
    pytest.param(np.linspace(-1, 1, 40, dtype=np.float32).reshape(8, 5), id="float32"),
    pytest.param(np.eye(4, dtype=bool), id="bool"),
])
def test_numeric_dtypes_are_converted_to_doubles(als2, values):
    back = als2.get_array(als2.send_array(values))
    assert back.dtype == np.float64
    assert same_bits(back, values.astype(np.float64))


@pytest.mark.parametrize("bad, error", [
    (np.zeros(5), ValueError), (np.zeros((2, 2, 2)), ValueError), (np.zeros((2, 2), dtype=complex), TypeError),
    (np.array([["a", "b"]]), TypeError),
])
def test_what_is_not_a_real_matrix_is_refused_before_anything_is_sent(als2, bad, error):
    before = als2.send_array(np.zeros((1, 1))).id
    with pytest.raises(error):
        als2.send_array(bad)
    assert als2.send_array(np.zeros((1, 1))).id == before + 1  # no matrix was created in between


def test_rows_and_columns_by_slice_pair_and_range(als2):
    a = awkward_matrix(50, 9, seed=5)
    h = als2.send_array(a)
    cases = [
        (dict(rows=(10, 40), cols=(2, 5)), a[10:40, 2:5]),
        (dict(rows=slice(20, 30)), a[20:30]),
        (dict(rows=slice(-5, None), cols=slice(None, -2)), a[-5:, :-2]),
        (dict(rows=slice(45, 100)), a[45:100]),
        (dict(rows=range(24, 26), cols=range(8, 9)), a[24:26, 8:9]),
        (dict(rows=(25, 26)), a[25:26]),
        (dict(cols=(0, 1)), a[:, 0:1]),
        (dict(rows=(3, 3)), a[3:3]),
        (dict(rows=slice(30, 10)), a[30:10]),
    ]
    for kwargs, expected in cases:
        got = als2.get_array(h, **kwargs)
        assert same_bits(got, expected), kwargs


def test_bad_ranges_are_refused_locally(als2):
    h = als2.send_array(np.zeros((5, 4)))
    for kwargs, error in [(dict(rows=(0, 6)), IndexError), (dict(rows=(-1, 2)), IndexError),
                          (dict(cols=(3, 2)), IndexError), (dict(rows=range(0, 4, 2)), ValueError),
                          (dict(rows=slice(0, 4, 2)), ValueError), (dict(rows=3), TypeError)]:
        with pytest.raises(error):
            als2.get_array(h, **kwargs)


@pytest.mark.parametrize("message_bytes, window", [(1024, 1), (1024, 3), (4096, 2)])
def test_small_messages_split_rows_and_still_round_trip(als2, message_bytes, window):
    """1 KiB messages hold 121 values: rows of 300 go in pieces, rows of 50 two at a time."""
    als2.set_transfer(message_bytes, window)
    for shape in ((9, 300), (31, 50)):
        a = awkward_matrix(*shape, seed=shape[1])
        h = als2.send_array(a)
        assert same_bits(als2.get_array(h), a)
        assert same_bits(als2.get_array(h, rows=(2, 7), cols=(13, 49)), a[2:7, 13:49])


def test_matrices_are_sent_in_several_messages_to_every_worker(als2, monkeypatch):
    sent = []
    from alchemist.connection import Connection
    original = Connection.send

    def spy(self, command, writer=None):
        sent.append((self.name, int(command), writer.body_length() if writer else 0))
        return original(self, command, writer)

    monkeypatch.setattr(Connection, "send", spy)
    als2.set_transfer(64 << 10, 2)
    a = np.random.default_rng(1).standard_normal((2000, 40))
    h = als2.send_array(a)
    blocks = [s for s in sent if s[1] == 18]
    assert {name.split(" at ")[0] for name, _, _ in blocks} == {"worker 1", "worker 2"}
    assert len(blocks) == 2 * 5   # 1000 rows per worker, 204 rows of 40 values per 64 KiB message
    assert all(length <= 64 << 10 for _, _, length in blocks)
    assert same_bits(als2.get_array(h), a)


@pytest.fixture
def h5file(tmp_path):
    rng = np.random.default_rng(9)
    path = tmp_path / "data.h5"
    with h5py.File(path, "w") as f:
        f["matrix"] = rng.standard_normal((300, 70))
        f.create_dataset("chunked", data=rng.standard_normal((257, 33)).astype(np.float32), chunks=(16, 33))
        f.create_dataset("ints", data=rng.integers(-1000, 1000, size=(40, 6)).astype(">i4"))
        f.create_dataset("cube", data=rng.integers(0, 9000, size=(50, 60, 24)).astype(np.int16), chunks=(8, 60, 24))
        f["vector"] = np.arange(5.0)
        f["text"] = np.array([[b"a", b"b"]])
    return path


def test_hdf5_datasets_round_trip(als2, h5file):
    f = als2.read_from_hdf5(str(h5file))
    assert sorted(f.keys()) == ["chunked", "cube", "ints", "matrix", "text", "vector"]
    for name in ("matrix", "chunked", "ints"):
        h = als2.send_hdf5(f[name])
        assert same_bits(als2.get_array(h), f[name][...].astype(np.float64)), name
    plane = als2.send_hdf5(f["cube"], plane=20)
    assert same_bits(als2.get_array(plane), f["cube"][:, :, 20].astype(np.float64))
    for bad, error in ((f["vector"], ValueError), (f["text"], TypeError)):
        with pytest.raises(error):
            als2.send_hdf5(bad)
    with pytest.raises(ValueError, match="plane 24"):
        als2.send_hdf5(f["cube"], plane=24)
    f.close()


def test_hdf5_datasets_are_read_in_row_chunks(als2, h5file, monkeypatch):
    """Each read covers the rows of one message, never the whole dataset."""
    reads = []
    original = Hdf5Source.block

    def spy(self, first_row, rows, first_col, width):
        reads.append((first_row, rows, first_col, width))
        return original(self, first_row, rows, first_col, width)

    monkeypatch.setattr(Hdf5Source, "block", spy)
    als2.set_transfer(8 << 10, 2)
    with als2.read_from_hdf5(h5file) as f:
        h = als2.send_hdf5(f["matrix"])
        expected = f["matrix"][...]
    assert same_bits(als2.get_array(h), expected)
    assert len(reads) == 2 * 11 and max(rows for _, rows, _, _ in reads) == 14   # 8 KiB: 14 rows of 70
    assert sorted(r[0] for r in reads) == list(range(0, 150, 14)) + list(range(150, 300, 14))


def test_a_freed_matrix_is_unknown(als2):
    h = als2.send_array(np.ones((4, 4)))
    als2.free_matrix(h)
    with pytest.raises(AlchemistError) as e:
        als2.get_array(h)
    assert e.value.code == ErrorCode.UNKNOWN_MATRIX
    with pytest.raises(AlchemistError) as e:
        als2.free_matrix(h)
    assert e.value.code == ErrorCode.UNKNOWN_MATRIX
    assert same_bits(als2.get_array(als2.send_array(np.ones((2, 2)))), np.ones((2, 2)))


def test_matrices_on_a_yielded_worker_are_gone(als2):
    h = als2.send_array(np.ones((4, 4)))
    als2.yield_workers(2)
    with pytest.raises(AlchemistError) as e:
        als2.get_array(h)
    assert e.value.code == ErrorCode.UNKNOWN_MATRIX
