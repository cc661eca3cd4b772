"""The documents API: the contract paths (outgoing → approve → sign → issue → {"number": …}, the file,
incoming with a file, the recipients' status), secrecy and bad input."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.documents.models import Document

pytestmark = pytest.mark.django_db


def client_for(user):
    token = api_token_create(actor=user, user=user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_outgoing_through_the_api_returns_the_party_number(office, tree):
    clerk, leader = client_for(office.clerk), client_for(office.leader)
    created = clerk.post(
        "/api/v1/documents/outgoing",
        {
            "org": tree.xa.pk,
            "doc_type": "NQ",
            "subject": "về chuyển đổi số",
            "body": "Nội dung.",
            "recipients": [tree.xb.pk],
            "secrecy": "",
            "urgency": "khan",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    document_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    refused = clerk.post(f"/api/v1/documents/{document_id}/sign", {}, content_type="application/json")
    assert refused.status_code == 403  # the clerk may not sign
    assert (
        leader.post(f"/api/v1/documents/{document_id}/approve", {}, content_type="application/json").json()[
            "status"
        ]
        == "approved"
    )
    assert (
        leader.post(f"/api/v1/documents/{document_id}/sign", {}, content_type="application/json").json()[
            "status"
        ]
        == "signed"
    )
    issued = clerk.post(f"/api/v1/documents/{document_id}/issue", {}, content_type="application/json")
    assert issued.status_code == 200, issued.content
    assert issued.json()["number"] == f"01-NQ/{tree.xa.abbreviation}"
    assert issued.json()["deliveries"] == [
        {"recipient": tree.xb.pk, "recipient_name": tree.xb.name, "status": "01", "status_label": "Đã đến"}
    ]
    again = clerk.post(f"/api/v1/documents/{document_id}/issue", {}, content_type="application/json")
    assert again.status_code == 422
    pdf = clerk.get(f"/api/v1/documents/{document_id}/file")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert AuditEntry.objects.filter(event="documents.open_file", object_id=str(document_id)).count() == 1
    # The recipient reports its status; the sender sees it.
    status = client_for(office.clerk_b).post(
        f"/api/v1/documents/{document_id}/deliveries/{tree.xb.pk}/status",
        {"status": "03", "note": "Đã vào sổ"},
        content_type="application/json",
    )
    assert status.json()["status"] == "03"
    assert clerk.get(f"/api/v1/documents/{document_id}").json()["deliveries"][0]["status"] == "03"
    outsider = client_for(office.clerk_b).get(f"/api/v1/documents/{document_id}")
    assert outsider.status_code == 404  # the sender's copy stays the sender's


def _pdf(encrypted=False):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if encrypted:
        writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_incoming_with_a_scan_and_bad_files(office, tree):
    clerk = client_for(office.clerk)
    form = {
        "org": tree.xa.pk,
        "doc_type": "CV",
        "subject": "V/v báo cáo quý IV",
        "sender_name": "Tỉnh ủy Ninh Bình",
        "number": "123-CV/TU",
        "issued_on": "2026-11-25",
        "received_on": "2026-11-30",
    }
    created = clerk.post(
        "/api/v1/documents/incoming", {**form, "file": SimpleUploadedFile("scan.pdf", _pdf())}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["incoming_number"], body["number"], body["files"]) == (
        1,
        "123-CV/TU",
        ["original", "stamped"],
    )
    assert body["deadline"] == "2026-12-14"  # 10 working days after 30/11/2026
    listed = clerk.get("/api/v1/documents", {"q": "123/CV-TU"}).json()  # another way of writing the number
    assert [d["id"] for d in listed["results"]] == [body["id"]]
    before = Document.objects.count()
    for name, content, message in [
        ("a.pdf", b"this is not a pdf", "PDF, PNG, JPEG"),
        ("b.pdf", _pdf(encrypted=True), "mật khẩu"),
        ("c.pdf", b"%PDF-1.7\n garbage", "hỏng"),
    ]:
        refused = clerk.post(
            "/api/v1/documents/incoming", {**form, "file": SimpleUploadedFile(name, content)}
        )
        assert refused.status_code == 422, (name, refused.content)
        assert message in str(refused.json()), refused.json()
    assert Document.objects.count() == before


def test_secret_documents_need_clearance_and_files_need_the_party_network(office, tree, people, settings):
    clerk = client_for(office.clerk)  # văn thư: cleared for MẬT by default
    form = {
        "org": tree.xa.pk,
        "doc_type": "CV",
        "subject": "Tài liệu mật",
        "sender_name": "Tỉnh ủy",
        "secrecy": "mat",
    }
    with_file = clerk.post(
        "/api/v1/documents/incoming", {**form, "file": SimpleUploadedFile("m.pdf", _pdf())}
    )
    assert with_file.status_code == 422
    assert "mạng thông tin diện rộng" in str(with_file.json())
    metadata = clerk.post("/api/v1/documents/incoming", form)
    assert metadata.status_code == 201
    settings.DANGVU_PARTY_NETWORK = True
    stored = clerk.post("/api/v1/documents/incoming", {**form, "file": SimpleUploadedFile("m.pdf", _pdf())})
    assert stored.status_code == 201
    files = Document.objects.get(pk=stored.json()["id"]).files
    record = files.get(kind="original")
    assert [(f.kind, f.encrypted) for f in files.order_by("kind")] == [("original", True), ("stamped", True)]
    with record.file.open("rb") as handle:
        assert not handle.read().startswith(b"%PDF")  # encrypted at rest
    downloaded = clerk.get(f"/api/v1/documents/{stored.json()['id']}/file")
    assert downloaded.content.startswith(b"%PDF")
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=downloaded.content, capture_output=True, check=True
    ).stdout
    assert office.clerk.get_full_name().encode() in text  # the viewer's name on every copy
    # A specialist of the same unit without clearance does not see it at all.
    from tests.conftest import grant, make_user

    specialist = make_user("specialist")
    grant(specialist, "chuyen-vien", tree.xa)
    assert client_for(specialist).get(f"/api/v1/documents/{stored.json()['id']}").status_code == 404
    assert client_for(specialist).get("/api/v1/documents").json()["count"] == 0


def test_lists_are_counted_exactly_up_to_the_cap_then_say_more_than(office, tree, monkeypatch):
    from tests.documents.test_flow import draft

    for n in range(3):
        draft(office, tree, subject=f"về việc số {n}")
    api = client_for(office.clerk)
    body = api.get("/api/v1/documents").json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (3, True, 3)
    monkeypatch.setattr("dangvu.documents.selectors.COUNT_CAP", 2)
    body = api.get("/api/v1/documents").json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (2, False, 3)
    page = Client()
    page.force_login(office.clerk)
    html = page.get("/documents/").content.decode()
    assert 'data-testid="count-more"' in html
    assert re.search(r"Hơn \d+ bản ghi — lọc hẹp hơn", html)  # a lower bound, never a silent cap
    assert html.count('href="/documents/') >= 3  # every row still listed


def test_an_upload_over_the_cap_is_refused_before_it_is_read_and_nothing_is_registered(
    office, tree, settings
):
    # 200 MB in the words; the cap is configuration (20 MB by default), 1 MB here
    settings.DANGVU_UPLOAD_MAX_MB = 1
    before = Document.objects.count()
    refused = client_for(office.clerk).post(
        "/api/v1/documents/incoming",
        {
            "org": tree.xa.pk,
            "doc_type": "CV",
            "subject": "Bản quét quá lớn",
            "sender_name": "Tỉnh ủy Ninh Bình",
            "file": SimpleUploadedFile("lon.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)),
        },
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (413, "too_large")
    assert Document.objects.count() == before
