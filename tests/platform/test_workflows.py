"""Workflows as data: the member lifecycle runs on one registry, from which the web forms and the API
operations are generated; pages and the API offer only what the user can fire on the member now."""

from datetime import date

import pytest
from django.test import Client
from django.urls import resolve

from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.models import Member
from dangvu.members.services import member_create
from dangvu.members.views import member_verb
from dangvu.members.workflow import LIFECYCLE

pytestmark = pytest.mark.django_db


def test_the_api_verbs_and_the_web_forms_are_exactly_the_registry(client):
    schema = client.get("/api/v1/openapi.json").json()
    api_verbs = {
        path.rsplit("/", 1)[1]
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/members/{member_id}/") and "post" in operations
    } - {"proposals"}  # a resource of its own (the chi bộ's proposals), not a lifecycle verb
    registry = {name for t in LIFECYCLE.transitions for name in (t.name, *t.retired_api_paths)}
    assert api_verbs == registry
    for name in {t.name for t in LIFECYCLE.transitions} | {"no-such-verb"}:
        # The web's verb pages: one generated view for every verb of the registry, none of its own.
        assert resolve(f"/members/1/{name}/").func is member_verb
    for transition in LIFECYCLE.transitions:
        body = schema["paths"][f"/api/v1/members/{{member_id}}/{transition.name}"]["post"]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schema["components"]["schemas"][ref]["properties"]) == {i.name for i in transition.inputs}
        assert set(LIFECYCLE.form_class(transition.name)().fields) == {i.name for i in transition.inputs}
    retired = schema["paths"]["/api/v1/members/{member_id}/admit"]["post"]
    assert (retired["deprecated"], "requestBody" in retired) == (True, False)


def test_the_retired_admit_path_does_not_readmit(people, tree):
    """``/admit`` used to run re-admission: it now fires nothing and names the path to use."""
    member = member_create(
        actor=people.admin,
        org=tree.a1,
        full_name="Lê Văn Nam",
        sex="male",
        birth_date=date(1970, 5, 5),
        admitted_on=date(1995, 3, 1),
        recognized_on=date(1996, 3, 1),
    )
    lifecycle.member_remove(
        actor=people.admin,
        member=member,
        decided_on=date(2020, 6, 1),
        reason="Bỏ sinh hoạt",
        ground="removal.no_activity",
    )
    body = {"admitted_on": "2026-11-02", "ceremony_on": "2026-11-02", "decision": "12-QĐ/ĐU"}
    client = Client()
    client.force_login(people.province)  # may re-admit: the same body on /readmit would
    entries = AuditEntry.objects.count()
    response = client.post(f"/api/v1/members/{member.pk}/admit", body, content_type="application/json")
    assert response.status_code == 410
    error = response.json()["error"]
    assert error["code"] == "retired_path"
    assert "/readmit" in error["message"]
    assert "/readmit" in error["message_en"]
    assert Member.objects.get(pk=member.pk).status == "removed"
    assert AuditEntry.objects.count() == entries
    client.force_login(people.outsider)  # another commune's board: no hint that the file exists
    assert (
        client.post(f"/api/v1/members/{member.pk}/admit", body, content_type="application/json").status_code
        == 404
    )


@pytest.fixture
def deceased(tree, people):
    member = member_create(
        actor=people.admin,
        org=tree.a1,
        full_name="Trần Văn Đức",
        sex="male",
        birth_date=date(1940, 1, 2),
        admitted_on=date(1965, 3, 1),
        recognized_on=date(1966, 3, 1),
    )
    return lifecycle.member_mark_deceased(actor=people.admin, member=member, died_on=date(2026, 10, 1))


def test_the_member_page_offers_only_what_can_be_done_now(people, deceased):
    client = Client()
    client.force_login(people.secretary)
    html = client.get(f"/members/{deceased.pk}/").content.decode()
    offered = {t.name for t in LIFECYCLE.transitions if f'data-verb="{t.name}"' in html}
    # Discipline (QĐ 69 allows it for very serious violations after death; the chi bộ decides
    # khiển trách and cảnh cáo); never "xóa tên" or "từ trần" again. A posthumous badge is the
    # provincial standing committee's: the secretary proposes it.
    assert offered == {"discipline"}
    assert 'data-propose="badge"' in html
    client.force_login(people.province)
    html = client.get(f"/members/{deceased.pk}/").content.decode()
    assert {t.name for t in LIFECYCLE.transitions if f'data-verb="{t.name}"' in html} == {
        "badge",
        "discipline",
    }
    client.force_login(people.clerk)  # sees no member at all
    assert client.get(f"/members/{deceased.pk}/").status_code == 404


def test_a_verb_the_status_does_not_allow_is_refused_everywhere_with_the_reason(people, deceased):
    client = Client()
    client.force_login(people.province)  # the level that decides xóa tên (from above)
    entries = AuditEntry.objects.count()
    web = client.post(
        f"/members/{deceased.pk}/remove/",
        {"on": "02/10/2026", "reason": "Bỏ sinh hoạt", "decision": "1-QĐ", "ground": "removal.no_activity"},
    )
    assert web.status_code == 200
    assert "Không thể “Xóa tên” khi đang ở trạng thái “Từ trần”." in web.content.decode()
    api = client.post(
        f"/api/v1/members/{deceased.pk}/remove",
        {"on": "2026-10-02", "reason": "Bỏ sinh hoạt", "decision": "1-QĐ", "ground": "removal.no_activity"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "Từ trần" in api.json()["error"]["message"]
    assert Member.objects.get(pk=deceased.pk).status == "deceased"
    assert AuditEntry.objects.count() == entries


def test_a_verb_the_user_may_not_fire_is_403_and_unknown_verbs_404(people, deceased):
    client = Client()
    client.force_login(people.secretary)
    assert client.get(f"/members/{deceased.pk}/no-such-verb/").status_code == 404
    viewer = Client()
    me = people.nobody
    Member.objects.filter(pk=deceased.pk).update(user=me)
    viewer.force_login(me)  # sees their own file, may not act on it
    assert viewer.get(f"/members/{deceased.pk}/").status_code == 200
    assert viewer.get(f"/members/{deceased.pk}/badge/").status_code == 403
    refused = viewer.post(
        f"/api/v1/members/{deceased.pk}/badge",
        {"milestone": 60, "awarded_on": "2026-11-07", "posthumous": True, "decision": "219-QĐ/TU"},
        content_type="application/json",
    )
    assert refused.status_code == 403
