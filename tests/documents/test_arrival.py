"""Signed PDFs verified on arrival, shown on the document page: a PDF registered by the clerk and a
delivery from another unit inside dangvu; "revocation not checked" rather than a failure where no
revocation source is reachable; a delivery whose signatures do not verify is refused, not registered."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.documents import services, storage
from dangvu.documents.models import Delivery, Document
from dangvu.signing import keys, trust
from dangvu.signing.services import sign_personal
from dangvu.signing.verify import verify_pdf
from tests.signing.conftest import PLACES, party_document

pytestmark = pytest.mark.django_db


def _signature_lines(user, document) -> list[str]:
    client = Client()
    client.force_login(user)
    page = client.get(f"/documents/{document.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    check = re.search(r'data-testid="signature-check">([^<]*)<', html)
    lines = re.findall(r'data-testid="signature">(.*?)</li>', html, re.S)
    return [check.group(1).strip() if check else "", *(re.sub(r"<[^>]+>", " | ", line) for line in lines)]


def _register(office, tree, content: bytes) -> Document:
    return services.document_register_incoming(
        actor=office.clerk,
        org=tree.xa,
        doc_type="QĐ",
        subject="Quyết định ký số gửi đến",
        sender_name="Đảng ủy xã An Phú",
        received_on=date(2026, 12, 1),
        file_name="quyet-dinh.pdf",
        content=content,
    )


def test_a_signed_pdf_registered_by_the_clerk_shows_who_signed_and_its_revocation_status(
    office, tree, people
):
    signed = sign_personal(pdf=party_document(), actor=people.secretary, org=tree.xa, places=PLACES)
    document = _register(office, tree, signed)

    [signature] = document.signature_report["verification"]["signatures"]
    assert (
        document.signature_report["verification"]["valid"],
        signature["kind"],
        signature["revocation"],
    ) == (
        True,
        "personal",
        "good",
    )
    assert document.electronic is True
    original = document.files.get(kind="original")
    assert original.sha256 == hashlib.sha256(signed).hexdigest()  # the original kept byte for byte
    assert storage.read(original) == signed
    assert _signature_lines(office.clerk, document) == [
        "Hợp lệ",
        "Lê Quang Hùng (Đảng ủy xã An Phú) — chữ ký cá nhân, B-B; chứng thư chưa bị thu hồi",
    ]


def _text(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "stamped.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return [line.strip() for line in text.stdout.splitlines() if line.strip()]


def test_the_arrival_stamp_goes_on_a_copy_and_the_original_stays_byte_for_byte(
    office, tree, people, tmp_path
):
    signed = sign_personal(pdf=party_document(), actor=people.secretary, org=tree.xa, places=PLACES)
    document = _register(office, tree, signed)

    assert sorted(document.files.values_list("kind", flat=True)) == ["original", "stamped"]
    assert storage.read(document.files.get(kind="original")) == signed
    stamped = storage.read(document.files.get(kind="stamped"))
    assert _text(stamped, tmp_path)[:3] == ["ĐẾN", "Số: 1 Ngày: 01/12/2026", "Đảng ủy xã An Phú"]
    assert verify_pdf(signed).valid  # the original's signature untouched


def test_a_registered_delivery_gets_its_stamp_from_the_receiving_unit(office, tree, tmp_path):
    _issue(office, tree)
    incoming = Document.objects.get(direction="incoming", registry_org=tree.xb)
    assert list(incoming.files.values_list("kind", flat=True)) == ["original"]  # not registered yet

    services.document_register_arrived(actor=office.clerk_b, document=incoming)

    stamped = storage.read(incoming.files.get(kind="stamped"))
    assert _text(stamped, tmp_path)[:3] == ["ĐẾN", "Số: 1 Ngày: 01/12/2026", "Đảng ủy phường Đông Tiến"]


def test_without_a_revocation_source_the_page_says_revocation_not_checked(office, tree, people):
    signed = sign_personal(pdf=party_document(), actor=people.secretary, org=tree.xa, places=PLACES)
    for crl in (keys.signing_dir() / "crl").glob("*.crl"):
        crl.unlink()
    keys.clear_cache()

    document = _register(office, tree, signed)

    assert _signature_lines(office.clerk, document) == [
        "Hợp lệ",
        "Lê Quang Hùng (Đảng ủy xã An Phú) — chữ ký cá nhân, B-B; chưa kiểm tra thu hồi chứng thư",
    ]


def _issue(office, tree) -> Document:
    document = services.document_draft(
        actor=office.clerk,
        org=tree.xa,
        doc_type="NQ",
        subject="về chuyển đổi số",
        body="Đảng ủy xã quyết nghị.",
        recipients=[tree.xb],
        authority="T/M ĐẢNG ỦY",
        signer_title="BÍ THƯ",
        signer_name="Lê Quang Hùng",
    )
    document = services.document_approve(actor=office.leader, document=document)
    document = services.document_sign(actor=office.leader, document=document)
    return services.document_issue(actor=office.clerk, document=document, on=date(2026, 12, 1))


def test_a_delivery_is_verified_on_arrival_and_shown_to_the_receiving_clerk(office, tree):
    _issue(office, tree)

    incoming = Document.objects.get(direction="incoming", registry_org=tree.xb)
    verification = incoming.signature_report["verification"]
    assert (verification["valid"], [s["kind"] for s in verification["signatures"]]) == (
        True,
        ["personal", "organisation"],
    )
    [check, personal, seal] = _signature_lines(office.clerk_b, incoming)
    assert (check, personal.split(" — ")[1], seal.split(" — ")[1]) == (
        "Hợp lệ",
        "chữ ký cá nhân, B-B; chứng thư chưa bị thu hồi",
        "chữ ký của cơ quan, B-B; chứng thư chưa bị thu hồi",
    )


def test_a_delivery_whose_signatures_do_not_verify_is_not_registered(office, tree, tmp_path):
    # The seal's certificate was checked before the committee's root left the trust list (a check is
    # remembered for ten minutes): the seal goes on, but the recipients cannot trust the signatures.
    seal = keys.load_credential(keys.signing_dir() / "orgs" / "XA.p12")
    trust.check_signing_certificate(seal.certificate, seal.chain, usage=frozenset({"digital_signature"}))
    document = services.document_sign(
        actor=office.leader,
        document=services.document_approve(
            actor=office.leader,
            document=services.document_draft(
                actor=office.clerk,
                org=tree.xa,
                doc_type="NQ",
                subject="về thử",
                body="Nội dung.",
                recipients=[tree.xb],
            ),
        ),
    )
    (keys.signing_dir() / "trust" / "dangvu-demo-root.pem").rename(tmp_path / "root.pem")
    keys.clear_cache()
    services.document_issue(actor=office.clerk, document=document, on=date(2026, 12, 1))
    incoming = Document.objects.get(direction="incoming", registry_org=tree.xb)
    assert incoming.signature_report["verification"]["valid"] is False
    assert _signature_lines(office.clerk_b, incoming)[0] == "Không hợp lệ"

    with pytest.raises(ValidationError, match="không hợp lệ: không vào sổ"):
        services.document_register_arrived(actor=office.clerk_b, document=incoming)
    incoming.refresh_from_db()
    assert (incoming.status, incoming.incoming_number) == ("arrived", None)
    services.document_refuse(actor=office.clerk_b, document=incoming, reason="Chữ ký số không hợp lệ")
    assert Delivery.objects.get(document=document).status == "02"
