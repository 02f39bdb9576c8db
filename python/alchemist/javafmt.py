"""Java's ``Double.toString``, ``Float.toString`` and UTF-8 decoding, so that traces match the Java
client's to the byte.

The Java trace printer prints each DOUBLE with ``String.valueOf(double)`` (``1.0E7``, ``4.9E-324``,
``0.001``), which differs from Python's ``repr`` (``10000000.0``, ``5e-324``, ``0.001``). The digits are the
same shortest round-trip digits that ``repr`` (and numpy for float32) computes, except in one case Java's
specification (JDK 19 and later) spells out: when a single digit suffices, Java still picks a two-digit
decimal if one that rounds to the same value is closer to it (``4.9E-324`` rather than ``5e-324``). That
case is settled here with exact rational arithmetic; then the digits are laid out as Java does: plain
notation for magnitudes in [10^-3, 10^7), computerized scientific notation (``d.dddE±n``) otherwise.

Strings in traces are decoded as Java's ``new String(bytes, UTF_8)`` does, which replaces bad input as
Python's ``errors="replace"`` does except for an encoded surrogate (``ED A0..BF ..``): one U+FFFD for the
whole sequence where Python writes one per byte.
"""

import codecs
import math
import struct
from decimal import Decimal
from fractions import Fraction

import numpy as np


def double_to_string(x):
    """``String.valueOf(double)`` of a Python float."""
    x = float(x)
    special = _special(x)
    if special is not None:
        return special
    digits, exponent = _shortest(repr(abs(x)))
    if len(digits) == 1:
        digits, exponent = _closest_of_two_digits(abs(x), digits, exponent, _double_interval)
    return ("-" if x < 0 else "") + _layout(digits, exponent)


def float_to_string(x):
    """``String.valueOf(float)`` of a float32 value (anything ``np.float32`` accepts)."""
    x = np.float32(x)
    special = _special(float(x))
    if special is not None:
        return special
    magnitude = abs(x)
    digits, exponent = _shortest(np.format_float_scientific(magnitude, unique=True))
    if len(digits) == 1:
        digits, exponent = _closest_of_two_digits(magnitude, digits, exponent, _float32_interval)
    return ("-" if x < 0 else "") + _layout(digits, exponent)


def _special(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    return None


def _shortest(text):
    """Significant digits (no trailing zeros) and scientific exponent of a decimal numeral."""
    sign, digit_tuple, exponent = Decimal(text).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    return digits, exponent + len(digit_tuple) - 1


def _layout(digits, exponent):
    """Java's notation for the positive decimal 0.d1d2... x 10^(exponent + 1)."""
    if -3 <= exponent < 7:
        if exponent >= 0:
            whole = digits[:exponent + 1].ljust(exponent + 1, "0")
            return whole + "." + (digits[exponent + 1:] or "0")
        return "0." + "0" * (-exponent - 1) + digits
    return digits[0] + "." + (digits[1:] or "0") + "E" + str(exponent)


def _closest_of_two_digits(x, digits, exponent, interval):
    """Java's choice among decimals of one or two digits that round to ``x`` (positive): the closest to it.

    ``digits``/``exponent`` is the one-digit shortest decimal. Two-digit decimals next to ``x`` are
    ``c * 10^s`` for ``s`` one or two below ``exponent``.
    """
    exact = Fraction(float(x))
    lo, hi, even = interval(x)
    best = (abs(Fraction(int(digits)) * Fraction(10) ** exponent - exact), int(digits) % 2, digits, exponent)
    for s in (exponent - 1, exponent - 2):
        scale = Fraction(10) ** s
        floor = math.floor(exact / scale)
        for c in (floor, floor + 1):
            if not 1 <= c <= 99:
                continue
            value = c * scale
            if lo < value < hi or (value in (lo, hi) and even):
                candidate_digits, candidate_exponent = _shortest(str(c) + "E" + str(s))
                key = (abs(value - exact), int(candidate_digits[-1]) % 2, candidate_digits, candidate_exponent)
                best = min(best, key)
    return best[2], best[3]


def _double_interval(x):
    """(low, high, ties round to x) of the decimals that round to the positive double ``x``."""
    below = math.nextafter(x, 0.0)
    above = math.nextafter(x, math.inf)
    exact = Fraction(x)
    lo = (exact + Fraction(below)) / 2
    hi = (exact + Fraction(above)) / 2 if not math.isinf(above) else exact + (exact - Fraction(below)) / 2
    even = struct.unpack(">Q", struct.pack(">d", x))[0] % 2 == 0
    return lo, hi, even


def _float32_interval(x):
    """As :func:`_double_interval` for a positive float32."""
    below = np.nextafter(x, np.float32(0))
    above = np.nextafter(x, np.float32(np.inf))
    exact = Fraction(float(x))
    lo = (exact + Fraction(float(below))) / 2
    hi = (exact + Fraction(float(above))) / 2 if not np.isinf(above) else exact + (exact - Fraction(float(below))) / 2
    even = int(np.float32(x).view(np.uint32)) % 2 == 0
    return lo, hi, even


def _java_replace(error):
    """Decode error handler: Python's "replace", but an encoded surrogate is one U+FFFD, as in Java."""
    data, start = error.object, error.start
    if data[start] == 0xED and start + 1 < len(data) and 0xA0 <= data[start + 1] <= 0xBF:
        has_third = start + 2 < len(data) and data[start + 2] & 0xC0 == 0x80
        return "\ufffd", start + (3 if has_third else 2)
    return "\ufffd", error.end


codecs.register_error("alchemist-java-replace", _java_replace)


def decode_utf8(data):
    """``new String(data, UTF_8)`` in Java: bad bytes become U+FFFD as Java counts them."""
    return bytes(data).decode("utf-8", errors="alchemist-java-replace")
