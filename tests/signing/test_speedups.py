"""The faster hex-string reader reads exactly what pyHanko's own reads, and refuses what it refuses."""

from __future__ import annotations

import io

import pytest
from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader

from dangvu.signing import pdfread, speedups


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


def _names(data: bytes) -> tuple[object, int, object, int]:
    ours, theirs = io.BytesIO(data), io.BytesIO(data)
    a = speedups.read_name_from_stream(ours)
    b = speedups._original_read_name(theirs)
    return a, ours.tell(), b, theirs.tell()


@pytest.mark.parametrize(
    "data",
    [
        b"/Type /Page",
        b"/Contents<3082>",
        b"/Kids[1 0 R]",
        b"/ChuKyCaNhan\n",
        b"/A#20B#2fC ",  # escapes: pyHanko's decoder
        b"/",  # the end of the file right after the slash
        b"/ ",  # the empty name
        b"/Name",  # a name that runs to the end of the file
        b"/" + b"x" * 300 + b" ",  # longer than one read
    ],
)
def test_reads_names_as_pyhanko_does(data):
    ours, ours_at, theirs, theirs_at = _names(data)
    assert (type(ours), ours, ours_at) == (type(theirs), theirs, theirs_at)


@pytest.mark.parametrize("data", [b"/A#2", b"/A#GG ", b"/A\x01B ", b"/Caf\xc3\xa9 ", b"Name"])
def test_refuses_names_pyhanko_refuses(data):
    from pyhanko.pdf_utils.misc import PdfReadError

    with pytest.raises(PdfReadError):
        speedups._original_read_name(io.BytesIO(data))
    with pytest.raises(PdfReadError):
        speedups.read_name_from_stream(io.BytesIO(data))


def _name(value: str, kind: str = "utf8_string") -> x509.Name:
    if kind == "printable":
        return x509.Name.build({"common_name": value}, use_printable=True)
    return x509.Name.build({"common_name": value, "organization_name": "Đảng ủy xã An Phú"})


def test_name_equality_answers_as_asn1crypto():
    same = _name("Lê Quang Hùng")
    again = x509.Name.load(same.dump())
    other = _name("Lê Quang Hưng")
    # The same name in another encoding and letter case: equal by RFC 5280, not byte for byte.
    printable, shouted = _name("Le Quang Hung", "printable"), _name("LE  QUANG HUNG", "printable")
    # Inside a general name (explicitly tagged), as an ESSCertIDv2 carries the issuer.
    tagged = x509.GeneralName(name="directory_name", value=same).chosen
    pairs = [(same, again), (same, other), (printable, shouted), (same, tagged), (other, tagged), (same, "x")]
    for a, b in pairs:
        assert speedups.name_equals(a, b) == speedups._original_name_eq(a, b), (a.native, b)
    assert speedups.name_equals(same, tagged)
    assert not speedups.name_equals(same, other)
    assert speedups.name_equals(printable, shouted)
    for name in (same, other, printable, shouted, tagged):
        assert speedups.name_hashable(name) == speedups._original_name_hashable.fget(name)
    assert x509.Name.__eq__ is speedups.name_equals


@pytest.mark.django_db
def test_an_issued_document_altered_afterwards_is_still_refused(demo_keys, document, people, tree):
    """The difference analysis reads the file through the faster readers and still finds a change made
    after the seal: a page rewritten, or the number field given another value."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from dangvu.signing.services import issue_document, sign_personal
    from dangvu.signing.verify import Modifications, verify_pdf
    from tests.signing.conftest import PLACES

    signed = sign_personal(pdf=document, actor=people.secretary, org=tree.xa, places=PLACES)
    issued = issue_document(
        pdf=signed, actor=people.clerk, org=tree.xa, places=PLACES, number="Số 12-QĐ/ĐU", date_text="ngày 01"
    ).pdf
    assert verify_pdf(issued).valid

    writer = IncrementalPdfFileWriter(io.BytesIO(issued))
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT (forged) Tj ET"))
    writer.update_container(page)
    rewritten = io.BytesIO()
    writer.write(rewritten)

    writer = IncrementalPdfFileWriter(io.BytesIO(issued))
    number = next(
        f for f in writer.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == PLACES.number_field
    )
    field = number.get_object()
    field["/V"] = generic.TextStringObject("Số 99-QĐ/ĐU")
    writer.update_container(field)
    renumbered = io.BytesIO()
    writer.write(renumbered)

    # The page: neither signature permits it. The number: the personal signature left it open for the
    # clerk, the seal locked it.
    expected = [
        (rewritten, [Modifications.NOT_PERMITTED, Modifications.NOT_PERMITTED]),
        (renumbered, [Modifications.PERMITTED, Modifications.NOT_PERMITTED]),
    ]
    for altered, modifications in expected:
        report = verify_pdf(altered.getvalue())
        assert not report.valid
        assert [s.modifications for s in report.signatures] == modifications
        assert [p.code for p in report.signatures[1].problems] == ["modified"]


# --- The object reader, the revision walk and the revision copies ----------------------------------------


def _issued(demo_keys, document, people, tree) -> bytes:
    from dangvu.signing.services import issue_document, sign_personal
    from tests.signing.conftest import PLACES

    signed = sign_personal(pdf=document, actor=people.secretary, org=tree.xa, places=PLACES)
    return issue_document(
        pdf=signed, actor=people.clerk, org=tree.xa, places=PLACES, number="Số 12-QĐ/ĐU", date_text="ngày 01"
    ).pdf


def _same_objects(ours: object, theirs: object) -> None:
    """The same classes and values all the way down, the same ``container_ref`` on every value and
    none on dictionary keys, the same stream data."""
    assert type(ours) is type(theirs)
    assert getattr(ours, "container_ref", None) == getattr(theirs, "container_ref", None)
    ours_ref, theirs_ref = getattr(ours, "container_ref", None), getattr(theirs, "container_ref", None)
    if isinstance(ours_ref, generic.Reference):
        assert ours_ref.pdf is theirs_ref.pdf  # type: ignore[union-attr]
    if isinstance(ours, generic.DictionaryObject):
        assert isinstance(theirs, generic.DictionaryObject)
        assert list(ours) == list(theirs)
        assert not any("container_ref" in vars(key) for key in (*ours, *theirs))
        for key in ours:
            _same_objects(ours.raw_get(key), theirs.raw_get(key))
        if isinstance(ours, generic.StreamObject):
            assert ours.encoded_data == theirs.encoded_data  # type: ignore[attr-defined]
    elif isinstance(ours, generic.ArrayObject):
        assert isinstance(theirs, generic.ArrayObject)
        assert len(ours) == len(theirs)
        for a, b in zip(list.__iter__(ours), list.__iter__(theirs), strict=True):
            _same_objects(a, b)
    elif isinstance(ours, generic.IndirectObject):
        assert ours.reference == theirs.reference  # type: ignore[attr-defined]
        assert ours.reference.pdf is theirs.reference.pdf  # type: ignore[attr-defined]
    elif isinstance(ours, generic.TextStringObject):
        assert (str(ours), ours.original_bytes) == (str(theirs), theirs.original_bytes)  # type: ignore[attr-defined]
    elif not isinstance(ours, generic.NullObject):
        assert (ours, repr(ours)) == (theirs, repr(theirs))


def _read_both(data: bytes, at: int, container: generic.Reference) -> None:
    """pyHanko's reader and ours on ``data`` from ``at``: the same object and the stream left at the same
    place, or the same kind of refusal."""
    results = []
    for read in (pdfread.read_object, pdfread._original_read_object):
        stream = io.BytesIO(data)
        stream.seek(at)
        try:
            results.append(("read", read(stream, container), stream.tell()))
        except Exception as error:
            results.append(("refused", type(error), None))
    (ours_kind, ours, ours_at), (theirs_kind, theirs, theirs_at) = results
    assert (ours_kind, ours_at) == (theirs_kind, theirs_at), (data[at : at + 80], results)
    if ours_kind == "read":
        _same_objects(ours, theirs)
    else:
        assert ours is theirs


def _object_starts(reader: PdfFileReader) -> list[tuple[generic.Reference, int]]:
    from pyhanko.pdf_utils.xref import read_object_header

    starts = []
    for revision in range(reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            offset = reader.xrefs.get_historical_ref(ref, revision)
            if isinstance(offset, int):
                reader.stream.seek(offset)
                read_object_header(reader.stream, strict=False)
                generic.read_non_whitespace(reader.stream, seek_back=True)
                starts.append((generic.Reference(ref.idnum, ref.generation, reader), reader.stream.tell()))
    return starts


@pytest.mark.parametrize(
    "text",
    [
        b"<< /Type /Page /Kids [ 1 0 R 2 0 R ] /Count 2 >>",
        b"[ 1 0 R 2 0 R 3 ]",
        b"[ +1 -2 .5 -.5 3. 0.25 1,2 1-2 1.2.3 + - ]",
        b"[ 1\x0b0 R 1 0\x0bR 1\x000 R 0 0 R 12 0 R 7 ]",  # vertical tab, NUL, object 0
        b"[ 1 " + b" " * 20 + b"0 R ]",  # a reference longer than pyHanko's 20-byte look-ahead
        b"[ 1 0 Rx ]",
        b"<< /A (plain) /B (nested (paren) text) /C (esc\\)aped \\101\\n) /D (\\376\\377\\000A) >>",
        b"<< /A <48656C6C6F> /B <48 65 6c> /C <4865f> /D <48 % c\n65> /E <4G> >>",
        b"<< /A true /B false /C null /D fals /E nul /F truex >>",
        b"<< /A#20B 1 /C#2fD 2 /E#G1 3 /Caf\xc3\xa9 4 >>",
        b"<< /A 1 /A 2 >>",  # a duplicate key
        b"<< /A 1 % a comment\n /B 2 >>",
        b"<< /A << /B 1 >> stream\nx\nendstream >>",
        b"<< /A 1 >x",
        b"<< 1 2 >>",
        b"<< /Length 5 >>\nstream\nhello\nendstream",
        b"<< /Length 4 >>\nstream\nhello\nendstream",  # one byte short: pyHanko's own repair
        b"<</A[/B<</C 1>>]>>",
        b"[ [ [ [ 1 ] ] ] ]",
        b"{ 1 }",
        b"[ 1 2",  # cut short
        b"<< /A (never closed",
        b"/Name",
        b"12",
        b"12 0 R",
    ],
)
def test_the_object_reader_reads_what_pyhanko_reads_and_refuses_what_it_refuses(text):
    container = generic.Reference(7, 0, None)
    _read_both(text + b"\nendobj\n", 0, container)
    _read_both(text, 0, container)  # at the end of the file
    _read_both(b"x" * 5000 + text + b" " * 5000, 5000, container)  # beyond the first slice read


@pytest.mark.django_db
def test_the_object_reader_reads_every_object_of_an_issued_document_and_its_mutations_as_pyhanko_does(
    demo_keys, document, people, tree
):
    import random

    issued = _issued(demo_keys, document, people, tree)
    reader = PdfFileReader(io.BytesIO(issued), strict=False)
    starts = _object_starts(reader)
    assert len(starts) > 60
    mutate = random.Random(13)
    for container, at in starts:
        _read_both(issued, at, container)
        for _ in range(8):  # a few bytes changed, added or removed near the object's start
            data = bytearray(issued)
            for _ in range(mutate.choice((1, 2, 3))):
                where = at + mutate.randrange(120)
                byte = mutate.choice(b" \n\r\t\x00\x0b\x0c%/<>[](){}\\#+-.,0123456789eRtfns")
                choice = mutate.random()
                if choice < 0.5:
                    data[where] = byte
                elif choice < 0.8:
                    data.insert(where, byte)
                else:
                    del data[where]
            _read_both(bytes(data), at, container)


@pytest.mark.django_db
def test_the_revision_walk_and_copies_are_pyhanko_s(demo_keys, document, people, tree):
    """Every revision of an issued document: the paths to every object (the same sets, iterated in the
    same order) and the copies of every object, as pyHanko's own make them."""
    issued = _issued(demo_keys, document, people, tree)
    ours_reader = PdfFileReader(io.BytesIO(issued), strict=False)
    theirs_reader = PdfFileReader(io.BytesIO(issued), strict=False)
    assert ours_reader.xrefs.total_revisions == 6
    for revision in range(6):
        ours = ours_reader.get_historical_resolver(revision)
        theirs = theirs_reader.get_historical_resolver(revision)
        speedups.load_reverse_xref_cache(ours)
        speedups._original_reverse_xref_cache(theirs)
        ours_paths, theirs_paths = ours._indirect_object_access_cache, theirs._indirect_object_access_cache
        assert ours_paths is not None
        assert theirs_paths is not None
        assert list(ours_paths) == list(theirs_paths)
        for ref in theirs_paths:
            assert list(ours._get_usages_of_ref(ref)) == list(theirs._get_usages_of_ref(ref))
        for earlier in range(revision + 1):
            for ref in ours_reader.xrefs.explicit_refs_in_revision(earlier):
                raw = ours_reader.get_object(ref, revision, transparent_decrypt=False)
                _same_objects(speedups.subsume_object(ours, raw), speedups._original_subsume(ours, raw))
    assert HistoricalResolver._load_reverse_xref_cache is speedups.load_reverse_xref_cache
    assert generic.read_object is pdfread.read_object
