"""The faster hex-string reader reads exactly what pyHanko's own reads, and refuses what it refuses."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from dangvu.signing import speedups


def _both(data: bytes) -> tuple[object, int, object, int]:
    ours, theirs = io.BytesIO(data), io.BytesIO(data)
    a = speedups.read_hex_string_from_stream(ours)
    b = speedups._original_read_hex(theirs)
    return a, ours.tell(), b, theirs.tell()


@pytest.mark.parametrize(
    "data",
    [
        b"<48656C6C6F> rest",
        b"<48 65 6c\n6c\r\n6F\t> /Next",
        b"<4865f>",  # odd: the last digit is padded with 0
        b"<>",
        b"<FEFF0054006900EA006E0067>",  # a UTF-16 text string
        b"<" + b"3082" * 40000 + b">",  # longer than one read
        b"<48 % a comment\n65>",  # a comment: handled by pyHanko's reader
    ],
)
def test_reads_what_pyhanko_reads_and_stops_at_the_same_place(data):
    ours, ours_at, theirs, theirs_at = _both(data)
    assert (type(ours), ours, ours_at) == (type(theirs), theirs, theirs_at)


@pytest.mark.parametrize("data", [b"<48G5>", b"<4865"])
def test_refuses_what_pyhanko_refuses(data):
    with pytest.raises(PdfStreamError):
        speedups._original_read_hex(io.BytesIO(data))
    with pytest.raises(PdfStreamError):
        speedups.read_hex_string_from_stream(io.BytesIO(data))


def test_installed_when_the_app_loads():
    assert generic.read_hex_string_from_stream is speedups.read_hex_string_from_stream
