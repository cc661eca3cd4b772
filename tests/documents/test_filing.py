"""Filing and retention: a unit's yearly list of files (danh mục hồ sơ) with its retention periods as
data, documents filed in a file, the file's page, the printable list, the API; permission, scope,
secrecy and audit."""

import io
import subprocess
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.documents import filing, services
from dangvu.documents.models import Document, FileHeading

pytestmark = pytest.mark.django_db


def heading(office, tree, **overrides):
    values = {
        "actor": office.clerk,
        "org": tree.xa,
        "year": 2026,
        "code": "01.TH",
        "title": "Nghị quyết, chương trình công tác năm của Đảng ủy",
        "retention_years": None,
        "section": "I. Tổng hợp",
        "keeper": "Văn phòng Đảng ủy",
    }
    return filing.file_heading_create(**(values | overrides))


def incoming(office, tree, subject="Công văn về báo cáo số liệu", **overrides):
    values = {
        "actor": office.clerk,
        "org": tree.xa,
        "doc_type": "CV",
        "subject": subject,
        "sender_name": "Tỉnh ủy Ninh Bình",
        "number_text": "15-CV/TU",
        "issued_on": date(2026, 11, 28),
    }
    return services.document_register_incoming(**(values | overrides))


def pdftotext(content, tmp_path):
    path = tmp_path / "list.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def api_for(user):
    token = api_token_create(actor=user, user=user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


# --- Services -----------------------------------------------------------------------------------------


def test_a_clerk_adds_files_with_their_retention_period_and_each_is_audited(office, tree):
    permanent = heading(office, tree)
    ten = heading(office, tree, code="05.VP", title="Sổ công văn đi, đến", retention_years=10, section="")

    assert (permanent.retention_years, permanent.retention_label, permanent.permanent) == (
        None,
        "Vĩnh viễn",
        True,
    )
    assert (ten.retention_years, ten.retention_label, ten.permanent) == (10, "10 năm", False)
    entries = AuditEntry.objects.filter(event="documents.file_heading_create").order_by("pk")
    assert [(e.actor, e.object_id) for e in entries] == [
        (office.clerk, str(permanent.pk)),
        (office.clerk, str(ten.pk)),
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "01.th"}, "code"),  # the same code in the same year, whatever the case
        ({"code": "  "}, "code"),
        ({"title": ""}, "title"),
        ({"retention_years": 0}, "retention_years"),
        ({"retention_years": 101}, "retention_years"),
        ({"year": 1800}, "year"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_bad_file_entries_are_refused_and_nothing_is_added(office, tree, overrides, field):
    heading(office, tree)
    before = (FileHeading.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as refused:
        heading(office, tree, **({"code": "02.TH"} | overrides))

    assert field in refused.value.error_dict
    assert (FileHeading.objects.count(), AuditEntry.objects.count()) == before


def test_only_the_units_clerk_manages_its_list_of_files(office, tree):
    own = heading(office, tree)
    before = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        heading(office, tree, actor=office.clerk_b, code="02.TH")  # the clerk of another commune
    with pytest.raises(PermissionDenied):
        heading(office, tree, actor=office.leader, code="02.TH")  # a leader reads, the clerk keeps the list
    with pytest.raises(PermissionDenied):
        filing.file_heading_update(actor=office.clerk_b, heading=own, changes={"title": "Khác"})
    with pytest.raises(PermissionDenied):
        filing.file_heading_delete(actor=office.clerk_b, heading=own)

    own.refresh_from_db()
    assert own.title == "Nghị quyết, chương trình công tác năm của Đảng ủy"
    assert (FileHeading.objects.count(), AuditEntry.objects.count()) == (1, before)


def test_changing_a_file_audits_the_difference_and_permanent_becomes_a_number_of_years(office, tree):
    entry = heading(office, tree)

    filing.file_heading_update(
        actor=office.clerk, heading=entry, changes={"retention_years": 20, "title": "Chương trình công tác"}
    )
    filing.file_heading_update(
        actor=office.clerk, heading=entry, changes={"retention_years": 20}
    )  # no change

    entry.refresh_from_db()
    assert (entry.retention_years, entry.title) == (20, "Chương trình công tác")
    audit = AuditEntry.objects.get(event="documents.file_heading_update")
    assert audit.changes["retention_years"] == [None, 20]
    with pytest.raises(ValidationError):
        filing.file_heading_update(actor=office.clerk, heading=entry, changes={"org": tree.xb})


def test_documents_are_filed_moved_and_taken_out_of_files_of_their_own_unit(office, tree):
    first, second = heading(office, tree), heading(office, tree, code="02.TH", title="Báo cáo")
    other_unit = heading(office, tree, actor=office.clerk_b, org=tree.xb)
    document = incoming(office, tree)

    services.document_file(actor=office.clerk, document=document, heading=first)
    services.document_file(actor=office.clerk, document=document, heading=second)
    with pytest.raises(ValidationError, match="không thuộc danh mục"):
        services.document_file(actor=office.clerk, document=document, heading=other_unit)
    with pytest.raises(PermissionDenied):
        services.document_file(actor=office.clerk_b, document=document, heading=other_unit)
    document.refresh_from_db()
    assert document.filed_in == second
    services.document_file(actor=office.clerk, document=document, heading=None)

    document.refresh_from_db()
    assert document.filed_in is None
    events = list(
        AuditEntry.objects.filter(event__in=["documents.file", "documents.unfile"])
        .order_by("pk")
        .values_list("event", "changes")
    )
    assert events == [
        ("documents.file", {"filed_in": [None, first.pk]}),
        ("documents.file", {"filed_in": [first.pk, second.pk]}),
        ("documents.unfile", {"filed_in": [second.pk, None]}),
    ]


def test_a_draft_is_not_filed_and_a_file_holding_documents_is_not_deleted(office, tree):
    entry = heading(office, tree)
    draft = services.document_draft(
        actor=office.clerk, org=tree.xa, doc_type="NQ", subject="về chuyển đổi số"
    )
    filed = incoming(office, tree)
    services.document_file(actor=office.clerk, document=filed, heading=entry)

    with pytest.raises(ValidationError, match="Chỉ lập hồ sơ văn bản đã vào sổ"):
        services.document_file(actor=office.clerk, document=draft, heading=entry)
    with pytest.raises(ValidationError, match="Hồ sơ đang có 1 văn bản"):
        filing.file_heading_delete(actor=office.clerk, heading=entry)
    assert FileHeading.objects.filter(pk=entry.pk).exists()

    services.document_file(actor=office.clerk, document=filed, heading=None)
    filing.file_heading_delete(actor=office.clerk, heading=entry)
    assert not FileHeading.objects.filter(pk=entry.pk).exists()
    assert AuditEntry.objects.get(event="documents.file_heading_delete").data["code"] == "01.TH"


def test_completing_a_document_files_it_only_in_a_file_of_its_unit(office, tree):
    other_unit = heading(office, tree, actor=office.clerk_b, org=tree.xb)
    document = incoming(office, tree)

    with pytest.raises(ValidationError):
        services.document_complete(
            actor=office.clerk, document=document, result="information", file_in=other_unit
        )

    document.refresh_from_db()
    assert (document.status, document.filed_in) == ("registered", None)


def test_a_years_list_starts_from_the_last_ones(office, tree):
    heading(office, tree, year=2025)
    heading(office, tree, year=2025, code="02.TH", title="Báo cáo", retention_years=20)
    heading(office, tree, year=2026, code="02.TH", title="Báo cáo năm nay", retention_years=10)

    added = filing.file_heading_copy_year(actor=office.clerk, org=tree.xa, from_year=2025, to_year=2026)

    assert added == 1
    rows = FileHeading.objects.filter(org=tree.xa, year=2026).order_by("code")
    assert [(h.code, h.title, h.retention_years) for h in rows] == [
        ("01.TH", "Nghị quyết, chương trình công tác năm của Đảng ủy", None),
        ("02.TH", "Báo cáo năm nay", 10),  # kept as it was
    ]
    assert AuditEntry.objects.get(event="documents.file_heading_copy_year").data == {
        "from_year": 2025,
        "to_year": 2026,
        "added": 1,
    }


# --- Pages ----------------------------------------------------------------------------------------------


def test_the_list_page_shows_the_units_files_with_retention_and_counts(office, tree):
    entry = heading(office, tree)
    heading(
        office, tree, code="05.VP", title="Sổ công văn đi, đến", retention_years=10, section="II. Văn phòng"
    )
    heading(office, tree, actor=office.clerk_b, org=tree.xb, title="Hồ sơ của phường")
    services.document_file(actor=office.clerk, document=incoming(office, tree), heading=entry)
    client = Client()
    client.force_login(office.clerk)

    page = client.get("/documents/files/").content.decode()  # the clerk's own unit, this year

    assert "Danh mục hồ sơ năm 2026" in page
    assert "I. Tổng hợp" in page
    assert "II. Văn phòng" in page
    assert "Vĩnh viễn" in page
    assert "10 năm" in page
    assert "Hồ sơ của phường" not in page
    assert 'data-testid="new-file-heading"' in page
    assert f'href="/documents/files/{entry.pk}/"' in page


def test_a_clerk_adds_a_file_through_the_form_and_a_missing_period_is_asked_for(office, tree):
    client = Client()
    client.force_login(office.clerk)
    values = {"org": tree.xa.code, "year": "2026", "code": "03.TC", "title": "Hồ sơ kết nạp đảng viên"}

    missing = client.post("/documents/files/new/", values)
    both = client.post("/documents/files/new/", values | {"permanent": "on", "retention_years": "5"})
    saved = client.post("/documents/files/new/", values | {"retention_years": "70"})

    assert (
        "Ghi số năm bảo quản, chọn “Bảo quản vĩnh viễn”, hoặc chọn nhóm tài liệu." in missing.content.decode()
    )
    assert "Bảo quản vĩnh viễn thì không ghi số năm." in both.content.decode()
    assert saved.status_code == 302
    assert saved["Location"] == f"/documents/files/?org={tree.xa.code}&year=2026"
    assert FileHeading.objects.get().retention_label == "70 năm"


def test_a_leader_reads_the_list_but_may_not_change_it(office, tree):
    entry = heading(office, tree)
    client = Client()
    client.force_login(office.leader)

    page = client.get(f"/documents/files/?org={tree.xa.code}&year=2026").content.decode()
    edit = client.get(f"/documents/files/{entry.pk}/edit/")
    delete = client.post(f"/documents/files/{entry.pk}/delete/")

    assert "Nghị quyết, chương trình công tác năm của Đảng ủy" in page
    assert 'data-testid="new-file-heading"' not in page
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert FileHeading.objects.filter(pk=entry.pk).exists()


def test_the_files_page_lists_its_documents_and_hides_secret_ones_from_the_uncleared(office, tree):
    entry = heading(office, tree)
    ordinary = incoming(office, tree)
    secret = incoming(office, tree, subject="Báo cáo tình hình an ninh", secrecy="toi-mat")
    services.document_file(actor=office.clerk, document=ordinary, heading=entry)
    services.document_file(actor=office.clerk, document=secret, heading=entry)
    reader = office.leader  # lãnh đạo: cleared for TỐI MẬT
    clerk = Client()
    clerk.force_login(office.clerk)  # văn thư: cleared for MẬT only
    leader = Client()
    leader.force_login(reader)

    clerk_page = clerk.get(f"/documents/files/{entry.pk}/").content.decode()
    leader_page = leader.get(f"/documents/files/{entry.pk}/").content.decode()
    outsider = Client()
    outsider.force_login(office.clerk_b)

    assert "Công văn về báo cáo số liệu" in clerk_page
    assert "Báo cáo tình hình an ninh" not in clerk_page
    assert "Báo cáo tình hình an ninh" in leader_page
    assert outsider.get(f"/documents/files/{entry.pk}/").status_code == 404


def test_a_clerk_files_a_document_from_its_page(office, tree):
    entry = heading(office, tree)
    document = incoming(office, tree)
    client = Client()
    client.force_login(office.clerk)

    detail = client.get(document.get_absolute_url()).content.decode()
    form = client.get(f"/documents/{document.pk}/filing/").content.decode()
    response = client.post(f"/documents/{document.pk}/filing/", {"heading": entry.pk})

    assert "Chưa lập hồ sơ" in detail
    assert 'data-testid="file-document"' in detail
    assert "2026 · 01.TH — Nghị quyết, chương trình công tác năm của Đảng ủy (Vĩnh viễn)" in form
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.filed_in == entry
    assert "01.TH — Nghị quyết" in client.get(document.get_absolute_url()).content.decode()


def test_the_printable_list_as_xlsx_reads_back_in_the_office_layout(office, tree):
    entry = heading(office, tree)
    heading(office, tree, code="02.TH", title='=HYPERLINK("http://x.example","Xem")', retention_years=5)
    services.document_file(actor=office.clerk, document=incoming(office, tree), heading=entry)
    client = Client()
    client.force_login(office.clerk)

    response = client.get(f"/documents/files/export/?org={tree.xa.code}&year=2026&format=xlsx")

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="danh-muc-ho-so-{tree.xa.code}-2026.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "DANH MỤC HỒ SƠ NĂM 2026"
    assert rows[1][0] == f"Đơn vị: {tree.xa.name} — ngày in: 01/12/2026"
    assert rows[3] == [
        "Số và ký hiệu hồ sơ",
        "Tên đề mục và tiêu đề hồ sơ",
        "Thời hạn bảo quản",
        "Đơn vị, người lập hồ sơ",
        "Số văn bản",
        "Ghi chú",
    ]
    assert rows[4:] == [
        ["", "I. TỔNG HỢP", "", "", "", ""],
        [
            "01.TH",
            "Nghị quyết, chương trình công tác năm của Đảng ủy",
            "Vĩnh viễn",
            "Văn phòng Đảng ủy",
            1,
            "",
        ],
        ["02.TH", '=HYPERLINK("http://x.example","Xem")', "5 năm", "Văn phòng Đảng ủy", 0, ""],
    ]
    assert sheet.cell(row=7, column=2).data_type == "s"  # text, never a live formula
    entry = AuditEntry.objects.get(event="documents.export_file_list")
    assert (entry.actor, entry.data) == (office.clerk, {"format": "xlsx", "rows": 2})


def test_the_printable_list_as_pdf_carries_the_heading_and_the_periods(office, tree, tmp_path):
    heading(office, tree)
    heading(office, tree, code="02.TH", title="Báo cáo sơ kết, tổng kết", retention_years=20)
    api = api_for(office.clerk)

    response = api.get(f"/api/v1/documents/files/export?year=2026&format=pdf&org={tree.xa.pk}")
    empty = api.get("/api/v1/documents/files/export?year=2024&format=pdf")  # the caller's own unit

    assert response.status_code == 200, response.content
    text = pdftotext(response.content, tmp_path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "DANH MỤC HỒ SƠ NĂM 2026" in text
    assert "Vĩnh viễn" in text
    assert "20 năm" in text
    assert "Báo cáo sơ kết, tổng kết" in text
    assert "Danh mục chưa có hồ sơ nào." in pdftotext(empty.content, tmp_path)


# --- API --------------------------------------------------------------------------------------------------


def test_the_api_adds_lists_changes_and_removes_files_and_files_a_document(office, tree):
    api = api_for(office.clerk)
    created = api.post(
        "/api/v1/documents/files",
        {"org": tree.xa.pk, "year": 2026, "code": "01.TH", "title": "Nghị quyết", "retention_years": None},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    heading_id = created.json()["id"]
    assert (created.json()["retention"], created.json()["retention_years"]) == ("Vĩnh viễn", None)
    document = incoming(office, tree)

    filed = api.post(
        f"/api/v1/documents/{document.pk}/filing",
        {"file_heading": heading_id},
        content_type="application/json",
    )
    listed = api.get("/api/v1/documents/files?year=2026")
    changed = api.patch(
        f"/api/v1/documents/files/{heading_id}", {"retention_years": 10}, content_type="application/json"
    )
    refused = api.delete(f"/api/v1/documents/files/{heading_id}")

    assert filed.status_code == 200
    assert filed.json()["file_heading"] == heading_id
    assert [(r["code"], r["documents"]) for r in listed.json()["results"]] == [("01.TH", 1)]
    assert changed.json()["retention"] == "10 năm"
    assert changed.json()["filed"] == [
        {
            "id": document.pk,
            "direction": "incoming",
            "number": "15-CV/TU",
            "incoming_number": 1,
            "subject": "Công văn về báo cáo số liệu",
            "doc_type": "CV",
        }
    ]
    assert refused.status_code == 422
    assert (
        api.post(
            f"/api/v1/documents/{document.pk}/filing", {"file_heading": None}, content_type="application/json"
        ).json()["file_heading"]
        is None
    )
    assert api.delete(f"/api/v1/documents/files/{heading_id}").status_code == 204


def test_the_api_keeps_to_the_callers_units_and_bounds_its_input(office, tree):
    entry = heading(office, tree)
    document = incoming(office, tree)
    outsider = api_for(office.clerk_b)
    clerk = api_for(office.clerk)

    assert outsider.get(f"/api/v1/documents/files/{entry.pk}").status_code == 404
    assert outsider.get(f"/api/v1/documents/files?year=2026&org={tree.xa.pk}").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/documents/{document.pk}/filing",
            {"file_heading": entry.pk},
            content_type="application/json",
        ).status_code
        == 404
    )
    too_long = clerk.post(
        "/api/v1/documents/files",
        {"org": tree.xa.pk, "year": 2026, "code": "x" * 41, "title": "T", "retention_years": 5},
        content_type="application/json",
    )
    too_many_years = clerk.post(
        "/api/v1/documents/files",
        {"org": tree.xa.pk, "year": 2026, "code": "09", "title": "T", "retention_years": 500},
        content_type="application/json",
    )
    assert (too_long.status_code, too_many_years.status_code) == (422, 422)
    assert FileHeading.objects.count() == 1
    assert Document.objects.get(pk=document.pk).filed_in is None


def test_the_list_reads_the_same_number_of_queries_for_one_or_three_files(office, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = list(filing.headings(office.clerk, org=tree.xa, year=2026))
        return len(captured), len(rows)

    heading(office, tree)
    one = queries()
    heading(office, tree, code="02")
    heading(office, tree, code="03")
    three = queries()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]
