"""OCR on a generated Vietnamese scan (Tesseract with Vietnamese data through OCRmyPDF): a searchable PDF
beside the untouched original, the text found by the search, and the register's proposals that the
clerk checks and takes with the "correct" verb (web page and API)."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from fpdf import FPDF

from dangvu.audit.models import AuditEntry
from dangvu.documents import processing, services
from dangvu.documents.ocr import ocr_available
from dangvu.documents.search import search_documents

pytestmark = pytest.mark.django_db
needs_ocr = pytest.mark.skipif(
    not ocr_available(), reason="needs ocrmypdf and tesseract-ocr-vie (CI installs them)"
)

FONTS = Path(__file__).resolve().parents[2] / "dangvu" / "core" / "fonts"


def scan(tmp_path: Path) -> bytes:
    """A page in the Party format, printed and scanned: a PNG at 200 dpi, no text layer."""
    pdf = FPDF(format="A4")
    pdf.add_font("serif", "", str(FONTS / "LiberationSerif-Regular.ttf"))
    pdf.add_font("serif", "B", str(FONTS / "LiberationSerif-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("serif", "", 13)
    pdf.set_xy(15, 15)
    pdf.cell(80, 7, "ĐẢNG BỘ TỈNH NINH BÌNH", align="C")
    pdf.set_font("serif", "B", 14)
    pdf.set_xy(110, 15)
    pdf.cell(85, 7, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C")
    pdf.set_xy(15, 22)
    pdf.cell(80, 7, "TỈNH ỦY", align="C")
    pdf.set_xy(15, 29)
    pdf.cell(80, 7, "*", align="C")
    pdf.set_font("serif", "", 13)
    pdf.set_xy(15, 38)
    pdf.cell(80, 7, "Số 27-NQ/TU", align="C")
    pdf.set_xy(110, 38)
    pdf.cell(85, 7, "Ninh Bình, ngày 14 tháng 10 năm 2026", align="C")
    pdf.set_font("serif", "B", 16)
    pdf.set_xy(15, 60)
    pdf.cell(180, 8, "NGHỊ QUYẾT", align="C")
    pdf.set_font("serif", "", 13)
    pdf.set_xy(15, 70)
    pdf.cell(180, 7, "về đẩy mạnh chuyển đổi số trong công tác văn thư", align="C")
    source = tmp_path / "page.pdf"
    source.write_bytes(bytes(pdf.output()))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-singlefile", str(source), str(tmp_path / "scan")],
        check=True,
    )
    return (tmp_path / "scan.png").read_bytes()


@needs_ocr
def test_a_scan_is_read_searched_and_its_register_proposals_confirmed(office, tree, tmp_path):
    image = scan(tmp_path)
    document = services.document_register_incoming(
        actor=office.clerk,
        org=tree.xa,
        doc_type="VB",
        subject="Văn bản quét chưa rõ loại",
        sender_name="chưa rõ",
        received_on=date(2026, 11, 30),
        file_name="scan.png",
        content=image,
    )
    assert document.ocr_status == "pending"
    processing.run_ocr(document.pk)  # the job's work, run here
    document.refresh_from_db()
    assert document.ocr_status == "done"
    original = document.files.get(kind="original")
    assert original.sha256 == hashlib.sha256(image).hexdigest()  # the original, byte for byte
    ocr_copy = document.files.get(kind="ocr")
    assert ocr_copy.content_type == "application/pdf"
    assert "chuyển đổi số" in document.ocr_text
    assert search_documents(office.clerk, "chuyen doi so van thu").filter(pk=document.pk).exists()

    proposals = document.ocr_proposals
    assert proposals["number_text"]["value"] == "27-NQ/TU"
    assert proposals["issued_on"]["value"] == "2026-10-14"
    assert proposals["doc_type"]["value"] == "nghi-quyet"
    assert proposals["sender_name"]["value"] == "TỈNH ỦY"

    # The clerk sees them beside the register's values and opens the prefilled form.
    client = Client()
    client.force_login(office.clerk)
    page = client.get(document.get_absolute_url()).content.decode()
    assert 'data-testid="ocr-proposals"' in page
    assert "27-NQ/TU" in page
    form = client.get(f"/documents/{document.pk}/correct/?number_text=27-NQ/TU&issued_on=14/10/2026")
    assert 'value="27-NQ/TU"' in form.content.decode()
    answer = client.post(
        f"/documents/{document.pk}/correct/",
        {
            "number_text": "27-NQ/TU",
            "issued_on": "14/10/2026",
            "doc_type": "nghi-quyet",
            "sender_name": "Tỉnh ủy Ninh Bình",
        },
    )
    assert answer.status_code == 302
    document.refresh_from_db()
    assert (document.number_text, document.issued_on, document.doc_type.code) == (
        "27-NQ/TU",
        date(2026, 10, 14),
        "nghi-quyet",
    )
    assert document.incoming_number == 1  # the register's own number does not change
    entry = AuditEntry.objects.filter(event="documents.correct").get()
    assert entry.changes["number_text"] == ["", "27-NQ/TU"]
    assert search_documents(office.clerk, "số 27 NQ TU").filter(pk=document.pk).exists()


def test_correcting_is_the_clerks_verb_and_refuses_a_date_after_arrival(office, tree, people):
    document = services.document_register_incoming(
        actor=office.clerk,
        org=tree.xa,
        doc_type="CV",
        subject="Công văn",
        sender_name="Tỉnh ủy",
        received_on=date(2026, 11, 30),
    )
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.document_correct(actor=office.clerk_b, document=document, number_text="1-CV/TU")
    with pytest.raises(ValidationError):
        services.document_correct(actor=office.clerk, document=document, issued_on=date(2026, 12, 1))
    document.refresh_from_db()
    assert document.issued_on is None
    assert not AuditEntry.objects.filter(event="documents.correct").exists()
    # The API: the proposals in the document, the verb generated from the workflow.
    from dangvu.accounts.services import api_token_create

    token = api_token_create(actor=office.clerk, user=office.clerk, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(f"/api/v1/documents/{document.pk}").json()["ocr_proposals"] == {}
    answer = api.post(
        f"/api/v1/documents/{document.pk}/correct",
        {"number_text": "15-CV/TU", "issued_on": "2026-11-27"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["number"] == "15-CV/TU"
    assert api.get("/api/v1/documents", {"q": "15/CV-TU"}).json()["count"] == 1
