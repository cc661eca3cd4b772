"""Faster replacements for two hot spots of pyHanko 0.38 (pinned), installed once when the app loads.

* ``read_hex_string_from_stream``: pyHanko reads a hex string one character at a time through a
  generator; a signature's ``/Contents`` is a hex string of 10–30 thousand digits, read again by
  every signature's difference analysis. Ours reads the string in one slice (same result, same
  refusal of a bad digit); anything unusual (a comment inside the string) goes to pyHanko's own.

Verified by the signing tests (pyHanko and poppler's ``pdfsig`` both validate what we produce and
read) and by ``tests/signing/test_speedups.py`` against pyHanko's originals.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import Any

from pyhanko.pdf_utils import generic

_original_read_hex = generic.read_hex_string_from_stream
# Hex digits and PDF white space (NUL, TAB, LF, FF, CR, SP): all a hex string may hold.
_HEX_BODY = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
_WHITE = b"\x00\t\n\x0c\r "
_CHUNK = 65536


def read_hex_string_from_stream(stream: Any) -> Any:
    """``<…>`` from ``stream`` (positioned on the ``<``) as pyHanko's string object."""
    start = stream.tell()
    stream.read(1)
    parts = []
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        body = chunk if end < 0 else chunk[:end]
        if not chunk or _HEX_BODY.fullmatch(body) is None:
            stream.seek(start)  # a comment, a bad digit or the end of the file: pyHanko decides
            return _original_read_hex(stream)
        parts.append(body)
        if end >= 0:
            stream.seek(end + 1 - len(chunk), io.SEEK_CUR)
            break
    digits = b"".join(parts).translate(None, _WHITE)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    _installed = True
