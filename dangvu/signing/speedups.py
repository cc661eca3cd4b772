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

* ``generic.read_object`` (``dangvu.signing.pdfread``): every PDF object read with regular
  expressions over a slice of the file instead of byte by byte, the same objects built.
* ``HistoricalResolver._load_reverse_xref_cache``: the difference analysis finds every path to every
  object of the signed revision; pyHanko walks deep copies made for the revision, ours walks the objects
  as read (the same paths, in the same order) and makes pyHanko's sets of paths only for the objects the
  analysis asks about.
* ``HistoricalResolver._subsume_object``: the copies themselves, one reference object per container.

Verified by the signing tests (pyHanko and poppler's ``pdfsig`` both validate what we produce and
read) and by ``tests/signing/test_speedups.py`` against pyHanko's originals.
"""

from __future__ import annotations

import binascii
import io
import re
from collections.abc import Iterator
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko_certvalidator.util import ConsList

from dangvu.signing import pdfread

_original_read_hex = generic.read_hex_string_from_stream
_original_read_name = generic.NameObject.read_from_stream
_original_name_eq = x509.Name.__eq__
_original_name_hashable = x509.Name.hashable
_original_reverse_xref_cache = HistoricalResolver._load_reverse_xref_cache
_original_subsume = HistoricalResolver._subsume_object
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


Key = tuple[int, int]
Path = tuple[Any, ...]


def load_reverse_xref_cache(self: HistoricalResolver) -> None:
    """pyHanko's ``HistoricalResolver._load_reverse_xref_cache``: every path from the trailer to every
    object of this revision, as pyHanko's walk finds them (the same paths, page-tree and structure-tree
    shortcuts, cycles cut the same way), for the difference analysis to know where an overwritten object
    was used. pyHanko walks copies of the objects made for this revision (``_subsume_object``: a deep
    copy of every object, for each revision compared); this walk reads the objects the same resolver
    would read, uncopied, and leaves the copies to the rules that use them. Encrypted files: pyHanko's."""
    if self._indirect_object_access_cache is not None:
        return
    reader = self.reader
    if reader.encrypted:
        _original_reverse_xref_cache(self)
        return
    revision, xrefs, copies = self.revision, reader.xrefs, self.cache
    read: dict[Key, Any] = {}

    def fetch(ref: generic.Reference, key: Key) -> Any:
        """What ``self(ref)`` returns, without the copy where the current object is the one."""
        obj = copies.get(ref)
        if obj is None:
            obj = read.get(key)
        if obj is None:
            try:
                last_change = xrefs.get_last_change(ref)
            except KeyError:
                last_change = None
            if last_change is not None and last_change <= revision:
                obj = reader.get_object(ref, transparent_decrypt=False)
            else:
                obj = self(ref)  # a historical version (or none): pyHanko's own read and warnings
            read[key] = obj
        return obj

    pages, structure = _page_and_structure_trees(self)
    collected: dict[generic.Reference, dict[Path, None]] = {}
    indirect, dictionary, array = generic.IndirectObject, generic.DictionaryObject, generic.ArrayObject
    struct_root_path = ("/Root", "/StructTreeRoot")

    def walk(obj: Any, path: Path, seen: tuple[Key, ...], in_structure: bool) -> None:
        if isinstance(obj, indirect):
            ref = obj.reference
            key = (ref.idnum, ref.generation)
            if key in seen:
                return
            paths = collected.get(ref)
            if paths is None:
                paths = collected[ref] = {}
            paths[path] = None
            seen = (*seen, key)
            obj = fetch(ref, key)
            # a page-tree node only through its place in the tree; the structure tree only from its root
            if pages.get(key, path) != path:
                return
            if not in_structure and key in structure:
                return
        if isinstance(obj, dictionary):
            enter_structure = path == struct_root_path
            for k, v in obj.items():
                if k == "/Parent" or (in_structure and k == "/P"):
                    continue
                if isinstance(v, (indirect, dictionary, array)):
                    walk(v, (*path, k), seen, in_structure or (enter_structure and k == "/K"))
        elif isinstance(obj, array):
            for ix, v in enumerate(obj):
                if isinstance(v, (indirect, dictionary, array)):
                    walk(v, (*path, ix), seen, in_structure)

    walk(self.trailer_view, (), (), False)
    self._indirect_object_access_cache = _Usages(collected)


class _Usages(dict):  # type: ignore[type-arg]
    """The paths to each object, made into pyHanko's sets of ``RawPdfPath`` when asked for: the
    analysis asks for the few objects a revision overwrote, of the hundreds the walk reached."""

    def __getitem__(self, ref: generic.Reference) -> set[RawPdfPath]:
        value = dict.__getitem__(self, ref)
        if isinstance(value, dict):
            value = _raw_paths(value)
            dict.__setitem__(self, ref, value)
        return value

    def get(self, ref: generic.Reference, default: Any = None) -> Any:
        try:
            return self[ref]
        except KeyError:
            return default

    def values(self) -> Any:
        return [self[ref] for ref in self]

    def items(self) -> Any:
        return [(ref, self[ref]) for ref in self]


def _raw_paths(paths: dict[Path, None]) -> set[RawPdfPath]:
    if len(paths) == 1:
        return {RawPdfPath(*next(iter(paths)))}
    # pyHanko's set is built from its linked-list paths, in the walk's order: the same set, built the
    # same way, iterates in the same order (one rule returns the first path that fits)
    linked: set[ConsList[Any]] = set()
    for path in paths:
        node: ConsList[Any] = ConsList.empty()
        for element in path:
            node = node.cons(element)
        linked.add(node)
    return {RawPdfPath(*reversed(list(node))) for node in linked}


def _page_and_structure_trees(self: HistoricalResolver) -> tuple[dict[Key, Path], set[Key]]:
    """pyHanko's preparation of its walk: each page-tree node's place, the structure tree's elements."""

    def page_tree(pages_obj: Any, path: Path) -> Iterator[tuple[generic.Reference, Path]]:
        for ix, kid in enumerate(pages_obj["/Kids"]):
            kid_path = (*path, "/Kids", ix)
            if isinstance(kid, generic.IndirectObject):
                yield kid.reference, kid_path
            kid = kid.get_object()
            if kid.get("/Type", None) == "/Pages":
                yield from page_tree(kid, kid_path)

    def structure_tree(element: Any) -> Iterator[generic.Reference]:
        try:
            children = element["/K"]
        except KeyError:
            return
        if not isinstance(children, generic.ArrayObject):
            children = (children,)
        for child in children:
            child_ref = None
            if isinstance(child, generic.IndirectObject):
                child_ref = child.reference
                child = child.get_object()
            if not isinstance(child, generic.DictionaryObject):
                continue
            try:
                if child["/Type"] != "/StructElem":
                    continue
            except KeyError:
                pass
            if child_ref is not None:
                yield child_ref
            yield from structure_tree(child)

    pages_ref = self.root.raw_get("/Pages")
    pages_path: Path = ("/Root", "/Pages")
    pages: dict[Key, Path] = {}
    if isinstance(pages_ref, generic.IndirectObject):
        pages[pages_ref.idnum, pages_ref.generation] = pages_path
    for ref, path in page_tree(pages_ref.get_object(), pages_path):
        if (ref.idnum, ref.generation) in pages:
            raise misc.PdfReadError("Circular reference in page tree in mapping stage")
        pages[ref.idnum, ref.generation] = path
    structure: set[Key] = set()
    try:
        struct_tree_root = self.root.raw_get("/StructTreeRoot").get_object()
        for ref in structure_tree(struct_tree_root):
            if (ref.idnum, ref.generation) in structure:
                raise misc.PdfReadError("Circular reference in structure tree in mapping stage")
            structure.add((ref.idnum, ref.generation))
    except KeyError:
        pass
    return pages, structure


def subsume_object(self: HistoricalResolver, obj: Any) -> Any:
    """pyHanko's ``HistoricalResolver._subsume_object``: a copy of ``obj`` whose references resolve in
    this revision (containers copied, each with its container's reference re-made for this revision;
    names, numbers and strings shared). One reference object per container instead of one per
    dictionary and array inside it (references are frozen); anything pyHanko treats specially (an
    encrypted object, an object read from nowhere) goes to pyHanko's own."""
    made: dict[tuple[int, int], generic.Reference] = {}
    indirect, stream, dictionary, array = (
        generic.IndirectObject,
        generic.StreamObject,
        generic.DictionaryObject,
        generic.ArrayObject,
    )

    class _Unusual(Exception):
        pass

    def copy(item: Any) -> Any:
        container = item.container_ref
        if container is None or isinstance(item, generic.DecryptedObjectProxy):
            raise _Unusual
        if isinstance(item, indirect):
            target = item.reference
            return indirect(target.idnum, target.generation, self)
        result: Any
        if isinstance(item, stream):
            result = stream({k: copy(v) for k, v in item.items()}, encoded_data=item.encoded_data)
        elif isinstance(item, dictionary):
            result = dictionary({k: copy(v) for k, v in item.items()})
        elif isinstance(item, array):
            result = array([copy(v) for v in item])
        else:
            return item
        key = (container.idnum, container.generation)
        ref = made.get(key)
        if ref is None:
            ref = made[key] = generic.Reference(idnum=key[0], generation=key[1], pdf=self)
        result.container_ref = ref
        return result

    try:
        return copy(obj)
    except _Unusual:
        return _original_subsume(self, obj)


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    generic.NameObject.read_from_stream = staticmethod(read_name_from_stream)  # type: ignore[method-assign]
    x509.Name.__eq__ = name_equals
    x509.Name.hashable = property(name_hashable)
    HistoricalResolver._load_reverse_xref_cache = load_reverse_xref_cache  # type: ignore[method-assign]
    HistoricalResolver._subsume_object = subsume_object  # type: ignore[method-assign]
    generic.read_object = pdfread.read_object
    _installed = True


def uninstall() -> None:
    """pyHanko's and asn1crypto's own again (the benchmark's baseline)."""
    global _installed
    generic.read_hex_string_from_stream = _original_read_hex
    generic.NameObject.read_from_stream = staticmethod(_original_read_name)  # type: ignore[method-assign]
    x509.Name.__eq__ = _original_name_eq
    x509.Name.hashable = _original_name_hashable
    HistoricalResolver._load_reverse_xref_cache = _original_reverse_xref_cache  # type: ignore[method-assign]
    HistoricalResolver._subsume_object = _original_subsume  # type: ignore[method-assign]
    generic.read_object = pdfread._original_read_object
    _installed = False
