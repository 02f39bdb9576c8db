"""Fixtures: an embedded Alchemist server started from the built jars, sessions on it, and the JDK.

The server is the real one (``alchemist.server.AlchemistServerMain``, 2 workers, allib's jar directory as
its library directory) on free loopback ports, started once for the test session; the fixture waits for
its connection file and stops it with SIGTERM at the end. Where the jars or the JDK are missing the
server tests are skipped with the command that builds them, except under ``CI=true``, where that is a
failure: CI must run every test.
"""

import glob
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
REPO = PYTHON_DIR.parent
sys.path.insert(0, str(PYTHON_DIR))

from alchemist import AlchemistSession  # noqa: E402
from alchemist.connection_file import ConnectionFile  # noqa: E402

WORKERS = 2
JVM_OPTIONS = ["-Dio.netty.tryReflectionSetAccessible=true", "--add-opens=java.base/java.nio=ALL-UNNAMED",
               "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"]
BUILD_HINT = "build the jars first: mvn -B -o package -DskipTests (bin/test does it)"


def unavailable(reason):
    """Skips the test, or fails it under CI=true, where nothing may be skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: the Python tests must not skip)")
    pytest.skip(reason)


def java_binary():
    """The JDK 25 ``java`` the project's scripts use ($JAVA_HOME, else Temurin 25's usual place)."""
    for home in (os.environ.get("JAVA_HOME"), "/usr/lib/jvm/temurin-25-jdk-amd64"):
        if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
            return os.path.join(home, "bin", "java")
    found = shutil.which("java")
    if found is None:
        unavailable("no java: set JAVA_HOME to a JDK 25")
    return found


def module_classpath(module):
    """A module's jar and its runtime dependencies (as bin/env.sh's module_classpath)."""
    jars = glob.glob(str(REPO / module / "target" / ("alchemist-%s-*.jar" % module)))
    if not jars or not (REPO / module / "target" / "lib").is_dir():
        unavailable("no %s jar in %s/target: %s" % (module, module, BUILD_HINT))
    return os.pathsep.join([jars[0], str(REPO / module / "target" / "lib" / "*")])


class Server:
    """A running embedded server: ``host``, ``port``, ``connection_file``, ``log`` (its output so far)."""

    def __init__(self, tmp, workers=WORKERS, extra=()):
        if not glob.glob(str(REPO / "allib" / "target" / "alchemist-allib-*.jar")):
            unavailable("no allib jar: " + BUILD_HINT)
        self.connection_file = tmp / "connection"
        self.log_path = tmp / "server.log"
        command = [java_binary()] + JVM_OPTIONS + ["-cp", module_classpath("server"),
                                                   "alchemist.server.AlchemistServerMain", "--workers", str(workers),
                                                   "--port", "0", "--library-dir", str(REPO / "allib" / "target"),
                                                   "--connection-file", str(self.connection_file)] + list(extra)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 90
        # The connection file appears as soon as the driver accepts clients, a moment before the server has
        # finished starting; a SHUT_DOWN in that moment is lost (AlchemistServer.close() meets a null
        # driverProcess). The launcher prints its "listening" line once start() has returned.
        while not self.connection_file.exists() or "Alchemist listening on" not in self.log:
            if self.process.poll() is not None:
                raise RuntimeError("the server exited with %d:\n%s" % (self.process.returncode, self.log))
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server wrote no connection file in 90 s:\n" + self.log)
            time.sleep(0.05)
        self.host, self.port = ConnectionFile.read(self.connection_file)

    @property
    def log(self):
        return self.log_path.read_text(errors="replace")

    def alive(self):
        return self.process.poll() is None

    def session(self):
        """A new session connected to this server."""
        als = AlchemistSession()
        als.connect_to_alchemist(self.host, self.port)
        return als

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The embedded server the tests share (2 workers, allib loadable)."""
    s = Server(tmp_path_factory.mktemp("server"))
    yield s
    s.stop()


def wait_for_free_workers(server, timeout=10.0):
    """Waits until no session holds a worker (the server frees a closed session's workers asynchronously)."""
    deadline = time.monotonic() + timeout
    with server.session() as probe:
        while True:
            held = [w for w in probe.list_alchemist_workers() if w.session_id != 0 and w.session_id != probe.session_id]
            if not held or time.monotonic() > deadline:
                return held
            time.sleep(0.05)


@pytest.fixture
def als(server):
    """A session connected to the shared server; stopped afterwards, and the server is checked to have every
    worker free again (so one test's session cannot starve the next, and the server is still serving)."""
    session = server.session()
    yield session
    session.stop()
    assert server.alive(), "the server died:\n" + server.log
    assert wait_for_free_workers(server) == [], "workers still held after the test's session stopped"


@pytest.fixture
def als2(als):
    """A session holding both workers, connected to them."""
    als.request_workers(WORKERS)
    als.workers.connect()
    return als
