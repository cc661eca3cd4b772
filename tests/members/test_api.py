"""The members API contract: fields, partial dates, scoping, lifecycle verbs, party age, statistics."""

from datetime import date

import pytest
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.members.models import Member
from tests.api.test_api import assert_conforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def api(user):
    _row, token = api_token_create(actor=user, user=user)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def create(client, auth, **fields):
    return client.post("/api/v1/members", fields, content_type="application/json", **auth)


BASE = {
    "full_name": "Nguyễn Văn Đức",
    "sex": "male",
    "birth_date": "1980-05-12",
    "cccd": "001080123456",
    "status": "official",
    "admitted_on": "2005-03-01",
    "ceremony_on": "2005-03-20",
    "recognized_on": "2006-03-20",
}


def test_create_read_and_list_a_member(people, tree, schema):
    client, auth = api(people.secretary)
    response = create(client, auth, org=tree.a1.pk, **BASE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert_conforms(schema, "/api/v1/members", "post", response)
    assert (body["full_name"], body["birth_date"], body["cccd"], body["org"]) == (
        "Nguyễn Văn Đức",
        "1980-05-12",
        "001080123456",
        tree.a1.pk,
    )
    listed = client.get("/api/v1/members", {"q": "nguyen van duc"}, **auth)
    assert_conforms(schema, "/api/v1/members", "get", listed)
    assert listed.json()["count"] == 1
    row = listed.json()["results"][0]
    assert row == {
        "id": body["id"],
        "full_name": "Nguyễn Văn Đức",
        "sex": "male",
        "birth_date": "1980-05-12",
        "status": "official",
        "org": tree.a1.pk,
        "org_name": "Chi bộ thôn 1",
        "cccd": "••••••••3456",
    }
    file = client.get(f"/api/v1/members/{body['id']}", **auth)
    assert file.json()["cccd"] == "001080123456"
    assert AuditEntry.objects.filter(action="view", object_id=str(body["id"])).count() == 1


@pytest.mark.parametrize(
    ("given", "stored"),
    [("1970-05", "1970-05"), ("1970", "1970"), ("05/1970", "1970-05"), ("12/05/1970", "1970-05-12")],
)
def test_partial_birth_dates(people, tree, given, stored):
    client, auth = api(people.secretary)
    response = create(client, auth, org=tree.a1.pk, full_name="Lò Văn Pao", sex="male", birth_date=given)
    assert response.status_code == 201, response.content
    assert response.json()["birth_date"] == stored


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cccd": "12345"}, "cccd", "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),
        ({"birth_date": "1980-02-31"}, "birth_date", "Ngày không tồn tại."),
        (
            {"recognized_on": "2004-01-01"},
            "recognized_on",
            "Ngày công nhận chính thức phải sau ngày kết nạp.",
        ),
        (
            {"admitted_on": "2099-01-01", "ceremony_on": None, "recognized_on": None},
            "admitted_on",
            "Ngày không được ở tương lai.",
        ),
        ({"ethnicity": "Không có"}, "ethnicity", "Không có “Không có” trong danh mục."),
    ],
)
def test_bad_member_data_gets_422_and_writes_nothing(people, tree, changes, field, message):
    client, auth = api(people.secretary)
    response = create(client, auth, org=tree.a1.pk, **(BASE | changes))
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert {"field": field, "message": message} in [{k: d[k] for k in ("field", "message")} for d in details]
    assert not Member.objects.exists()


def test_duplicate_cccd_is_refused(people, tree):
    client, auth = api(people.province)
    assert create(client, auth, org=tree.a1.pk, **BASE).status_code == 201
    second = create(client, auth, org=tree.b1.pk, **(BASE | {"full_name": "Người Khác"}))
    assert second.status_code == 422
    assert Member.objects.count() == 1


def test_scoping_404_outside_403_without_the_right(people, tree):
    admin_client, admin_auth = api(people.admin)
    member_id = create(admin_client, admin_auth, org=tree.b1.pk, **BASE).json()["id"]
    client, auth = api(people.secretary)  # A1 only
    assert client.get(f"/api/v1/members/{member_id}", **auth).status_code == 404
    assert client.get("/api/v1/members", **auth).json()["count"] == 0
    assert (
        create(client, auth, org=tree.b1.pk, **(BASE | {"cccd": None})).status_code == 422
    )  # unit not found for them
    clerk, clerk_auth = api(people.clerk)  # sees units, not members
    assert clerk.get("/api/v1/members", **clerk_auth).json()["count"] == 0
    assert create(clerk, clerk_auth, org=tree.a1.pk, **(BASE | {"cccd": None})).status_code == 403
    patched = client.patch(
        f"/api/v1/members/{member_id}", {"phone": "0912345678"}, content_type="application/json", **auth
    )
    assert patched.status_code == 404
    assert Member.objects.get(pk=member_id).phone == ""


def test_patch_corrects_the_file_and_refuses_status_changes(people, tree):
    client, auth = api(people.secretary)
    member_id = create(client, auth, org=tree.a1.pk, **BASE).json()["id"]
    response = client.patch(
        f"/api/v1/members/{member_id}",
        {"phone": "0912 345 678", "hometown": "Nam Định"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["hometown"]) == ("0912 345 678", "Nam Định")
    entry = AuditEntry.objects.filter(event="members.update").get()
    assert entry.changes["hometown"] == ["", "Nam Định"]
    ignored = client.patch(
        f"/api/v1/members/{member_id}", {"status": "expelled"}, content_type="application/json", **auth
    )
    assert Member.objects.get(pk=member_id).status == "official"
    assert ignored.status_code == 200  # unknown fields are not part of the schema and are ignored


def test_party_age_endpoint(people, tree, schema):
    client, auth = api(people.secretary)
    member_id = create(client, auth, org=tree.a1.pk, **BASE).json()["id"]
    response = client.get(f"/api/v1/members/{member_id}/party-age", {"on": "2026-03-01"}, **auth)
    assert response.json() == {"years": 21, "months": 0, "days": 0}
    assert_conforms(schema, "/api/v1/members/{member_id}/party-age", "get", response)
    assert (
        client.get(f"/api/v1/members/{member_id}/party-age", {"on": "2001-01-01"}, **auth).status_code == 422
    )
    assert (
        client.get(f"/api/v1/members/{member_id}/party-age", {"on": "2026-02-30"}, **auth).status_code == 422
    )


def test_lifecycle_verbs_over_the_api(people, tree):
    client, auth = api(people.province)
    member = create(
        client,
        auth,
        org=tree.a1.pk,
        full_name="Lê Thị Hoa",
        sex="female",
        birth_date="2000-06-01",
        status="probationary",
        admitted_on="2025-02-01",
        ceremony_on="2025-02-13",
    ).json()
    early = client.post(
        f"/api/v1/members/{member['id']}/recognize",
        {"decided_on": "2026-01-05", "decision": "3-QĐ/TU"},
        content_type="application/json",
        **auth,
    )
    assert early.status_code == 422
    assert "Chưa hết 12 tháng dự bị" in early.json()["error"]["message"]
    extended = client.post(
        f"/api/v1/members/{member['id']}/extend-probation",
        {
            "working_days": 30,
            "on": "2026-02-24",
            "reason": "Chờ xác minh lý lịch",
            "resolution_on": "2026-02-23",
        },
        content_type="application/json",
        **auth,
    )
    assert extended.status_code == 200, extended.content
    # The committee's 30 working days from the chi bộ's resolution, extended by 30 (Giỗ Tổ, 30/4, 1/5).
    assert extended.json()["recognition_due_on"] == "2026-05-21"
    again = client.post(
        f"/api/v1/members/{member['id']}/extend-probation",
        {"working_days": 5, "on": "2026-02-25", "reason": "Thêm"},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 422
    assert "chỉ được gia hạn một lần" in again.json()["error"]["message"]
    ok = client.post(
        f"/api/v1/members/{member['id']}/recognize",
        {"decided_on": "2026-03-01", "decision": "4-QĐ/TU"},
        content_type="application/json",
        **auth,
    )
    assert (ok.json()["status"], ok.json()["recognized_on"]) == ("official", "2026-02-13")
    out = client.post(
        f"/api/v1/members/{member['id']}/transfer-out",
        {"kind": "official", "to_org": tree.b1.pk, "issued_on": "2026-03-02", "letter_number": "7/GGT"},
        content_type="application/json",
        **auth,
    )
    assert out.json()["status"] == "transferring"
    receiver, receiver_auth = api(people.outsider)
    got = receiver.post(
        f"/api/v1/members/{member['id']}/receive",
        {"received_on": "2026-03-05"},
        content_type="application/json",
        **receiver_auth,
    )
    assert got.status_code == 200, got.content
    assert (got.json()["status"], got.json()["org"]) == ("official", tree.b1.pk)


def test_member_stats_for_a_subtree(people, tree, schema):
    client, auth = api(people.province)
    create(client, auth, org=tree.a1.pk, **BASE)
    create(
        client,
        auth,
        org=tree.a2.pk,
        full_name="Trần Thị Mai",
        sex="female",
        birth_date="1995-01-01",
        status="probationary",
        admitted_on="2025-06-01",
        ceremony_on="2025-06-10",
    )
    create(client, auth, org=tree.b1.pk, full_name="Lê Văn Sáu", sex="male", birth_date="1950")
    stats = client.get(
        f"/api/v1/orgs/{tree.xa.pk}/member-stats",
        {"period_from": "2025-01-01", "period_to": "2026-01-01"},
        **auth,
    ).json()
    assert stats["total"] == 2
    assert stats["by_status"] == {
        "probationary": 1,
        "official": 1,
        "exempt": 0,
        "transferring": 0,
        "total": 2,
    }
    assert stats["by_sex"] == {"female": 1, "male": 1}
    assert (stats["by_age_band"]["31–40"], stats["by_age_band"]["41–50"]) == (1, 1)  # 31 and 45 on 1/1/2026
    assert stats["admitted_in_period"] == 1
    clerk, clerk_auth = api(people.clerk)
    assert clerk.get(f"/api/v1/orgs/{tree.xa.pk}/member-stats", **clerk_auth).status_code == 403


def test_list_counts_agree_with_or_without_the_rollups(people, tree):
    client, auth = api(people.province)
    for i in range(3):
        create(
            client,
            auth,
            org=tree.a1.pk,
            **(BASE | {"full_name": f"Người Thứ {i}", "cccd": f"00108000090{i}"}),
        )
    official = client.get("/api/v1/members", {"org": tree.xa.pk, "status": "official"}, **auth).json()
    everyone = client.get("/api/v1/members", {"org": tree.xa.pk}, **auth).json()
    named = client.get(
        "/api/v1/members", {"org": tree.xa.pk, "status": "official", "q": "nguoi"}, **auth
    ).json()
    assert official["count"] == len(official["results"]) == 3  # from the roll-ups
    assert everyone["count"] == len(everyone["results"]) == 3  # counted
    assert named["count"] == 3


@pytest.mark.parametrize(
    ("verb", "status", "expected"),
    [
        ("remove", "official", "removed"),
        ("leave", "official", "left"),
        ("exempt", "official", "exempt"),
        ("end-probation", "probationary", "removed"),
    ],
)
@pytest.mark.parametrize("channel", ["api", "screen"])
def test_dated_verbs_from_the_api_and_the_screen_record_the_date_and_reason(
    people, tree, verb, status, expected, channel
):
    fields = BASE | {"status": status}
    if status == "probationary":
        fields = fields | {"admitted_on": "2025-06-01", "ceremony_on": "2025-06-15", "recognized_on": None}
    client, auth = api(people.province)
    member_id = create(client, auth, org=tree.a1.pk, **fields).json()["id"]
    payload = {"on": "2026-03-02", "reason": "Lý do ghi rõ", "decision": "15-QĐ/ĐU"}
    # Removal and leaving record their ground (re-admission reads it).
    payload |= {"remove": {"ground": "removal.unpaid_fees"}, "leave": {"ground": "leave.applied"}}.get(
        verb, {}
    )
    if channel == "api":
        response = client.post(
            f"/api/v1/members/{member_id}/{verb}", payload, content_type="application/json", **auth
        )
        assert response.json()["status"] == expected
    else:
        page = Client()
        page.force_login(people.province)
        page.post(f"/members/{member_id}/{verb}/", payload)
    member = Member.objects.get(pk=member_id)
    assert (member.status, member.status_changed_on) == (expected, date(2026, 3, 2))
    change = member.status_changes.order_by("-pk").first()
    assert change.reason == "Lý do ghi rõ"
