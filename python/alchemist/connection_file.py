"""The small file a server writes once it accepts clients, and clients read to find it.

Two lines, ``host=...`` and ``port=...``, at ``$ALCHEMIST_CONNECTION_FILE`` or else
``~/.alchemist/connection``: the same rules as the Java ``ConnectionFile``, so ``bin/alchemist-server``
started in one terminal is found by a Python session in another without typing its port.
"""

import os
import tempfile
from collections import namedtuple
from pathlib import Path

#: Environment variable naming the file.
ENV = "ALCHEMIST_CONNECTION_FILE"


class ConnectionFile(namedtuple("ConnectionFile", "host port")):
    """A server's host and port, as its connection file gives them."""

    __slots__ = ()

    @staticmethod
    def default_path():
        """``$ALCHEMIST_CONNECTION_FILE`` if set and not blank, else ``~/.alchemist/connection``."""
        env = os.environ.get(ENV, "")
        if env.strip():
            return Path(env)
        return Path.home() / ".alchemist" / "connection"

    @classmethod
    def read(cls, path=None):
        """Reads a connection file (the default one when ``path`` is None).

        Lines are ``key=value`` (or ``key: value``); blank lines and lines starting with ``#`` or ``!`` are
        skipped, as Java's ``Properties`` does for the files servers write.

        Raises:
            FileNotFoundError: when there is no such file (the message says how to start a server).
            ValueError: naming the file, when it lacks ``host=`` or a valid ``port=``.
        """
        path = Path(path) if path is not None else cls.default_path()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as e:
            raise FileNotFoundError(e.errno, "no Alchemist connection file %s (start a server with "
                                    "bin/alchemist-server, or pass host and port)" % path, str(path)) from None
        values = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line[0] in "#!":
                continue
            cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
            if cut >= 0:
                values[line[:cut].strip()] = line[cut + 1:].strip()
        if "host" not in values or "port" not in values:
            raise ValueError("connection file %s needs host= and port= lines" % path)
        try:
            port = int(values["port"])
        except ValueError:
            raise ValueError("connection file %s has a bad port: %s" % (path, values["port"])) from None
        return cls(values["host"], port)

    def write(self, path=None):
        """Writes the file atomically (a reader never sees half of it), creating its directory."""
        path = Path(path) if path is not None else self.default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".connection", suffix=".tmp", dir=str(path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write("host=%s\nport=%d\n" % (self.host, self.port))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        return path
