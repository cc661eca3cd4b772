"""The personal signature, the issuing step (number, date, seal) and their refusals, checked by
parsing the PDFs and by two validators: pyHanko (``verify_pdf``) and poppler's ``pdfsig``."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from dangvu.audit.models import AuditEntry
from dangvu.signing import services
from dangvu.signing.errors import SigningError
from dangvu.signing.services import DocumentState, issue_document, seal_document, sign_personal
from dangvu.signing.verify import Coverage, Kind, Modifications, Revocation, verify_pdf
from tests.signing.conftest import PLACES
from tests.signing.pdfsig import needs_pdfsig, pdfsig, revision_ends

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NUMBER, DATE = "Số 12-QĐ/ĐU", "An Phú, ngày 01 tháng 12 năm 2026"


def _signed(document, people, tree):
    return sign_personal(pdf=document, actor=people.secretary, org=tree.xa, places=PLACES, position="BÍ THƯ")


def _issued(document, people, tree):
    signed = _signed(document, people, tree)
    return signed, issue_document(
        pdf=signed, actor=people.clerk, org=tree.xa, places=PLACES, number=NUMBER, date_text=DATE
    )


def _field(pdf: bytes, name: str):
    reader = PdfFileReader(io.BytesIO(pdf))
    return next(f.get_object() for f in reader.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == name)


def test_personal_signature_is_valid_and_leaves_exactly_number_date_and_seal_open(
    demo_keys, document, people, tree
):
    signed = _signed(document, people, tree)

    report = verify_pdf(signed)
    [personal] = report.signatures
    assert (personal.field, personal.kind, personal.signer) == ("ChuKyCaNhan", Kind.PERSONAL, "Lê Quang Hùng")
    assert (personal.intact, personal.trusted, personal.valid) == (True, True, True)
    assert personal.revocation is Revocation.GOOD  # the demo CA's list is held locally
    assert (personal.modifications, personal.coverage) == (Modifications.NONE, Coverage.ENTIRE_FILE)
    assert personal.signed_at == datetime(2026, 12, 1, 8, 30, tzinfo=HANOI).replace(
        second=personal.signed_at.second
    )
    field = _field(signed, "ChuKyCaNhan")
    lock = field["/Lock"]
    assert (lock["/Action"], [str(f) for f in lock["/Fields"]]) == (
        "/Exclude",
        ["so_van_ban", "ngay_van_ban", "ChuKyToChuc"],
    )
    reference = field["/V"]["/Reference"][0]
    assert (reference["/TransformMethod"], reference["/TransformParams"]["/P"]) == ("/DocMDP", 2)
    assert [float(v) for v in _field(signed, "ChuKyToChuc")["/Rect"]] == [330.0, 560.0, 407.0, 640.0]
    assert services.document_state(signed, PLACES) is DocumentState.SIGNED
    entry = AuditEntry.objects.get(event="signing.personal")
    assert (entry.actor, entry.data["certificate"]) == (people.secretary, "Lê Quang Hùng")


@needs_pdfsig
def test_pdfsig_finds_the_number_fill_permitted_and_the_personal_signature_covering_its_revision(
    demo_keys, document, people, tree, tmp_path, signing_dir
):
    signed, result = _issued(document, people, tree)

    assert result.state is DocumentState.SEALED
    assert (str(_field(result.pdf, "so_van_ban")["/V"]), str(_field(result.pdf, "ngay_van_ban")["/V"])) == (
        NUMBER,
        DATE,
    )
    checked = pdfsig(result.pdf, tmp_path)  # trust is pyHanko's part below; pdfsig checks the bytes
    personal, seal = checked["ChuKyCaNhan"], checked["ChuKyToChuc"]
    assert (personal["validation"], seal["validation"]) == ("Signature is Valid.", "Signature is Valid.")
    assert (personal["total"], seal["total"]) == ("no", "no")
    # The personal signature covers exactly the revision it signed: its byte range ends where that
    # revision's %%EOF ends; everything after (validation data, number, date, seal) was appended.
    personal_end = int(personal["ranges"].rsplit("- ", 1)[1].rstrip("]"))
    assert personal_end in revision_ends(result.pdf)
    assert result.pdf[:personal_end] == signed[:personal_end]
    report = verify_pdf(result.pdf)
    by_field = {s.field: s for s in report.signatures}
    assert by_field["ChuKyCaNhan"].modifications is Modifications.PERMITTED
    assert by_field["ChuKyCaNhan"].coverage is Coverage.ENTIRE_REVISION
    assert (by_field["ChuKyToChuc"].kind, by_field["ChuKyToChuc"].signer) == (
        Kind.ORGANISATION,
        "Đảng ủy xã An Phú",
    )
    assert report.valid is True


def test_the_seal_sits_over_the_left_third_of_the_personal_box_with_the_seal_image(
    demo_keys, document, people, tree
):
    _signed_pdf, result = _issued(document, people, tree)

    seal = _field(result.pdf, "ChuKyToChuc")
    personal = _field(result.pdf, "ChuKyCaNhan")
    x0, y0, x1, y1 = (float(v) for v in personal["/Rect"])
    assert [float(v) for v in seal["/Rect"]] == [x0, y0, x0 + (x1 - x0) / 3, y1]
    appearance = seal["/AP"]["/N"]
    images = [
        xobject
        for inner in appearance["/Resources"]["/XObject"].values()
        for xobject in inner.get_object().get("/Resources", {}).get("/XObject", {}).values()
    ] or list(appearance["/Resources"]["/XObject"].values())
    assert any(i.get_object().get("/Subtype") == "/Image" for i in images)


def test_a_failed_seal_keeps_the_number_and_the_document_waits_to_be_sealed(
    demo_keys, document, people, tree
):
    signed = _signed(document, people, tree)
    demo_keys.seal.unlink()  # the organisation's key is unavailable (token unplugged)

    result = issue_document(
        pdf=signed, actor=people.clerk, org=tree.xa, places=PLACES, number=NUMBER, date_text=DATE
    )

    assert (result.state, result.number, result.seal_error.code) == (
        DocumentState.AWAITING_SEAL,
        NUMBER,
        "key_unavailable",
    )
    assert services.document_state(result.pdf, PLACES) is DocumentState.AWAITING_SEAL
    with pytest.raises(SigningError) as refused:
        issue_document(
            pdf=result.pdf,
            actor=people.clerk,
            org=tree.xa,
            places=PLACES,
            number="Số 13-QĐ/ĐU",
            date_text=DATE,
        )
    assert (refused.value.code, refused.value.message) == (
        "already_numbered",
        f"Văn bản đã được cấp số “{NUMBER}”; không cấp số lại.",
    )
    # the key is back: the same document is sealed, its number unchanged
    from dangvu.signing import ca
    from dangvu.signing.ca import open_or_create_root

    ca.issue_organisation(open_or_create_root(), code="XA", name=tree.xa.name)
    sealed = seal_document(pdf=result.pdf, actor=people.clerk, org=tree.xa, places=PLACES)
    assert services.document_state(sealed, PLACES) is DocumentState.SEALED
    assert str(_field(sealed, "so_van_ban")["/V"]) == NUMBER
    assert verify_pdf(sealed).valid is True


def test_signing_twice_and_sealing_twice_are_refused(demo_keys, document, people, tree):
    signed, result = _issued(document, people, tree)

    with pytest.raises(SigningError) as again:
        _signed(signed, people, tree)
    with pytest.raises(SigningError) as reseal:
        seal_document(pdf=result.pdf, actor=people.clerk, org=tree.xa, places=PLACES)
    assert (again.value.code, again.value.message) == (
        "already_signed",
        "Văn bản đã được ký số; không ký cá nhân lần nữa.",
    )
    assert again.value.message_en == "The document is already signed; it cannot be signed personally again."
    assert reseal.value.code == "already_signed"


def test_permissions_lead_signs_clerk_seals(demo_keys, document, people, tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        sign_personal(pdf=document, actor=people.clerk, org=tree.xa, places=PLACES)
    signed = _signed(document, people, tree)
    with pytest.raises(PermissionDenied):
        issue_document(
            pdf=signed, actor=people.outsider, org=tree.xa, places=PLACES, number=NUMBER, date_text=DATE
        )
    assert services.document_state(signed, PLACES) is DocumentState.SIGNED
    assert AuditEntry.objects.filter(event__startswith="signing.").count() == 1
