"""The seed's cells, in order, from Python (examples/python/seed_walkthrough.py) and from Java
(alchemist.examples.SeedWalkthrough) against the same kind of server: both run, and on the same HDF5 file
they print the same singular values."""

import re
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import JVM_OPTIONS, REPO, java_binary, module_classpath

SCRIPT = REPO / "examples" / "python" / "seed_walkthrough.py"
ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)$")


def singular_value_table(output):
    """The (Alchemist S, LAPACK) columns of the walkthrough's table."""
    lines = output.splitlines()
    start = lines.index("   i   Alchemist S             LAPACK dgesdd           relative difference")
    rows = []
    for line in lines[start + 1:]:
        m = ROW.match(line)
        if not m:
            break
        assert int(m.group(1)) == len(rows)
        rows.append((float(m.group(2)), float(m.group(3))))
    return np.array(rows)


def run_python(*args):
    done = subprocess.run([sys.executable, str(SCRIPT)] + [str(a) for a in args], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def seed_like_file(tmp_path_factory):
    """A file shaped like the seed's: a 3-D int16 'Reflectance' cube of 426 x 502 x 24, and other datasets."""
    path = tmp_path_factory.mktemp("seed") / "NEON-like.h5"
    rng = np.random.default_rng(2018)
    smooth = np.cumsum(rng.integers(-40, 41, size=(426, 502, 24)), axis=1)
    with h5py.File(path, "w") as f:
        f.create_dataset("Reflectance", data=(smooth - smooth.min() + 100).astype(np.int16), chunks=(71, 502, 4))
        f["fwhm"] = np.full(24, 5.0)
        f["wavelength"] = np.linspace(380.0, 2510.0, 24)
    return path


def test_the_python_walkthrough_runs_the_seeds_cells_in_order(server):
    out = run_python("--connection-file", server.connection_file)
    sections = [line for line in out.splitlines() if line.startswith("## ")]
    assert sections == ["## Starting Alchemist", "## Loading data and sending it to Alchemist", "## Loading a library",
                        "## Running a task on Alchemist", "## Fetching data back from Alchemist", "## Stopping Alchemist"]
    assert "(no HDF5 file given: wrote a 426 x 502 sample" in out
    assert "Connecting to Alchemist at %s:%d ..." % (server.host, server.port) in out
    assert "Command code:        1 (HANDSHAKE)" in out and "Command code:        14 (RUN_TASK)" in out
    assert "Requesting 2 workers from Alchemist" in out
    assert out.count("Alchemist returned: 'Alchemist worker received: 'This is a test message from client ") == 2
    assert "matrix\nsingular_values\n" in out
    table = singular_value_table(out)
    assert table.shape == (20, 2)
    assert np.max(np.abs(table[:, 0] - table[:, 1]) / table[:, 1]) <= 1e-9
    assert np.allclose(table[:20, 0], 1000.0 * 0.85 ** np.arange(20), rtol=1e-4)   # the sample's spectrum
    assert "Max abs difference from the array sent: 0.0" in out
    assert "equal to the array sent: True" in out


def test_python_and_java_print_the_same_singular_values(server, seed_like_file):
    """Done means: the seed's cells run from Python and from Java and print the same singular values."""
    python_out = run_python("--quiet", "--connect", "%s:%d" % (server.host, server.port), "--dataset", "Reflectance",
                            "--plane", 20, seed_like_file)
    java = subprocess.run([java_binary()] + JVM_OPTIONS + ["-cp", module_classpath("examples"),
                                                          "alchemist.examples.SeedWalkthrough", "--quiet",
                                                          "--connect", "%s:%d" % (server.host, server.port),
                                                          "--dataset", "Reflectance", "--plane", "20",
                                                          str(seed_like_file)],
                          capture_output=True, text=True, timeout=300)
    assert java.returncode == 0, java.stdout + java.stderr
    from_python = singular_value_table(python_out)
    from_java = singular_value_table(java.stdout)
    assert from_python.shape == from_java.shape == (20, 2)
    assert np.max(np.abs(from_python[:, 0] - from_java[:, 0]) / from_java[:, 0]) <= 1e-12
    assert np.max(np.abs(from_python[:, 0] - from_python[:, 1]) / from_python[:, 1]) <= 1e-9
    for out in (python_out, java.stdout):
        assert "Reflectance\n" in out and "## Stopping Alchemist" in out
    with h5py.File(seed_like_file, "r") as f:
        plane = np.float64(f["Reflectance"][:, :, 20])
    assert np.allclose(from_python[:, 0], np.linalg.svd(plane, compute_uv=False)[:20], rtol=1e-9, atol=0)
