"""Alchemist for Python: hand numpy matrices to an Alchemist server's workers, run distributed linear
algebra there, and fetch the results, with the API of the original Alchemist's Python interface::

    from alchemist import *
    als = AlchemistSession()
    als.connect_to_alchemist("127.0.0.1", 24960)
    als.request_workers(2)
    als.workers.connect()
    alA = als.send_array(A)
    als.load_library("allib")
    alU, alS, alV = als.run_task("truncated_SVD", alA, 20)
    S = als.get_array(alS)
    als.stop()

The package speaks PROTOCOL.md over plain sockets and needs only numpy (and h5py for HDF5 files).
"""

from .codes import Command, Datatype, ErrorCode
from .connection_file import ConnectionFile
from .errors import AlchemistConnectionError, AlchemistError
from .handles import LibraryHandle, MatrixHandle, TaskResult
from .layout import MatrixLayout, WorkerInfo
from .session import AlchemistSession
from .trace import TracePrinter

__all__ = [
    "AlchemistSession", "AlchemistError", "AlchemistConnectionError", "ErrorCode", "MatrixHandle",
    "LibraryHandle", "TaskResult", "WorkerInfo",
]
