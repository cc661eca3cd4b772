"""Faster replacements for hot spots of pyHanko 0.38 (pinned) and asn1crypto, installed once when the
app loads. Verification of an issued document reads every object of each revision the difference
analysis compares, and checks the signer's certificate against the names in the signed attributes.

* ``read_hex_string_from_stream``: pyHanko reads a hex string one character at a time through a
  generator; a signature's ``/Contents`` is a hex string of 10–30 thousand digits, read again by
  every signature's difference analysis. Ours reads the string in one slice (same result, same
  refusal of a bad digit); anything unusual (a comment inside the string) goes to pyHanko's own.
* ``NameObject.read_from_stream``: pyHanko reads a name one byte at a time through a generator and
  decodes it one byte at a time again (a fifth of an issued document's parsing). Ours takes the name's
  bytes with one regular expression and, when they hold no ``#`` escape and only printable ASCII,
  makes the name directly; anything else (an escape, a byte that must be refused, the end of the
  file) goes to pyHanko's own decoder, so the result and the refusals are the same.
* ``asn1crypto.x509.Name.__eq__``: RFC 5280 comparison prepares every attribute value (stringprep:
  case folding, Unicode normalisation) on every call; pyHanko compares the same issuer names several
  times per signature. Two names with the same DER encoding are equal without that, so ours answers
  them at once and hands every other pair to asn1crypto's comparison.
* ``asn1crypto.x509.Name.hashable``: the same preparation, again on every call, for the certificate
  registry's and the revocation lists' lookups; ours remembers it per encoding (it is a function of
  the encoding alone), for the few thousand names a committee's documents carry.

Verified by the signing tests (pyHanko and poppler's ``pdfsig`` both validate what we produce and
read) and by ``tests/signing/test_speedups.py`` against pyHanko's originals.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils import generic

_original_read_hex = generic.read_hex_string_from_stream
_original_read_name = generic.NameObject.read_from_stream
_original_name_eq = x509.Name.__eq__
_original_name_hashable = x509.Name.hashable
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


# A name's bytes run to the next PDF white-space or delimiter character.
_NAME_TOKEN = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
# What pyHanko takes verbatim: printable ASCII without the escape character.
_PLAIN_NAME = re.compile(rb"[!-\x22\x24-~]*")
_NAME_CHUNK = 256


def read_name_from_stream(stream: Any) -> Any:
    """``/Name`` from ``stream`` (positioned on the ``/``) as pyHanko's name object, the stream left on
    the delimiter after it."""
    start = stream.tell()
    chunk = stream.read(_NAME_CHUNK + 1)
    if chunk[:1] != b"/":
        stream.seek(start)
        return _original_read_name(stream)  # pyHanko's refusal
    match = _NAME_TOKEN.match(chunk, 1)
    body = match.group() if match else b""
    if 1 + len(body) == len(chunk):  # longer than the chunk or up to the end of the file
        stream.seek(start)
        return _original_read_name(stream)
    stream.seek(start + 1 + len(body))
    if _PLAIN_NAME.fullmatch(body) is None:
        return generic._decode_name(body)  # escapes, or a byte pyHanko refuses
    return generic.NameObject("/" + body.decode("ascii"))


def name_equals(self: x509.Name, other: object) -> bool:
    """RFC 5280 name equality, answering names with identical encodings without preparing them."""
    # ``chosen``: the RDN sequence itself, without the explicit tag a name carries inside a general
    # name (ESSCertIDv2's issuer, where pyHanko's own byte comparison therefore never matches).
    if isinstance(other, x509.Name) and self.chosen.dump() == other.chosen.dump():
        return True
    return bool(_original_name_eq(self, other))


_HASHABLES: dict[bytes, str] = {}
_HASHABLES_SIZE = 4096


def name_hashable(self: x509.Name) -> str:
    """asn1crypto's ``Name.hashable``, remembered per encoding."""
    key = self.chosen.dump()
    value = _HASHABLES.get(key)
    if value is None:
        value = _original_name_hashable.fget(self)
        if len(_HASHABLES) >= _HASHABLES_SIZE:
            _HASHABLES.clear()
        _HASHABLES[key] = value
    return value


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    generic.NameObject.read_from_stream = staticmethod(read_name_from_stream)  # type: ignore[method-assign]
    x509.Name.__eq__ = name_equals
    x509.Name.hashable = property(name_hashable)
    _installed = True
