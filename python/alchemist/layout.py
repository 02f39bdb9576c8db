"""What the driver says about workers and matrices: worker addresses and row-block layouts.

Every matrix lives in row blocks: each worker of the session owns one contiguous range of rows, in
ascending worker ID order. The client needs the layout to know which worker to send each row to and to
fetch each row from; it is read, and checked, from MATRIX_INFO's, MATRIX_LAYOUT's and RUN_TASK's replies.
"""

from collections import namedtuple

from .codes import Datatype, ErrorCode
from .errors import AlchemistError

#: The only layout there is: contiguous row blocks.
ROW_BLOCKS = 0


class WorkerInfo(namedtuple("WorkerInfo", "id hostname address port session_id")):
    """A worker: its ID, where a client connects to it, and the session holding it (0 when free)."""

    __slots__ = ()

    @classmethod
    def read_address(cls, reader, session_id=0):
        """Reads ID, hostname, address and port, as REQUEST_WORKERS' reply lists a worker."""
        return cls(reader.read_unsigned_short(), reader.read_string(), reader.read_string(),
                   reader.read_unsigned_short(), session_id)

    @classmethod
    def read_listing(cls, reader):
        """Reads the address and then the holding session, as LIST_ALL_WORKERS lists a worker."""
        w = cls.read_address(reader)
        return w._replace(session_id=reader.read_unsigned_short())


class MatrixLayout(namedtuple("MatrixLayout", "matrix_id num_rows num_cols worker_ids row_ranges")):
    """Which worker holds which rows of a matrix.

    ``worker_ids`` is ascending; ``row_ranges[i]`` is the ``(start, end)`` of rows held by ``worker_ids[i]``.
    """

    __slots__ = ()

    @classmethod
    def read(cls, reader):
        """Reads MATRIX_INFO's reply body (or a task's matrix output): ID (SHORT or MATRIX_ID), LONG rows,
        LONG cols, BYTE layout, SHORT worker IDs, LONG row ranges.

        Raises:
            AlchemistError: ERROR 4 for another layout, or ranges that do not tile the rows in order.
        """
        matrix_id = reader.read_matrix_id()
        rows = reader.read_long()
        cols = reader.read_long()
        layout = reader.read_byte()
        if layout != ROW_BLOCKS:
            raise AlchemistError(ErrorCode.INCONSISTENT_DATATYPES, "unknown matrix layout %d" % layout)
        ids = []
        while reader.peek_type() == Datatype.SHORT:
            ids.append(reader.read_unsigned_short())
        ranges = []
        expected = 0
        for worker in ids:
            start, end = reader.read_long(), reader.read_long()
            if start != expected or end < start:
                raise AlchemistError(ErrorCode.INCONSISTENT_DATATYPES, "row ranges of matrix %d do not tile its "
                                     "rows at worker %d" % (matrix_id, worker))
            ranges.append((start, end))
            expected = end
        if expected != rows:
            raise AlchemistError(ErrorCode.INCONSISTENT_DATATYPES, "row ranges of matrix %d cover %d of %d rows"
                                 % (matrix_id, expected, rows))
        return cls(matrix_id, rows, cols, tuple(ids), tuple(ranges))

    def __str__(self):
        held = " ".join("worker %d [%d, %d)" % (w, s, e) for w, (s, e) in zip(self.worker_ids, self.row_ranges))
        return "matrix %d (%d x %d) on %s" % (self.matrix_id, self.num_rows, self.num_cols, held)
