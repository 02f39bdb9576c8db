"""What a session hands back for things that live on the server: matrices, libraries, task results.

A handle holds only metadata (IDs, sizes, layout); the data stays on the workers until fetched with
``get_array``. Handles are immutable and valid until freed or until their session stops.
"""

from collections import namedtuple


class MatrixHandle:
    """A matrix on the session's workers: its ID, shape and row-block layout (:class:`MatrixLayout`)."""

    __slots__ = ("layout",)

    def __init__(self, layout):
        self.layout = layout

    @property
    def id(self):
        return self.layout.matrix_id

    @property
    def num_rows(self):
        return self.layout.num_rows

    @property
    def num_cols(self):
        return self.layout.num_cols

    @property
    def shape(self):
        """``(rows, cols)``, as a numpy array's shape."""
        return (self.layout.num_rows, self.layout.num_cols)

    def __eq__(self, other):
        return isinstance(other, MatrixHandle) and other.layout == self.layout

    def __hash__(self):
        return hash(self.layout)

    def __repr__(self):
        return "MatrixHandle(id=%d, shape=(%d, %d))" % (self.id, self.num_rows, self.num_cols)


class LibraryHandle(namedtuple("LibraryHandle", "id name tasks")):
    """A library loaded in the session: its ID, the name it was loaded under, and its tasks' signatures
    (as the server lists them, e.g. ``truncated_svd(A: MATRIX, k: INT, method: BYTE = 0) -> (U: MATRIX, ...)``;
    empty when not listed)."""

    __slots__ = ()


class TaskResult(tuple):
    """A task's outputs in the task's order, so ``alU, alS, alV = als.run_task("truncated_SVD", alA, 20)``
    unpacks them as in the seed; also by name: ``result["S"]``. Matrices are :class:`MatrixHandle`\\ s,
    scalars plain Python numbers or strings."""

    def __new__(cls, named_outputs):
        named_outputs = list(named_outputs)
        self = super().__new__(cls, [value for _, value in named_outputs])
        self._names = tuple(name for name, _ in named_outputs)
        return self

    @property
    def names(self):
        """The output names, in order."""
        return self._names

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise KeyError("no output %r among %s" % (key, ", ".join(self._names))) from None
        return tuple.__getitem__(self, key)

    def as_dict(self):
        """The outputs by name, in order."""
        return dict(zip(self._names, self))

    def __repr__(self):
        return "TaskResult(%s)" % ", ".join("%s=%r" % item for item in zip(self._names, self))

    def __reduce__(self):
        return type(self), (list(zip(self._names, self)),)
