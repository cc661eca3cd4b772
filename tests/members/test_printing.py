"""Printed member documents: real PDFs, parsed back to check what a reader sees."""

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from dangvu.audit.models import AuditEntry
from dangvu.core.models import Export, Job
from dangvu.members import lifecycle
from dangvu.members.models import FamilyRelation, Member, Transfer
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def duc(tree, admin_user):
    member = member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Trần Văn Đức",
        sex="male",
        birth_date=date(1980, 1, 2),
        hometown="Xã Ân Phú, tỉnh Quảng Ngãi",
        cccd="001080000111",
        admitted_on=date(1996, 9, 1),
        recognized_on=date(1997, 9, 1),
        file_number="LL-0099",
    )
    Member.objects.filter(pk=member.pk).update(card_number="12345678")  # cards are issued by card_issue
    member.refresh_from_db()
    FamilyRelation.objects.create(member=member, relation="Mẹ", full_name="Lê Thị Nguyệt", birth_year=1955)
    return member


def test_member_file_pdf_holds_the_file_and_is_audited(people, duc, client):
    client.force_login(people.secretary)
    response = client.get(f"/members/{duc.pk}/file.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Phiếu đảng viên — Trần Văn Đức"
    text = squeeze(pdf_text(response.content))
    assert "MẬT" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "PHIẾU ĐẢNG VIÊN" in text
    assert "Trần Văn Đức" in text
    assert "001080000111" in text  # the file itself shows the full CCCD
    assert "Xã Ân Phú, tỉnh Quảng Ngãi" in text
    assert "01/09/1996" in text
    assert "01/09/1997" in text
    assert "Lê Thị Nguyệt" in text
    assert "Số lý lịch: LL-0099" in text
    entry = AuditEntry.objects.get(event="members.print_file")
    assert entry.object_id == str(duc.pk)
    assert entry.actor == people.secretary


def test_member_file_pdf_is_scoped(people, duc, client):
    client.force_login(people.outsider)
    assert client.get(f"/members/{duc.pk}/file.pdf").status_code == 404
    assert not AuditEntry.objects.filter(event="members.print_file").exists()


def test_member_list_pdf_follows_the_filters_and_masks_cccd(people, duc, tree, admin_user, client):
    member_create(
        actor=admin_user, org=tree.a2, full_name="Nguyễn Thị Anh", sex="female", birth_date=date(1995, 3, 4)
    )
    member_create(
        actor=admin_user, org=tree.b1, full_name="Lê Văn Bình", sex="male", birth_date=date(1960, 5, 6)
    )
    client.force_login(people.province)
    text = squeeze(pdf_text(client.get("/members/list.pdf", {"org": "XA"}).content))
    assert "DANH SÁCH ĐẢNG VIÊN" in text
    assert text.index("Nguyễn Thị Anh") < text.index("Trần Văn Đức")  # Vietnamese order: Anh before Đức
    assert "Lê Văn Bình" not in text  # outside the filter
    assert "••••••••0111" in text
    assert "001080000111" not in text
    assert "Tổng số: 2 đảng viên." in text
    assert AuditEntry.objects.get(event="members.print_list").data["rows"] == 2


def test_member_list_pdf_refuses_a_list_too_long_to_print(people, duc, client, settings):
    settings.DANGVU_PRINT_MAX_ROWS = 0
    client.force_login(people.province)
    response = client.get("/members/list.pdf", {"org": "XA"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/members/?")
    assert "quá 0 dòng để in PDF" in response.content.decode()
    assert not Export.objects.exists()
    assert not AuditEntry.objects.filter(event="members.print_list").exists()


def test_a_long_list_is_printed_by_a_job_with_progress_and_a_download_for_its_owner_only(
    people, duc, tree, admin_user, client, settings, django_capture_on_commit_callbacks
):
    member_create(
        actor=admin_user, org=tree.a2, full_name="Nguyễn Thị Anh", sex="female", birth_date=date(1995, 3, 4)
    )
    settings.DANGVU_PRINT_INSTANT_MAX_ROWS = 1
    client.force_login(people.province)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/members/list.pdf", {"org": "XA", "page": "2"})
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.kind, export.params, export.expected_rows) == ("members.list_pdf", {"org": ["XA"]}, 2)
    assert (export.status, export.processed_rows) == ("done", 2)
    assert Job.objects.get(kind="core.export").status == "done"
    assert 'data-testid="export-download"' in client.get(f"/exports/{export.pk}/").content.decode()
    download = client.get(f"/exports/{export.pk}/file")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="danh-sach-dang-vien-20261201.pdf"'
    text = squeeze(pdf_text(b"".join(download.streaming_content)))
    assert text.index("Nguyễn Thị Anh") < text.index("Trần Văn Đức")
    assert "Tổng số: 2 đảng viên." in text
    assert AuditEntry.objects.get(event="members.print_list").data["rows"] == 2

    client.force_login(people.secretary)  # someone else: the printout does not exist for them
    assert client.get(f"/exports/{export.pk}/").status_code == 404
    assert client.get(f"/exports/{export.pk}/file").status_code == 404


def test_a_printout_that_grew_past_the_limit_before_its_job_ran_fails_with_the_reason(
    people, duc, client, settings, django_capture_on_commit_callbacks
):
    settings.DANGVU_PRINT_INSTANT_MAX_ROWS = 0
    client.force_login(people.province)
    with django_capture_on_commit_callbacks(execute=True):
        settings.DANGVU_PRINT_MAX_ROWS = 1
        client.get("/members/list.pdf", {"org": "XA"})
        settings.DANGVU_PRINT_MAX_ROWS = 0  # the job finds more rows than may be printed
    export = Export.objects.get()
    assert export.status == "failed"
    assert "quá 0 dòng để in PDF" in export.message
    assert not export.file


def test_transfer_letter_pdf(people, duc, tree, admin_user, client):
    lifecycle.member_transfer_out(
        actor=admin_user,
        member=duc,
        kind="official",
        to_org=tree.b1,
        issued_on=date(2026, 2, 10),
        letter_number="17",
        fees_paid_until="2026-01",
        reason="Chuyển công tác",
    )
    transfer = Transfer.objects.get(member=duc)
    client.force_login(people.secretary)
    text = squeeze(pdf_text(client.get(f"/members/transfers/{transfer.pk}/letter.pdf").content))
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG" in text
    assert "Số 17 GTSHĐ" in text
    assert "Ngày 10 tháng 02 năm 2026" in text
    assert "Trần Văn Đức" in text
    assert "12345678" in text
    assert "LL-0099" in text
    assert tree.b1.name in text
    assert tree.a1.name in text
    assert "01/2026" in text
    assert f"trước ngày {transfer.due_on:%d/%m/%Y}" in text
    # The receiving side may print it too; a unit that has nothing to do with the transfer may not.
    client.force_login(people.outsider)
    assert client.get(f"/members/transfers/{transfer.pk}/letter.pdf").status_code == 200
    client.force_login(people.nobody)
    assert client.get(f"/members/transfers/{transfer.pk}/letter.pdf").status_code == 404
