"""A new member's file has one set of rules (``dangvu.members.services.new_member``): the form, the API and
the import refuse the same values with the same messages, so a rule added to the service reaches all three."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangvu.members.importer import run_import
from dangvu.members.models import Member
from dangvu.members.services import NewMember, members_create_many, new_member
from tests.members.test_api import api

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Nguyễn Văn Đức",
    "sex": "male",
    "birth_date": "1980-05-12",
    "cccd": "001080123456",
    "admitted_on": "2005-03-01",
    "ceremony_on": "2005-03-20",
    "recognized_on": "2006-03-20",
    "status": "official",
    "phone": "0912345678",
    "hometown": "Xã An Phú",
}
# The import's column for each field, and how its cells are written.
COLUMNS = {
    "full_name": "Họ và tên",
    "sex": "Giới tính",
    "birth_date": "Ngày sinh",
    "cccd": "Số CCCD",
    "admitted_on": "Ngày vào Đảng",
    "ceremony_on": "Ngày lễ kết nạp",
    "recognized_on": "Ngày chính thức",
    "status": "Trạng thái",
    "phone": "Điện thoại",
    "hometown": "Quê quán",
}
STATUS_CELL = {"official": "Chính thức", "probationary": "Dự bị"}

# (case, changed values, the field whose messages are compared). Today is 2026-12-01 (tests/conftest.py).
CASES = [
    (
        "admitted before birth",
        {"admitted_on": "1979-01-01", "ceremony_on": "", "recognized_on": ""},
        "admitted_on",
    ),
    ("recognized before admitted", {"recognized_on": "2004-01-01"}, "recognized_on"),
    ("ceremony before the decision", {"ceremony_on": "2005-02-01"}, "ceremony_on"),
    ("probationer recognized", {"status": "probationary"}, "recognized_on"),
    (
        "admission in the future",
        {"admitted_on": "2027-01-01", "ceremony_on": "", "recognized_on": ""},
        "admitted_on",
    ),
    ("name like a formula", {"full_name": "+Nguyễn Văn Đức"}, "full_name"),
    ("CCCD not 12 digits", {"cccd": "12345"}, "cccd"),
    ("phone not a number", {"phone": "gọi cho tôi"}, "phone"),
    ("hometown too long", {"hometown": "Xã " + "A" * 300}, "hometown"),
]


def _dmy(iso):
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _through_api(user, org, values):
    client, auth = api(user)
    body = {key: value for key, value in values.items() if value != ""}
    response = client.post(
        "/api/v1/members", {**body, "org": org.pk}, content_type="application/json", **auth
    )
    assert response.status_code == 422, response.content
    return response.json()["error"]["details"]


def _through_form(client, user, org, values):
    client.force_login(user)
    data = {
        key: _dmy(value) if key in COLUMNS and key.endswith(("_on", "_date")) else value
        for key, value in values.items()
    }
    response = client.post(reverse("members:create"), {**data, "org": org.pk})
    assert response.status_code == 200  # the form again, with its errors
    return response.context["form"].errors


def _through_import(user, org, values):
    cells = []
    for key in COLUMNS:
        value = values[key]
        if key.endswith(("_on", "_date")):
            value = _dmy(value)
        elif key == "sex":
            value = "Nam" if value == "male" else "Nữ"
        elif key == "status":
            value = STATUS_CELL[value]
        cells.append(f'"{value}"')
    text = "\ufeff" + ",".join(COLUMNS.values()) + "\n" + ",".join(cells) + "\n"
    report = run_import(
        actor=user, org=org, upload=SimpleUploadedFile("m.csv", text.encode()), dry_run=False, mode="all"
    )
    assert report.created == 0
    return report.problems


@pytest.mark.parametrize(("case", "changes", "field"), CASES, ids=[case for case, _c, _f in CASES])
def test_the_form_the_api_and_the_import_refuse_the_same_values_with_the_same_messages(
    client, tree, people, case, changes, field
):
    values = {**GOOD, **changes}
    from_api = [d["message"] for d in _through_api(people.secretary, tree.a1, values) if d["field"] == field]
    from_form = _through_form(client, people.secretary, tree.a1, values)[field]
    from_import = [
        p.message for p in _through_import(people.secretary, tree.a1, values) if p.column == COLUMNS[field]
    ]
    assert from_api, case
    assert from_form == from_api
    assert from_import == from_api
    assert not Member.objects.exists()


def test_a_unit_above_the_chi_bo_is_refused_alike_by_the_service_and_the_import(tree, people):
    with pytest.raises(ValidationError) as refused:
        new_member(org=tree.xa, values={"full_name": "Lê Văn Bình", "sex": "male"})
    text = "\ufeffHọ và tên,Giới tính\nLê Văn Bình,Nam\n"
    report = run_import(actor=people.province, org=tree.xa, upload=SimpleUploadedFile("m.csv", text.encode()))
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "Đơn vị", refused.value.message_dict["org"][0])
    ]


def test_the_bulk_entry_point_takes_only_checked_members_and_checks_the_actor(tree, people):
    from django.core.exceptions import PermissionDenied

    checked = new_member(org=tree.b1, values={"full_name": "Lê Văn Bình", "sex": "male"})
    assert isinstance(checked, NewMember)
    with pytest.raises(PermissionDenied):
        members_create_many(actor=people.secretary, members=[checked])  # A1's secretary, a B1 member
    assert not Member.objects.exists()
    ids = members_create_many(actor=people.province, members=[checked])
    created = Member.objects.get(pk=ids[0])
    assert (
        created.full_name,
        created.org_id,
        created.status_changes.count(),
        created.org_periods.count(),
    ) == (
        "Lê Văn Bình",
        tree.b1.pk,
        1,
        1,
    )
