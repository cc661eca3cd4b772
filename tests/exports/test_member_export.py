"""The member list export: an office document (title, frozen bold header, widths, real dates, the
user's language, chosen columns); a large list is written by a background job with a progress page
and a download that only its owner may take; a killed job can be retried."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dangvu.audit.models import AuditEntry
from dangvu.core.jobs import ABANDONED, jobs_reap
from dangvu.core.models import Export, Job
from dangvu.core.spreadsheets.writer import Column, Sheet, write_table
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db

DEFAULT_HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Chi bộ",
    "Trạng thái",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Số thẻ đảng viên",
]


@pytest.fixture
def members(tree, admin_user):
    return [
        member_create(
            actor=admin_user,
            org=tree.a1,
            full_name="Trần Văn Đức",
            sex="male",
            birth_date=date(1980, 1, 2),
            admitted_on=date(2000, 3, 1),
            recognized_on=date(2001, 3, 1),
            hometown="Xã Hiệp Yên",
        ),
        member_create(
            actor=admin_user,
            org=tree.a1,
            full_name="Nguyễn Thị Anh",
            sex="female",
            birth_date=date(1975, 1, 1),
            birth_date_precision="year",
        ),
    ]


def book_of(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def test_small_export_is_an_office_document(people, members, client, tree):
    client.force_login(people.secretary)
    sheet = book_of(client.get("/members/export.xlsx")).active
    assert sheet["A1"].value == "DANH SÁCH ĐẢNG VIÊN"
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "Đơn vị: mọi đơn vị được xem — ngày xuất: 01/12/2026"
    header = [c.value for c in sheet[4]]
    assert header == DEFAULT_HEADER
    assert all(c.font.b for c in sheet[4])
    assert sheet.freeze_panes == "A5"
    assert sheet.column_dimensions["B"].width > 25  # names are not cut
    anh, duc = (list(r) for r in sheet.iter_rows(min_row=5, max_row=6))
    assert [c.value for c in anh][:4] == [1, "Nguyễn Thị Anh", "1975", "Nữ"]  # a partial date stays text
    assert (duc[2].value.date(), duc[2].number_format) == (date(1980, 1, 2), "dd/mm/yyyy")
    assert (duc[9].value.date(), duc[9].number_format) == (date(2000, 3, 1), "dd/mm/yyyy")
    assert [c.value for c in duc][6:9] == ["Xã Hiệp Yên", tree.a1.name, "Chính thức"]


def test_export_of_a_unit_names_it_and_keeps_chosen_columns_in_list_order(people, members, client, tree):
    client.force_login(people.province)
    response = client.get(
        "/members/export.xlsx", {"org": "A1", "col": ["recognized_on", "full_name", "nope"]}
    )
    sheet = book_of(response).active
    assert sheet["A2"].value == f"Đơn vị: {tree.a1.name} — ngày xuất: 01/12/2026"
    assert [c.value for c in sheet[4]] == ["STT", "Họ và tên", "Ngày chính thức"]
    assert [c.value for c in sheet[5]] == [1, "Nguyễn Thị Anh", None]
    assert AuditEntry.objects.get(action="export").data["filters"]["col"] == [
        "recognized_on",
        "full_name",
        "nope",
    ]


def test_export_labels_follow_the_users_language(people, members, client):
    people.secretary.language = "en"
    people.secretary.save(update_fields=["language"])
    client.force_login(people.secretary)
    sheet = book_of(client.get("/members/export.xlsx")).active
    assert sheet["A1"].value == "LIST OF PARTY MEMBERS"
    assert [c.value for c in sheet[4]][:4] == ["S/N", "Full name", "Date of birth", "Sex"]
    assert sheet["D6"].value == "Male"


def test_the_list_page_offers_a_column_chooser_keeping_the_filters(people, members, client):
    client.force_login(people.province)
    html = client.get("/members/", {"org": "A1", "sex": "male", "page": "1"}).content.decode()
    assert 'data-testid="export-columns"' in html
    assert '<input type="hidden" name="org" value="A1">' in html
    assert '<input type="hidden" name="page"' not in html
    assert 'name="col" value="full_name" id="col-full_name" checked' in html
    assert 'name="col" value="work_unit" id="col-work_unit">' in html


def test_a_large_export_runs_as_a_job_with_a_page_and_a_download_for_its_owner_only(
    people, members, client, settings, django_capture_on_commit_callbacks
):
    settings.DANGVU_EXPORT_INSTANT_MAX_ROWS = 1
    client.force_login(people.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/members/export.xlsx", {"status": "official", "page": "3"})
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.kind, export.params, export.expected_rows) == ("members.list", {"status": ["official"]}, 2)
    assert (export.status, export.processed_rows) == ("done", 2)
    assert Job.objects.get(kind="core.export").status == "done"
    page = client.get(f"/exports/{export.pk}/").content.decode()
    assert 'data-testid="export-download"' in page
    download = client.get(f"/exports/{export.pk}/file")
    assert download["Content-Disposition"] == 'attachment; filename="dang-vien-20261201.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert [r[1] for r in book.active.iter_rows(min_row=5, values_only=True)] == [
        "Nguyễn Thị Anh",
        "Trần Văn Đức",
    ]
    assert AuditEntry.objects.get(action="export").data["rows"] == 2

    client.force_login(people.province)  # someone else: the export does not exist for them
    assert client.get(f"/exports/{export.pk}/").status_code == 404
    assert client.get(f"/exports/{export.pk}/file").status_code == 404


def test_an_export_left_running_by_a_killed_worker_is_failed_then_retried(
    people, members, client, settings, django_capture_on_commit_callbacks
):
    settings.DANGVU_EXPORT_INSTANT_MAX_ROWS = 1
    client.force_login(people.secretary)
    export = Export.objects.create(
        kind="members.list", params={}, created_by=people.secretary, filename="x.xlsx", status="running"
    )
    Job.objects.create(
        kind="core.export",
        key=str(export.pk),
        status="running",
        attempts=1,
        worker="worker-host:4242",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert 'hx-trigger="every 2s"' in client.get(f"/exports/{export.pk}/").content.decode()
    assert jobs_reap() == 1
    export.refresh_from_db()
    assert (export.status, export.message) == ("failed", ABANDONED)
    assert 'data-testid="retry-export"' in client.get(f"/exports/{export.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/exports/{export.pk}/")
    export.refresh_from_db()
    assert (export.status, export.processed_rows, export.message) == ("done", 2, "")
    assert client.get(f"/exports/{export.pk}/file").status_code == 200


def test_a_long_table_continues_on_further_sheets(tmp_path):
    path = tmp_path / "long.xlsx"
    rows = ({"STT": n, "Tên": f"Người {n}"} for n in range(1, 8))
    written = write_table(
        str(path),
        Sheet("Đảng viên", "DANH SÁCH", "Đơn vị X"),
        [Column("number", "STT", 6, "number"), Column("name", "Tên", 20)],
        rows,
        expected_rows=7,
        per_sheet=3,
    )
    book = load_workbook(path)
    assert written == 7
    assert book.sheetnames == ["Đảng viên", "Đảng viên (2)", "Đảng viên (3)"]
    per_sheet = [[r[0] for r in s.iter_rows(min_row=5, values_only=True)] for s in book.worksheets]
    assert per_sheet == [[1, 2, 3], [4, 5, 6], [7]]
    assert all(s["A1"].value == "DANH SÁCH" and s["A4"].value == "STT" for s in book.worksheets)


@pytest.mark.libreoffice
def test_libreoffice_shows_dates_and_whole_names(people, members, client, tmp_path):
    import csv
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    client.force_login(people.secretary)
    source = tmp_path / "members.xlsx"
    source.write_bytes(client.get("/members/export.xlsx").content)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",  # as shown on screen
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows = list(csv.reader((tmp_path / "members.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[3] == DEFAULT_HEADER
    assert rows[5][:4] == ["2", "Trần Văn Đức", "02/01/1980", "Nam"]
    assert rows[5][9:11] == ["01/03/2000", "01/03/2001"]
    assert not any("###" in cell for row in rows for cell in row)


def test_an_empty_export_still_has_its_title_and_header(people, client):
    client.force_login(people.secretary)
    sheet = book_of(client.get("/members/export.xlsx", {"q": "không ai tên thế này"})).active
    assert sheet["A1"].value == "DANH SÁCH ĐẢNG VIÊN"
    assert [c.value for c in sheet[4]] == DEFAULT_HEADER
    assert sheet.freeze_panes == "A5"
    assert sheet.max_row == 4
