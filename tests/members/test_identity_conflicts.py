"""The reviewing unit settles a citizen-ID conflict (dangvu.members.identity): its page and the API, one
service, scoped to whoever manages members in the unit that sees both records; the number stays masked;
settled conflicts leave the work list; anyone else gets 404 and changes nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.members.identity import identity_conflict_resolve
from dangvu.members.models import IdentityConflict
from dangvu.members.services import member_create
from dangvu.web.shell import work_sections
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db
TAKEN = "001080012345"
TODAY = date(2026, 12, 1)


@pytest.fixture
def conflict(people, tree):
    """A board of XA tried TAKEN, which a member of B1 (under XB) holds: the province reviews it."""
    existing = member_create(
        actor=people.admin, org=tree.b1, full_name="Lê Thị Mai", sex="female", cccd=TAKEN
    )
    board = make_user("xaboard")
    grant(board, "ban-to-chuc", tree.xa)
    with pytest.raises(ValidationError):
        member_create(actor=board, org=tree.a1, full_name="Nguyễn Văn An", sex="male", cccd=TAKEN)
    row = IdentityConflict.objects.get()
    assert (row.existing, row.reviewer_org) == (existing, tree.root)
    return row


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def _api(user):
    token = api_token_create(actor=user, user=user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _state():
    return (
        list(IdentityConflict.objects.values_list("pk", "resolved_at", "outcome", "resolution_note")),
        AuditEntry.objects.count(),
    )


def _sections(user):
    return {section.key: section for section in work_sections(user, TODAY)}


def test_the_work_list_entry_opens_the_page_with_the_number_masked(people, conflict):
    section = _sections(people.province)["members.identity_conflicts"]
    assert [item.url for item in section.items] == [f"/members/identity-conflicts/{conflict.pk}/"]
    assert section.url == "/members/identity-conflicts/"
    html = _web(people.province).get(section.items[0].url).content.decode()
    assert "••••••••2345" in html
    assert TAKEN not in html
    listing = _web(people.province).get("/members/identity-conflicts/").content.decode()
    assert "••••••••2345" in listing
    assert TAKEN not in listing


def test_the_reviewer_settles_it_on_the_page_and_it_leaves_the_work_list(people, conflict):
    audited = AuditEntry.objects.order_by("pk").last().pk
    response = _web(people.province).post(
        f"/members/identity-conflicts/{conflict.pk}/",
        {"outcome": "different_people", "note": "Số của anh An là 001080012346, đơn vị nhập nhầm."},
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.outcome, conflict.resolved_by, conflict.resolved_at is not None) == (
        "different_people",
        people.province,
        True,
    )
    assert conflict.resolution_note == "Số của anh An là 001080012346, đơn vị nhập nhầm."
    entry = AuditEntry.objects.get(event="members.identity_conflict_resolve")
    assert (entry.actor, entry.org_id, entry.data["outcome"]) == (
        people.province,
        conflict.reviewer_org_id,
        "different_people",
    )
    assert AuditEntry.objects.filter(pk__gt=audited, event__startswith="members.").count() == 1
    assert "members.identity_conflicts" not in _sections(people.province)
    # The page now shows the outcome and offers no form.
    html = _web(people.province).get(f"/members/identity-conflicts/{conflict.pk}/").content.decode()
    assert "Hai người khác nhau" in html
    assert 'name="outcome"' not in html


def test_a_note_is_required(people, conflict):
    web = _web(people.province)
    before = _state()
    response = web.post(
        f"/members/identity-conflicts/{conflict.pk}/", {"outcome": "dismissed", "note": "   "}
    )
    assert response.status_code == 200
    assert _state() == before


@pytest.mark.parametrize("who", ["outsider", "secretary", "clerk", "nobody", "reporter"])
def test_users_outside_the_reviewing_unit_get_404_and_change_nothing(people, conflict, who):
    user = conflict.reported_by if who == "reporter" else getattr(people, who)
    web, api = _web(user), _api(user)
    before = _state()
    url = f"/members/identity-conflicts/{conflict.pk}/"
    assert web.get(url).status_code == 404
    assert web.post(url, {"outcome": "dismissed", "note": "x"}).status_code == 404
    answer = api.post(
        f"/api/v1/identity-conflicts/{conflict.pk}/resolve",
        json.dumps({"outcome": "dismissed", "note": "x"}),
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert api.get(f"/api/v1/identity-conflicts/{conflict.pk}").status_code == 404
    assert api.get("/api/v1/identity-conflicts").json() == {"count": 0, "results": []}
    assert _state() == before


def test_the_service_refuses_a_user_without_the_permission_over_the_reviewing_unit(people, conflict):
    before = _state()
    with pytest.raises(PermissionDenied):
        identity_conflict_resolve(actor=people.outsider, conflict=conflict, outcome="dismissed", note="x")
    assert _state() == before


def test_the_api_lists_and_resolves_the_same_way(people, conflict):
    api = _api(people.province)
    listed = api.get("/api/v1/identity-conflicts").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["id"], row["cccd"], row["status"], row["reported_by"]) == (
        conflict.pk,
        "••••••••2345",
        "open",
        "xaboard",
    )
    assert TAKEN not in json.dumps(listed, ensure_ascii=False)
    answer = api.post(
        f"/api/v1/identity-conflicts/{conflict.pk}/resolve",
        json.dumps({"outcome": "same_person", "note": "Cùng một người; đã gộp hồ sơ."}),
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["outcome"]) == ("resolved", "same_person")
    assert api.get("/api/v1/identity-conflicts").json()["count"] == 0
    assert api.get("/api/v1/identity-conflicts?status=resolved").json()["count"] == 1
    # Settled once: a second answer is refused and changes nothing.
    before = _state()
    again = api.post(
        f"/api/v1/identity-conflicts/{conflict.pk}/resolve",
        json.dumps({"outcome": "dismissed", "note": "Lần hai"}),
        content_type="application/json",
    )
    assert again.status_code == 422
    assert _state() == before


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "merged", "note": "x"},
        {"outcome": "dismissed", "note": ""},
        {"outcome": "dismissed", "note": "x" * 1001},
        {"outcome": "dismissed"},
    ],
)
def test_the_api_refuses_bad_input(people, conflict, body):
    api = _api(people.province)
    before = _state()
    answer = api.post(
        f"/api/v1/identity-conflicts/{conflict.pk}/resolve", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422
    assert _state() == before
