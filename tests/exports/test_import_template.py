"""The import template: recognised headers, an example row that imports cleanly, drop-down lists from
the reference tables and the user's own chi bộ codes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dangvu.members.importer import auto_mapping, run_import
from dangvu.members.models import Member

pytestmark = pytest.mark.django_db


def test_the_template_maps_every_column_and_its_example_imports(people, tree, client):
    client.force_login(people.province)
    response = client.get("/members/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-dang-vien.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Đảng viên"]
    headers = [c.value for c in sheet[1]]
    mapping = auto_mapping(headers)
    assert len(mapping) == len(headers)  # every header is one the importer recognises
    assert mapping["Họ và tên *"] == "full_name"
    assert sheet.freeze_panes == "A2"
    assert book["Danh mục"].sheet_state == "hidden"
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"B2", "E2", "F2", "J2", "K2", "Q2"}
    reference = book["Danh mục"]
    units = [c.value for c in reference["E"][1:] if c.value]
    assert units == ["A1", "A2", "B1"]  # the chi bộ where the province may import, in tree order
    assert sheet["E2"].value == "A1"

    report = run_import(
        actor=people.province,
        org=tree.root,
        upload=SimpleUploadedFile("mau.xlsx", response.content),
        dry_run=False,
    )
    assert (report.problems, report.created) == ([], 1)
    member = Member.objects.get()
    assert (member.full_name, member.org_id, member.ethnicity.name) == ("Nguyễn Văn An", tree.a1.pk, "Kinh")


def test_only_those_who_may_import_get_the_template(people, client):
    client.force_login(people.nobody)
    assert client.get("/members/import/template.xlsx").status_code == 403
