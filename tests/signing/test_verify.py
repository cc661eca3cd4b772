"""Verification on arrival, bad input, long-term validation data and expired certificates."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from pyhanko.pdf_utils.reader import PdfFileReader

from dangvu.signing import ca, keys
from dangvu.signing.errors import SigningError
from dangvu.signing.services import sign_personal
from dangvu.signing.verify import Modifications, Revocation, verify_pdf
from tests.conftest import TODAY
from tests.signing.conftest import PLACES

pytestmark = pytest.mark.django_db


def _sign(document, people, tree):
    return sign_personal(pdf=document, actor=people.secretary, org=tree.xa, places=PLACES)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"PK\x03\x04 not a pdf", "not_pdf", "Tệp gửi lên không phải là tệp PDF."),
        (b"%PDF-1.7\n1 0 obj <<>> garbage", "corrupt", "Tệp PDF bị hỏng, không đọc được."),
    ],
)
def test_bad_files_are_refused_in_vietnamese_and_english(signing_dir, data, code, message):
    with pytest.raises(SigningError) as refused:
        verify_pdf(data)
    assert (refused.value.code, refused.value.message) == (code, message)
    assert refused.value.message_en in {
        "The file sent is not a PDF.",
        "The PDF is damaged and cannot be read.",
    }


def test_an_encrypted_pdf_is_refused(signing_dir, document):
    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(document)))
    writer.encrypt = None
    writer._assign_security_handler(StandardSecurityHandler.build_from_pw("mat-khau"))
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(SigningError) as refused:
        verify_pdf(out.getvalue())
    assert refused.value.code == "encrypted"


def test_a_pdf_over_the_upload_cap_is_refused_before_parsing(signing_dir, settings):
    settings.DANGVU_UPLOAD_MAX_MB = 1
    with pytest.raises(SigningError) as refused:
        verify_pdf(b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    assert (refused.value.code, refused.value.message) == ("too_large", "Tệp PDF quá lớn: tối đa 1 MB.")


def test_a_signed_pdf_altered_after_signing_is_detected(demo_keys, document, people, tree):
    signed = _sign(document, people, tree)
    # an appended revision that rewrites the page content (a forger's incremental update)
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (forged) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    [report] = verify_pdf(out.getvalue()).signatures
    assert (report.intact, report.modifications, report.valid) == (True, Modifications.NOT_PERMITTED, False)
    assert [p.code for p in report.problems] == ["modified"]
    # bytes changed inside the signed range: the signature no longer matches
    tampered = bytearray(signed)
    position = signed.index(b"Tj", 2000)
    tampered[position - 3] ^= 0x01
    [broken] = verify_pdf(bytes(tampered)).signatures
    assert (broken.intact, broken.valid, broken.problems[0].code) == (False, False, "bad_signature")


def test_an_untrusted_certificate_is_refused_for_signing_and_flagged_on_arrival(
    demo_keys, document, people, tree, tmp_path, settings
):
    signed = _sign(document, people, tree)
    (keys.signing_dir() / "trust" / "dangvu-demo-root.pem").rename(tmp_path / "root.pem")
    keys.clear_cache()

    [report] = verify_pdf(signed).signatures
    assert (report.trusted, report.valid, [p.code for p in report.problems]) == (
        False,
        False,
        ["certificate_untrusted"],
    )
    from dangvu.signing import trust

    trust._checked.clear()
    with pytest.raises(SigningError) as refused:
        _sign(document, people, tree)
    assert refused.value.code == "certificate_untrusted"


def test_an_expired_certificate_cannot_sign(authority, document, people, tree):
    from tests.conftest import grant

    grant(people.secretary, "lanh-dao", tree.xa)
    ca.issue_person(
        authority,
        username="secretary",
        full_name="Lê Quang Hùng",
        organisation=tree.xa.name,
        not_before=TODAY - timedelta(days=800),
        days=730,
    )
    with pytest.raises(SigningError) as refused:
        _sign(document, people, tree)
    assert (refused.value.code, refused.value.message) == (
        "certificate_expired",
        "Chứng thư số của “Lê Quang Hùng” đã hết hạn ngày 22/09/2026; không ký được.",
    )


def test_without_revocation_data_the_status_says_not_checked(demo_keys, document, people, tree):
    signed = _sign(document, people, tree)
    for crl in (keys.signing_dir() / "crl").glob("*.crl"):
        crl.unlink()
    keys.clear_cache()
    # no list held locally, none in the document (a personal signature's validation data comes with
    # the seal), none reachable: "not checked", and the signature stays valid
    [report] = verify_pdf(signed).signatures
    assert (report.revocation, report.valid) == (Revocation.NOT_CHECKED, True)


def test_b_lt_with_a_timestamp_still_verifies_after_the_certificate_expired(
    demo_keys, document, people, tree, tsa_url
):
    from dangvu.signing.services import issue_document

    signed = issue_document(
        pdf=_sign(document, people, tree),
        actor=people.clerk,
        org=tree.xa,
        places=PLACES,
        number="Số 1-QĐ/ĐU",
        date_text="ngày 01",
    ).pdf
    reader = PdfFileReader(io.BytesIO(signed))
    dss = reader.root["/DSS"]
    assert (len(dss["/Certs"]), len(dss["/CRLs"])) == (
        4,
        1,
    )  # leader, organisation, root, TSA; the root's list

    [now, seal_now] = verify_pdf(signed).signatures
    assert (now.level, now.valid, now.long_term, seal_now.level) == ("B-LT", True, False, "B-LT")
    with time_machine.travel(TODAY + timedelta(days=365 * 5), tick=False):
        keys.clear_cache()
        [later, seal_later] = verify_pdf(signed).signatures
    assert (later.valid, later.long_term, later.revocation) == (True, True, Revocation.GOOD)
    assert (seal_later.valid, seal_later.long_term) == (True, True)
    assert later.timestamp == now.timestamp


def test_without_a_timestamp_an_expired_certificate_is_flagged(demo_keys, document, people, tree):
    signed = _sign(document, people, tree)
    with time_machine.travel(TODAY + timedelta(days=365 * 5), tick=False):
        [later] = verify_pdf(signed).signatures
    assert (later.level, later.valid, [p.code for p in later.problems]) == (
        "B-B",
        False,
        ["certificate_expired"],
    )
