"""Traces: the Python printer writes what the Java ``TracePrinter`` writes, character for character.

The same messages (the seed's, every datatype, long and cut runs, strings cut inside a surrogate pair,
bad UTF-8, every kind of malformed body, doubles and floats of every magnitude) go through both printers:
the Java one through a small program run by the JDK's source launcher (tests/java/TraceFormat.java). A
verbose session's output is checked against the Java printer on the very frames that session exchanged.
"""

import math
import struct
import subprocess
import threading

import numpy as np
import pytest

from alchemist.javafmt import double_to_string, float_to_string
from alchemist.trace import INDENT, TracePrinter, Tracer
from conftest import PYTHON_DIR, java_binary, module_classpath


def run(code, count, payload=b""):
    return struct.pack(">BI", code, count) + payload


def message(client, session, command, body, length=None):
    return struct.pack(">HHBI", client, session, command, len(body) if length is None else length) + body


def java_format(messages, tmp_path):
    """Each message formatted by the Java TracePrinter."""
    source = tmp_path / "in.bin"
    target = tmp_path / "out.bin"
    source.write_bytes(b"".join(struct.pack(">I", len(m)) + m for m in messages))
    subprocess.run([java_binary(), "-cp", module_classpath("server"), str(PYTHON_DIR / "tests" / "java" /
                                                                          "TraceFormat.java"),
                    str(source), str(target)], check=True, timeout=120)
    data = target.read_bytes()
    out, at = [], 0
    while at < len(data):
        (n,) = struct.unpack_from(">I", data, at)
        out.append(data[at + 4:at + 4 + n].decode("utf-8"))
        at += 4 + n
    return out


def doubles_of_every_kind():
    rng = np.random.default_rng(2024)
    special = [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, 1e-323, 1.5e-323, 2.2250738585072014e-308,
               1.7976931348623157e308, 1e7, 9999999.999999998, 1e7 + 1, 1e-3, 0.0009999999999999998, 1e-4, 0.1, 0.2,
               0.3, 1 / 3, 100.0, 123456.789, 1e21, 1e22, 1e23, 2 ** 53, 2 ** 63, 4.35, 0.5, 2e-3, 1234567.0]
    random_bits = rng.integers(0, 2 ** 63, size=1500, dtype=np.int64).view(np.float64)
    magnitudes = rng.standard_normal(1000) * 10.0 ** rng.integers(-12, 12, size=1000)
    small = np.arange(1, 200, dtype=np.int64).view(np.float64)  # the smallest subnormals
    values = np.concatenate([special, random_bits, magnitudes, small, -small[:20]])
    return values[np.isfinite(values) | np.isnan(values)]


def floats_of_every_kind():
    rng = np.random.default_rng(7)
    special = np.array([0.0, 1.0, 0.1, 1e7, 1e-3, 3.4028235e38, 1.17549435e-38, 16777216.0, 1e-4],
                       dtype=np.float32)
    bits = rng.integers(0, 2 ** 31 - 2 ** 23, size=800, dtype=np.int64).astype(np.int32).view(np.float32)
    small = np.arange(1, 100, dtype=np.int32).view(np.float32)
    return np.concatenate([special, -special, bits, small])


def byte_strings_of_every_kind():
    """Short strings of bytes that are valid, overlong, truncated or surrogate UTF-8 (and ASCII around them)."""
    rng = np.random.default_rng(11)
    interesting = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF,
                   0xF0, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF]
    return [bytes(rng.choice(interesting, size=rng.integers(1, 9))) for _ in range(400)]


def corpus():
    """Messages of every shape the printer has a branch for."""
    doubles = doubles_of_every_kind()
    floats = floats_of_every_kind()
    out = [
        message(0, 0, 1, run(18, 1, b"\x04") + run(34, 1, struct.pack(">h", 1234)) + run(46, 4, b"ABCD")),
        message(1, 1, 1, run(34, 1, struct.pack(">h", 4321)) + run(46, 4, b"DCBA")),
        message(1, 0, 16, run(18, 2, b"\0\0") + run(36, 2, struct.pack(">qq", 426, 502))),
        message(1, 1, 19, run(34, 1, b"\0\3") + run(36, 40, struct.pack(">40q", *[v for i in range(0, 20, 2)
                                                                               for v in (i, i, 0, 0)]))),
        message(1, 1, 4, run(46, 36, b"This is a test message from client 1")),
        message(1, 0, 14, run(46, 13, b"truncated_SVD") + run(34, 1, b"\0\1") + run(35, 1, struct.pack(">i", 20))
                + run(18, 1, b"\0")),
        message(1, 1, 18, run(34, 1, b"\0\1") + run(36, 4, struct.pack(">4q", 1, 1, 0, 501))
                + run(16, 502, np.arange(502, dtype=">f8").tobytes())),
        message(65535, 65535, 255, run(34, 1, b"\0\x08") + run(46, 5, b"oops!")),
        message(1, 1, 99, run(1, 3, b"\xff\0\x7f") + run(47, 2, b"\x10\xff") + run(53, 2, b"\xff\xff\0\1")),
        message(1, 1, 9, run(34, 2, b"\x80\0\xff\xff") + run(35, 3, struct.pack(">3i", -1, 2 ** 31 - 1, -2 ** 31))
                + run(36, 2, struct.pack(">2q", -1, -2 ** 63))),
        message(1, 1, 18, run(34, 64, bytes(128))),                       # exactly 64 values: not cut
        message(1, 1, 18, run(34, 65, bytes(130))),                       # cut after 64
        message(1, 1, 4, run(46, 512, b"x" * 512)),                       # exactly 512 characters: not cut
        message(1, 1, 4, run(46, 513, b"y" * 513)),
        message(1, 1, 4, run(46, 0)),
        message(1, 1, 4, run(46, 4 * 200, "\U0001F600".encode() * 200)),        # cut inside a surrogate pair
        message(1, 1, 4, run(46, 511 + 4, b"a" * 511 + "\U0001F600".encode())),  # cut after the high surrogate
        message(1, 1, 4, run(46, 600, "é".encode() * 300)),
        message(1, 1, 4, run(46, 9, b"ok\xff\xfe\xc3(\xe2\x82z")),               # bad UTF-8
        message(1, 1, 4, run(46, 8, b"\xed\xa0\x80\xf0\x9f\x98x!")),
        message(1, 1, 7, b""),
        message(1, 1, 7, run(99, 3, b"ab")),                              # unknown datatype
        message(1, 1, 7, run(0, 0)),                                      # NONE
        message(1, 1, 7, run(36, 0xFFFFFFFF, bytes(8))),                  # overrun
        message(1, 1, 7, run(34, 1, b"\0\1") + b"\x22\0"),                # truncated run header
        message(1, 1, 7, run(34, 1, b"\0\1"), length=100),                # body shorter than the header says
        message(1, 1, 7, run(46, 2, b"ok") + run(34, 1, b"\0\1"), length=7),  # header says less than there is
        b"\0\1\0\2\3",                                                    # truncated header
        b"",
    ]
    for text in byte_strings_of_every_kind():
        out.append(message(1, 1, 4, run(46, len(text), text)))
    for i in range(0, len(doubles), 64):
        out.append(message(1, 1, 18, run(16, len(doubles[i:i + 64]), doubles[i:i + 64].astype(">f8").tobytes())))
    for i in range(0, len(floats), 64):
        out.append(message(1, 1, 18, run(15, len(floats[i:i + 64]), floats[i:i + 64].astype(">f4").tobytes())))
    return out


def test_the_python_printer_writes_what_the_java_printer_writes(tmp_path):
    messages = corpus()
    expected = java_format(messages, tmp_path)
    printer = TracePrinter()
    got = [printer.format_frame(m) for m in messages]
    mismatches = [(i, g, e) for i, (g, e) in enumerate(zip(got, expected)) if g != e]
    assert len(got) == len(expected) == len(messages)
    assert not mismatches, "message %d differs:\n--- python\n%s\n--- java\n%s" % mismatches[0]


def test_the_seed_layout():
    """The handshake as the seed prints it (independent of the Java printer)."""
    text = TracePrinter().format_frame(message(0, 0, 1, run(18, 1, b"\x04") + run(34, 1, struct.pack(">h", 1234))
                                               + run(46, 4, b"ABCD")))
    assert text == (" \n"
                    + INDENT + "Client ID:           0\n"
                    + INDENT + "Session ID:          0\n"
                    + INDENT + "Command code:        1 (HANDSHAKE)\n"
                    + INDENT + "Message body length: 22\n"
                    + INDENT + "----------------------------------------------\n"
                    + INDENT + "Datatype (length):   BYTE (1)\n"
                    + INDENT + "Data:                4 \n"
                    + " \n"
                    + INDENT + "Datatype (length):   SHORT (1)\n"
                    + INDENT + "Data:                1234 \n"
                    + " \n"
                    + INDENT + "Datatype (length):   STRING (4)\n"
                    + INDENT + "Data:                ABCD\n")


@pytest.mark.parametrize("value, java", [
    (1.0, "1.0"), (100.0, "100.0"), (1e7, "1.0E7"), (9999999.0, "9999999.0"), (0.001, "0.001"),
    (0.0009999, "9.999E-4"), (1e-4, "1.0E-4"), (5e-324, "4.9E-324"), (-0.0, "-0.0"), (1e23, "1.0E23"),
    (1.7976931348623157e308, "1.7976931348623157E308"), (123456.789, "123456.789"), (math.nan, "NaN"),
    (-math.inf, "-Infinity"), (-2.5e-5, "-2.5E-5"), (1234567.0, "1234567.0"),
])
def test_doubles_print_as_java_prints_them(value, java):
    assert double_to_string(value) == java


@pytest.mark.parametrize("value, java", [(1.4e-45, "1.4E-45"), (3.4028235e38, "3.4028235E38"), (0.1, "0.1"),
                                         (16777216.0, "1.6777216E7"), (-1e-3, "-0.001")])
def test_floats_print_as_java_prints_them(value, java):
    assert float_to_string(np.float32(value)) == java


def test_a_verbose_session_prints_what_the_java_printer_prints_for_its_messages(als, capsys, tmp_path,
                                                                                monkeypatch):
    """The session's stdout, message by message, is the Java printer's output for the frames it exchanged."""
    frames = []
    lock = threading.Lock()   # streams to the two workers trace from two threads: keep frames in print order
    original = Tracer.message

    def record(self, head, body):
        with lock:
            frames.append(head.pack() + bytes(body))
            original(self, head, body)

    monkeypatch.setattr(Tracer, "message", record)
    als.verbose = True
    als.request_workers(2)
    als.workers.connect()
    als.workers.send_test_string()
    handle = als.send_array(np.arange(30.0).reshape(6, 5) / 7)
    als.get_array(handle, rows=(1, 4))
    als.free_matrix(handle)
    als.verbose = False
    printed = capsys.readouterr().out
    expected = java_format(frames, tmp_path)
    assert len(frames) == 2 * (1 + 2 + 2 + 1 + 2 + 2 + 1)  # every request and reply, including the handshakes
    assert printed.count("Command code:") == len(frames)
    narration = [line for line in printed.splitlines() if not line.startswith(" ")]
    assert narration[0] == "Requesting 2 workers from Alchemist"
    assert "Alchemist returned: 'Alchemist worker received: 'This is a test message from client %d''" % (
        als.client_id) in narration
    assert "".join(line + "\n" for line in printed.splitlines() if line.startswith(" ")) == "".join(expected)
