"""The faster hex-string reader reads exactly what pyHanko's own reads, and refuses what it refuses."""

from __future__ import annotations

import io

import pytest
from asn1crypto import x509
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
