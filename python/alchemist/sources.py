"""Where the values of a matrix being sent come from: a numpy array, or an HDF5 dataset read in row chunks.

A source answers ``block(first_row, rows, first_col, width)`` with that part of the matrix, which the
transfer turns into one block message. For an array this is a view; for an HDF5 dataset it is a read of
just those rows, done by HDF5 straight into big-endian doubles, so a dataset larger than memory is sent
without ever being held whole.
"""

import numpy as np

#: numpy kinds that convert to doubles as a numpy user expects: bool, signed and unsigned ints, floats.
_NUMERIC_KINDS = "biuf"


def _check_matrix(shape, dtype, what):
    if len(shape) != 2:
        raise ValueError("%s must be 2-D (rows x columns), not %d-D%s" % (
            what, len(shape), "; use a.reshape(-1, 1) for a column" if len(shape) == 1 and what == "the array" else ""))
    if dtype.kind not in _NUMERIC_KINDS:
        raise TypeError("%s holds %s values; Alchemist matrices are real doubles" % (what, dtype))


class ArraySource:
    """A 2-D array-like of real numbers (any order, any numeric dtype; converted to doubles block by block)."""

    def __init__(self, array):
        array = np.asarray(array)
        _check_matrix(array.shape, array.dtype, "the array")
        self.array = array
        self.num_rows, self.num_cols = array.shape

    def block(self, first_row, rows, first_col, width):
        return self.array[first_row:first_row + rows, first_col:first_col + width]


class Hdf5Source:
    """A 2-D numeric h5py dataset, or the plane ``[:, :, plane]`` of a 3-D one (the seed's
    ``f['Reflectance'][:, :, 20]``), read a block of rows at a time as big-endian doubles."""

    def __init__(self, dataset, plane=None):
        shape = tuple(dataset.shape)
        what = "dataset %s" % dataset.name
        if plane is not None:
            if len(shape) != 3 or not 0 <= plane < shape[2]:
                raise ValueError("plane %d of %s: it needs a 3-D dataset with more than %d planes, not shape %s"
                                 % (plane, what, plane, shape))
            shape = shape[:2]
            what += " plane %d" % plane
        _check_matrix(shape, dataset.dtype, what)
        self.dataset = dataset
        self.plane = plane
        self.num_rows, self.num_cols = shape

    def block(self, first_row, rows, first_col, width):
        out = np.empty((rows, width), dtype=">f8")
        if rows and width:
            where = np.s_[first_row:first_row + rows, first_col:first_col + width]
            self.dataset.read_direct(out, where if self.plane is None else where + (self.plane,))
        return out
