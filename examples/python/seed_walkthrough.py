#!/usr/bin/python3
"""The seed's tutorial, "Alchemist: A Python <=> MPI Interface", cell by cell against our server.

    seed_walkthrough.py [--quiet] [--connect HOST:PORT | --connection-file F]
                        [--dataset NAME [--plane K]] [--k K] [file.h5]

Start a server first (``bin/alchemist-server --workers 2 --library-dir allib/target``); without
``--connect`` the script finds it through the connection file, as the seed's text says the interface
usually does. Without a file it writes a 426 x 502 sample (the seed's shape) to a temporary file. The
dataset defaults to ``matrix`` if the file has one, else its first dataset; ``--plane K`` takes the plane
``[:, :, K]`` of a 3-D dataset, as the seed's ``f['Reflectance'][:, :, 20]``. Every message is printed in
the seed's trace layout unless ``--quiet`` is given. The singular values come out in the same table as
the Java walkthrough's (``bin/demo``), beside numpy's (LAPACK dgesdd) on the same matrix.

The cells below are the seed's, in its order, under its ``In [n]`` numbers; what is not in the seed
(the argument handling here, the table, the fetch back) says so.
"""

import argparse
import atexit
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))  # the package, from a checkout

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("file", nargs="?", help="an HDF5 file (default: a sample written to a temporary file)")
parser.add_argument("--quiet", action="store_true", help="do not print the messages")
parser.add_argument("--connect", metavar="HOST:PORT", help="the driver (default: the connection file's)")
parser.add_argument("--connection-file", metavar="F", help="where the server wrote its host and port")
parser.add_argument("--dataset", help="the dataset to send (default: matrix, else the first)")
parser.add_argument("--plane", type=int, help="take the plane [:, :, K] of a 3-D dataset")
parser.add_argument("--k", type=int, default=20, help="singular values to compute (the seed's 20)")
args = parser.parse_args()


def write_sample(path, rows=426, cols=502, seed=42):
    """A rows x cols matrix U diag(w) V^T + noise, w_k = 1000 * 0.85^k for k < 30 (as the Java sample)."""
    import h5py
    import numpy

    rng = numpy.random.default_rng(seed)
    rank = min(30, rows, cols)
    u, _ = numpy.linalg.qr(rng.standard_normal((rows, rank)))
    v, _ = numpy.linalg.qr(rng.standard_normal((cols, rank)))
    weights = 1000.0 * 0.85 ** numpy.arange(rank)
    with h5py.File(path, "w") as f:
        f["matrix"] = (u * weights) @ v.T + 1e-3 * rng.standard_normal((rows, cols))
        f["singular_values"] = weights
    return path


if args.file is None:
    fd, sample = tempfile.mkstemp(prefix="alchemist-seed-", suffix=".h5")
    os.close(fd)
    atexit.register(os.unlink, sample)
    args.file = write_sample(sample)
    print("(no HDF5 file given: wrote a 426 x 502 sample to %s)" % args.file)

print("## Starting Alchemist")
# In [2]:
from alchemist import *  # noqa: E402,F403 - as the seed
import numpy as np  # noqa: E402

# In [3]: AlchemistSession's don't take parameters.
als = AlchemistSession()  # noqa: F405
als.verbose = not args.quiet  # (not in the seed: the original printed every message)

# In [4]: the seed connects to address "0.0.0.0" and port 0. Port 0 and address None mean "what the
# connection file says".
address = None
port = 0
if args.connect:
    address, _, port = args.connect.rpartition(":")
    port = int(port)
als.connect_to_alchemist(address, port, connection_file=args.connection_file)

# In [5]: how many workers are available?
available = als.list_available_workers()
print("Alchemist has %d workers available:" % len(available))
for w in available:
    print("    worker %d at %s:%d" % (w.id, w.address, w.port))

# In [6]: request 2 workers.
num_workers = 2
als.request_workers(num_workers)

# In [7]:
als.workers.connect()

# In [8]:
answers = als.workers.send_test_string()
if args.quiet:  # (verbose mode prints them as the seed does)
    for answer in answers:
        print("Alchemist returned: '%s'" % answer)

print("## Loading data and sending it to Alchemist")
# In [10]: read the H5 file and print the names of its datasets.
f = als.read_from_hdf5(args.file)
datasetNames = [n for n in f.keys()]
for n in datasetNames:
    print(n)
name = args.dataset or ("matrix" if "matrix" in datasetNames else datasetNames[0])

# In [11]: the seed's sstHD = np.float64(f['Reflectance'][:,:,20]).
sstHD = np.float64(f[name][:, :, args.plane] if args.plane is not None else f[name][:, :])

# In [12]:
alA = als.send_array(sstHD)
print("Alchemist holds %s as matrix %d, %d x %d" % (name, alA.id, alA.num_rows, alA.num_cols))

print("## Loading a library")
# In [13]: the seed's TestLib is our allib, found in the server's library directory.
testlib = als.load_library("allib")
for lib in als.list_libraries():
    print("Library %d, %s: %s" % (lib.id, lib.name, lib.tasks))

print("## Running a task on Alchemist")
# In [14]:
alU, alS, alV = als.run_task("truncated_SVD", alA, args.k)
print("U is matrix %d (%d x %d), S matrix %d, V matrix %d (%d x %d)" % (
    alU.id, alU.num_rows, alU.num_cols, alS.id, alV.id, alV.num_rows, alV.num_cols))

# In [15]:
S = als.get_array(alS)

print(S)

# (Not in the seed: S beside LAPACK's, in the Java walkthrough's table.)
lapack = np.linalg.svd(sstHD, compute_uv=False)  # numpy calls LAPACK's dgesdd
print("   i   Alchemist S             LAPACK dgesdd           relative difference")
for i in range(len(S)):
    print("%4d   %-22.15e  %-22.15e  %.1e" % (i, S[i, 0], lapack[i], abs(S[i, 0] - lapack[i]) / lapack[i]))
for h in (alU, alS, alV):
    als.free_matrix(h)

# (Not in the seed: the matrix back whole and in part, and the same matrix streamed from the file.)
print("## Fetching data back from Alchemist")
back = als.get_array(alA)
print("Max abs difference from the array sent: %s" % np.max(np.abs(back - sstHD)))
print("Rows 2..5, columns 0..4:")
print(als.get_array(alA, rows=(2, 6), cols=(0, 5)))
streamed = als.send_hdf5(f[name], plane=args.plane)  # read from the file in row chunks as it is sent
print("Streamed from the file as matrix %d; equal to the array sent: %s" % (
    streamed.id, np.array_equal(als.get_array(streamed), sstHD)))
f.close()

print("## Stopping Alchemist")
# In [ ]:
als.stop()
