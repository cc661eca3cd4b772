"""Closing files, the table of standard retention periods, handing files to the unit's archive, and
naming a sender unit on a paper registration: services, pages and API; permission, lock and audit.
Today is 1/12/2026 (tests/conftest.py)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dangvu.audit.models import AuditEntry
from dangvu.documents import archive, filing, services
from dangvu.documents.models import ArchiveHandover, Document, FileHeading, RetentionPeriod
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org
from tests.documents.test_filing import api_for, heading, incoming, pdftotext

pytestmark = pytest.mark.django_db


def closed(office, tree, code="01.TH", on=date(2025, 12, 20), **overrides):
    entry = heading(office, tree, code=code, year=on.year, **overrides)
    return archive.file_heading_close(actor=office.clerk, heading=entry, closed_on=on, page_count=12)


# --- Sender unit --------------------------------------------------------------------------------------


def test_a_paper_registration_names_a_sender_unit_from_the_directory(office, tree):
    document = incoming(office, tree, sender_name="", sender_org=tree.xb)

    assert (document.sender_org, document.sender_name) == (tree.xb, "Đảng ủy phường Đông Tiến")
    assert "dang uy phuong dong tien" in document.search_text


def test_an_outside_organ_is_named_as_typed_and_one_of_the_two_is_required(office, tree):
    outside = incoming(office, tree, sender_name="Sở Nội vụ  tỉnh Ninh Bình")

    with pytest.raises(ValidationError) as refused:
        incoming(office, tree, sender_name=" ", sender_org=None)

    assert (outside.sender_org, outside.sender_name) == (None, "Sở Nội vụ tỉnh Ninh Bình")
    assert refused.value.message_dict == {"sender_name": ["Chọn đơn vị gửi hoặc ghi tên cơ quan gửi."]}


def test_the_registration_form_takes_the_sender_unit_and_the_page_shows_it(office, tree):
    client = Client()
    client.force_login(office.clerk)

    response = client.post(
        "/documents/new/incoming/",
        {
            "org": tree.xa.code,
            "doc_type": Document._meta.get_field("doc_type")
            .related_model.objects.get(abbreviation="CV", code="cong-van")
            .pk,
            "subject": "Báo cáo số liệu",
            "sender_org": tree.xb.code,
        },
    )
    document = Document.objects.get(subject="Báo cáo số liệu")
    page = client.get(document.get_absolute_url()).content.decode()
    found = client.get("/documents/", {"q": "dong tien"}).content.decode()

    assert response.status_code == 302
    assert document.sender_org == tree.xb
    assert "Đảng ủy phường Đông Tiến" in page
    assert "đơn vị trên hệ thống" in page
    assert "Báo cáo số liệu" in found


def test_the_api_registers_with_a_sender_unit_and_refuses_an_unknown_one(office, tree):
    client = api_for(office.clerk)
    base = {"org": tree.xa.pk, "doc_type": "CV", "subject": "Công văn số liệu"}

    created = client.post("/api/v1/documents/incoming", base | {"sender_org": tree.xb.pk})
    unknown = client.post("/api/v1/documents/incoming", base | {"sender_org": 999_999})
    neither = client.post("/api/v1/documents/incoming", base)

    assert created.status_code == 201
    assert (created.json()["sender_org"], created.json()["sender_name"]) == (
        tree.xb.pk,
        "Đảng ủy phường Đông Tiến",
    )
    assert [d["field"] for d in unknown.json()["error"]["details"]] == ["sender_org"]
    assert [d["field"] for d in neither.json()["error"]["details"]] == ["sender_name"]
    assert Document.objects.filter(subject="Công văn số liệu").count() == 1


def test_a_clerk_corrects_the_sender_unit_audited_on_the_form_and_through_the_api(office, tree):
    document = incoming(office, tree, sender_name="Tỉnh ủy Ninh Bình")

    services.document_correct(actor=office.clerk, document=document, sender_org=tree.xb)
    document.refresh_from_db()
    entry = AuditEntry.objects.filter(event="documents.correct").get()
    assert (document.sender_org, document.sender_name) == (tree.xb, "Đảng ủy phường Đông Tiến")
    assert entry.changes == {
        "sender_name": ["Tỉnh ủy Ninh Bình", "Đảng ủy phường Đông Tiến"],
        "sender_org": [None, tree.xb.pk],
    }
    assert "dang uy phuong dong tien" in document.search_text

    # The web form: the unit by its code, with the name as written on the document.
    client = Client()
    client.force_login(office.clerk)
    assert 'name="sender_org"' in client.get(f"/documents/{document.pk}/correct/").content.decode()
    answer = client.post(
        f"/documents/{document.pk}/correct/",
        {"sender_org": tree.b1.code, "sender_name": "Chi bộ Khu phố 1 (phường Đông Tiến)"},
    )
    document.refresh_from_db()
    assert answer.status_code == 302
    assert (document.sender_org, document.sender_name) == (tree.b1, "Chi bộ Khu phố 1 (phường Đông Tiến)")

    # The API: the unit by its id; an unknown or ended unit is refused and nothing changes.
    api = api_for(office.clerk)
    moved = api.post(
        f"/api/v1/documents/{document.pk}/correct",
        {"sender_org": tree.xb.pk},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert (moved.json()["sender_org"], moved.json()["sender_name"]) == (
        tree.xb.pk,
        "Đảng ủy phường Đông Tiến",
    )
    Org.objects.filter(pk=tree.b1.pk).update(status=OrgStatus.DISSOLVED)
    for unit in (999_999, tree.b1.pk):
        refused = api.post(
            f"/api/v1/documents/{document.pk}/correct", {"sender_org": unit}, content_type="application/json"
        )
        assert refused.status_code == 422
        assert [d["field"] for d in refused.json()["error"]["details"]] == ["sender_org"]
    document.refresh_from_db()
    assert document.sender_org == tree.xb
    assert AuditEntry.objects.filter(event="documents.correct").count() == 3


def test_correcting_the_sender_unit_is_the_registering_clerks_verb(office, tree):
    document = incoming(office, tree)

    with pytest.raises(PermissionDenied):
        services.document_correct(actor=office.clerk_b, document=document, sender_org=tree.xb)

    document.refresh_from_db()
    assert document.sender_org is None
    assert not AuditEntry.objects.filter(event="documents.correct").exists()


# --- Retention periods --------------------------------------------------------------------------------


def test_the_table_of_retention_periods_is_seeded_unconfirmed_with_its_basis():
    periods = list(RetentionPeriod.objects.all())

    assert len(periods) >= 10
    assert all(not p.confirmed and "HD 35-HD/VPTW" in p.legal_basis for p in periods)
    assert RetentionPeriod.objects.get(code="1.2").retention_label == "Vĩnh viễn"


def test_a_file_takes_the_period_of_its_kind_unless_one_is_written(office, tree):
    kind = RetentionPeriod.objects.get(code="5.1")  # sổ đăng ký văn bản: 20 years (default)

    proposed = heading(office, tree, code="05.VP", retention_years=filing.FROM_PERIOD, retention_period=kind)
    written = heading(office, tree, code="06.VP", retention_years=5, retention_period=kind)
    with pytest.raises(ValidationError):
        heading(office, tree, code="07.VP", retention_years=filing.FROM_PERIOD)

    assert (proposed.retention_years, proposed.retention_period, proposed.legal_basis) == (
        20,
        kind,
        kind.legal_basis,
    )
    assert (written.retention_years, written.retention_period) == (5, kind)


def test_the_form_proposes_the_period_of_the_kind_picked(office, tree):
    client = Client()
    client.force_login(office.clerk)
    kind = RetentionPeriod.objects.get(code="1.2")
    values = {"org": tree.xa.code, "year": "2026", "code": "02.ĐH", "title": "Hồ sơ đại hội"}

    page = client.get("/documents/files/new/").content.decode()
    saved = client.post("/documents/files/new/", values | {"retention_period": kind.pk})

    assert "Hồ sơ đại hội đảng bộ (Vĩnh viễn) *" in page
    assert saved.status_code == 302
    assert FileHeading.objects.get(code="02.ĐH").retention_years is None


def test_the_api_lists_the_periods_and_creates_a_file_from_one(office, tree):
    client = api_for(office.clerk)
    kind = RetentionPeriod.objects.get(code="5.2")

    periods = client.get("/api/v1/documents/files/retention-periods").json()
    created = client.post(
        "/api/v1/documents/files",
        {
            "org": tree.xa.pk,
            "year": 2026,
            "code": "09.CV",
            "title": "Công văn chung",
            "retention_period": kind.pk,
        },
        content_type="application/json",
    )

    assert {"code": "5.2", "retention_years": 5, "confirmed": False}.items() <= next(
        p for p in periods if p["code"] == "5.2"
    ).items()
    assert created.status_code == 201
    assert (created.json()["retention_years"], created.json()["retention_period"]) == (5, kind.pk)


# --- Closing ------------------------------------------------------------------------------------------


def test_closing_a_file_records_its_end_sheets_and_documents_and_then_refuses_filing(office, tree):
    entry = heading(office, tree)
    first = incoming(office, tree, received_on=date(2026, 11, 30), pages=4)
    services.document_file(actor=office.clerk, document=first, heading=entry)
    later = incoming(office, tree, subject="Một công văn khác")

    archive.file_heading_close(actor=office.clerk, heading=entry, closed_on=date(2026, 12, 1), page_count=6)
    entry.refresh_from_db()
    with pytest.raises(ValidationError) as adding:
        services.document_file(actor=office.clerk, document=later, heading=entry)
    with pytest.raises(ValidationError) as removing:
        services.document_file(actor=office.clerk, document=first, heading=None)

    assert (entry.closed_on, entry.started_on, entry.page_count, entry.document_count, entry.closed_by) == (
        date(2026, 12, 1),
        date(2026, 11, 30),
        6,
        1,
        office.clerk,
    )
    assert "đã kết thúc" in adding.value.messages[0]
    assert "đã kết thúc" in removing.value.messages[0]
    assert Document.objects.get(pk=later.pk).filed_in is None
    assert Document.objects.get(pk=first.pk).filed_in == entry
    assert (
        AuditEntry.objects.filter(event="documents.file_heading_close", object_id=str(entry.pk)).count() == 1
    )


def test_a_closed_file_reopens_only_with_a_reason_and_then_takes_documents_again(office, tree):
    entry = closed(office, tree)

    with pytest.raises(ValidationError):
        archive.file_heading_reopen(actor=office.clerk, heading=entry, reason="  ")
    archive.file_heading_reopen(actor=office.clerk, heading=entry, reason="Bổ sung báo cáo tổng kết")
    entry.refresh_from_db()

    assert (entry.closed_on, entry.page_count) == (None, None)
    reopened = AuditEntry.objects.get(event="documents.file_heading_reopen")
    assert reopened.data["reason"] == "Bổ sung báo cáo tổng kết"


def test_closing_refuses_a_future_date_a_second_close_and_an_outsider(office, tree, people):
    entry = heading(office, tree)

    with pytest.raises(ValidationError):
        archive.file_heading_close(
            actor=office.clerk, heading=entry, closed_on=date(2026, 12, 2), page_count=1
        )
    with pytest.raises(PermissionDenied):
        archive.file_heading_close(
            actor=people.outsider, heading=entry, closed_on=date(2026, 12, 1), page_count=1
        )
    archive.file_heading_close(actor=office.clerk, heading=entry, closed_on=date(2026, 12, 1), page_count=1)
    with pytest.raises(ValidationError):
        archive.file_heading_close(
            actor=office.clerk, heading=entry, closed_on=date(2026, 12, 1), page_count=1
        )

    assert AuditEntry.objects.filter(event="documents.file_heading_close").count() == 1


# --- Handover -----------------------------------------------------------------------------------------


def test_closed_files_are_due_at_the_end_of_the_year_after_closing(office, tree, settings):
    last_year = closed(office, tree, on=date(2024, 6, 30))
    this_year = closed(office, tree, code="02.TH", on=date(2026, 3, 1))

    awaiting = archive.awaiting_handover(office.clerk, org=tree.xa)
    settings.DANGVU_ARCHIVE_HANDOVER_YEARS = 2

    assert [(h.pk, h.due, h.overdue) for h in awaiting] == [
        (last_year.pk, date(2025, 12, 31), True),
        (this_year.pk, date(2027, 12, 31), False),
    ]
    assert archive.handover_due(date(2024, 6, 30)) == date(2026, 12, 31)


def test_a_handover_record_takes_closed_files_numbered_per_unit_and_year(office, tree):
    one, two = closed(office, tree), closed(office, tree, code="02.TH")
    still_open = heading(office, tree, code="03.TH", year=2025)

    with pytest.raises(ValidationError) as refused:
        archive.archive_handover_create(
            actor=office.clerk,
            org=tree.xa,
            headings=[one, still_open],
            handed_on=date(2026, 12, 1),
            delivered_by="Nguyễn Văn A",
            received_by="Trần Thị B",
        )
    record = archive.archive_handover_create(
        actor=office.clerk,
        org=tree.xa,
        headings=[one, two],
        handed_on=date(2026, 12, 1),
        delivered_by="Nguyễn Văn A, văn thư",
        received_by="Trần Thị B, lưu trữ",
    )
    with pytest.raises(ValidationError):
        archive.archive_handover_create(
            actor=office.clerk,
            org=tree.xa,
            headings=[one],
            handed_on=date(2026, 12, 1),
            delivered_by="A",
            received_by="B",
        )

    assert "03.TH" in refused.value.message_dict["headings"][0]
    assert (record.number, record.year) == (1, 2026)
    assert sorted(FileHeading.objects.filter(handover=record).values_list("code", flat=True)) == [
        "01.TH",
        "02.TH",
    ]
    assert ArchiveHandover.objects.count() == 1
    entry = AuditEntry.objects.get(event="documents.archive_handover_create")
    assert entry.data["files"] == ["01.TH", "02.TH"]
    with pytest.raises(ValidationError):
        archive.file_heading_reopen(actor=office.clerk, heading=one, reason="Sửa")


def test_a_handover_needs_the_clerks_permission_and_keeps_to_the_unit(office, tree, people):
    entry = closed(office, tree)
    other = filing.file_heading_create(
        actor=office.clerk_b,
        org=tree.xb,
        year=2025,
        code="01.TH",
        title="Hồ sơ của phường",
        retention_years=None,
    )
    archive.file_heading_close(actor=office.clerk_b, heading=other, closed_on=date(2025, 12, 1), page_count=3)

    with pytest.raises(PermissionDenied):
        archive.archive_handover_create(
            actor=people.outsider,
            org=tree.xa,
            headings=[entry],
            handed_on=date(2026, 12, 1),
            delivered_by="A",
            received_by="B",
        )
    with pytest.raises(ValidationError):
        archive.archive_handover_create(
            actor=office.clerk,
            org=tree.xa,
            headings=[entry, other],
            handed_on=date(2026, 12, 1),
            delivered_by="A",
            received_by="B",
        )

    assert ArchiveHandover.objects.count() == 0
    assert FileHeading.objects.filter(handover__isnull=False).count() == 0


def test_the_pages_close_a_file_hand_it_over_and_print_the_record(office, tree, tmp_path):
    entry = heading(office, tree, year=2025)
    client = Client()
    client.force_login(office.clerk)

    page = client.get(entry.get_absolute_url()).content.decode()
    client.post(f"/documents/files/{entry.pk}/close/", {"closed_on": "20/12/2025", "page_count": "15"})
    closed_page = client.get(entry.get_absolute_url()).content.decode()
    listing = client.get("/documents/files/handovers/", {"org": tree.xa.code}).content.decode()
    made = client.post(
        f"/documents/files/handovers/?org={tree.xa.code}",
        {
            "headings": [entry.pk],
            "handed_on": "01/12/2026",
            "delivered_by": "Nguyễn Văn A",
            "received_by": "Trần Thị B",
        },
    )
    record = ArchiveHandover.objects.get()
    detail = client.get(record.get_absolute_url()).content.decode()
    pdf = client.get(f"/documents/files/handovers/{record.pk}/pdf/")
    text = pdftotext(pdf.content, tmp_path)

    assert 'data-testid="close-file"' in page
    assert "Đã kết thúc" in closed_page
    assert 'data-testid="reopen-file"' in closed_page
    assert "31/12/2026" in listing
    assert 'text-bg-danger">đến hạn' not in listing
    assert made.status_code == 302
    assert made["Location"] == record.get_absolute_url()
    assert "Biên bản giao nộp số 1/2026" in detail
    assert "01.TH" in detail
    assert "BIÊN BẢN GIAO NỘP HỒ SƠ" in text
    assert "Nguyễn Văn A" in text
    assert "01.TH" in text
    assert AuditEntry.objects.filter(event="documents.export_handover").count() == 1


def test_the_api_closes_reopens_and_hands_over(office, tree):
    entry = heading(office, tree, year=2025)
    client = api_for(office.clerk)
    base = f"/api/v1/documents/files/{entry.pk}"

    closed_file = client.post(
        f"{base}/close", {"closed_on": "2025-12-20", "page_count": 8}, content_type="application/json"
    )
    reopened = client.post(f"{base}/reopen", {"reason": "Thêm văn bản"}, content_type="application/json")
    client.post(
        f"{base}/close", {"closed_on": "2025-12-21", "page_count": 9}, content_type="application/json"
    )
    awaiting = client.get("/api/v1/documents/files/handovers/awaiting", {"org": tree.xa.pk}).json()
    made = client.post(
        "/api/v1/documents/files/handovers",
        {
            "org": tree.xa.pk,
            "files": [entry.pk],
            "handed_on": "2026-12-01",
            "delivered_by": "A",
            "received_by": "B",
        },
        content_type="application/json",
    )
    listed = client.get("/api/v1/documents/files/handovers", {"org": tree.xa.pk}).json()

    assert (closed_file.status_code, closed_file.json()["state"], closed_file.json()["page_count"]) == (
        200,
        "closed",
        8,
    )
    assert reopened.json()["state"] == "open"
    assert [(f["id"], f["handover_due"]) for f in awaiting["results"]] == [(entry.pk, "2026-12-31")]
    assert made.status_code == 201
    assert [f["state"] for f in made.json()["files"]] == ["handed_over"]
    assert [r["number"] for r in listed["results"]] == [1]
