"""The request guard (dangvu.core.hostile): NUL characters, unbounded paging numbers, over-long search
text and loose API input types are refused with a clear 4xx naming the field, on every path.

Each case here answered 500 (PostgreSQL: NUL; both: huge offsets; SQLite: 60,000-character searches)
or 200 for nothing (``PATCH [null, null]``, the date ``0``) before the guard."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.members.models import Member
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db

HUGE = "23278607521560962007040"


def api(user):
    _row, token = api_token_create(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def member(people, tree):
    return member_create(
        actor=people.admin, org=tree.a1, full_name="Trần Văn Đức", sex="male", birth_date=date(1980, 1, 2)
    )


def _error(response, status, code, field):
    assert response.status_code == status, response.content[:300]
    body = response.json()["error"]
    assert body["code"] == code
    assert body["details"][0]["field"] in (field, f"payload.{field}")
    if code in ("nul_character", "out_of_range", "too_long"):
        assert field in body["message"]
        assert field in body["message_en"]
    return body


# --- NUL -------------------------------------------------------------------------------------------


def test_a_nul_in_a_query_parameter_is_refused_naming_it(people):
    response = api(people.admin).get("/api/v1/orgs/picker", {"perm": "members.manage", "q": "Chi\x00bộ"})
    body = _error(response, 400, "nul_character", "q")
    assert "NUL" in body["message"]


def test_a_nul_in_a_json_field_is_refused_and_nothing_is_written(people, tree):
    client = api(people.admin)
    before = (Member.objects.count(), AuditEntry.objects.count())
    response = client.post(
        "/api/v1/members",
        json.dumps({"org": tree.a1.pk, "full_name": "Trần\u0000Văn", "sex": "male"}),
        content_type="application/json",
    )
    _error(response, 400, "nul_character", "full_name")
    assert (Member.objects.count(), AuditEntry.objects.count()) == before


def test_a_nul_nested_in_a_json_body_is_named_by_its_path(people, member):
    response = api(people.admin).patch(
        f"/api/v1/members/{member.pk}",
        '{"notes": "ok", "extra": {"list": ["a", "b\\u0000"]}}',
        content_type="application/json",
    )
    _error(response, 400, "nul_character", "extra.list[1]")


def test_a_nul_in_a_form_field_is_refused_on_the_web(client, people):
    """The log-in form: axes would write the NUL into its attempt log (500 on PostgreSQL)."""
    response = client.post("/accounts/login/", {"username": "admin\x00", "password": "x"})
    assert response.status_code == 400
    assert "username" in response.content.decode()
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_web_query_string_is_refused(client, people):
    client.force_login(people.province)
    response = client.get("/members/", {"q": "Tr\x00"})
    assert response.status_code == 400
    assert "“q”" in response.content.decode()


def test_an_escaped_backslash_is_not_a_nul(people, member):
    response = api(people.admin).patch(
        f"/api/v1/members/{member.pk}", '{"notes": "C:\\\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.notes == "C:\\u0000"


# --- Bounds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("parameter", ["offset", "limit"])
@pytest.mark.parametrize("path", ["/api/v1/members", "/api/v1/orgs", "/api/v1/documents"])
def test_api_paging_parameters_are_bounded(people, member, path, parameter):
    response = api(people.admin).get(path, {parameter: HUGE})
    _error(response, 400, "out_of_range", parameter)


def test_an_id_beyond_64_bits_is_refused(people, member):
    response = api(people.admin).get("/api/v1/members", {"org": HUGE})
    _error(response, 400, "out_of_range", "org")


def test_a_60000_character_search_is_refused_with_a_message(client, people, member):
    client.force_login(people.province)
    response = client.get("/members/", {"q": "a" * 60_000})
    assert response.status_code == 400
    assert "tối đa 200 ký tự" in response.content.decode()
    assert api(people.admin).get("/api/v1/members", {"q": "a" * 60_000}).status_code in (400, 422)


def test_a_200_character_search_still_works(client, people, member):
    client.force_login(people.province)
    assert client.get("/members/", {"q": "a" * 200}).status_code == 200


def _pages_without_arguments(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    paths: list[str] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if "<" in route or route.startswith(("admin/", "api/", "i18n/", "jsi18n")) or "logout" in route:
            continue
        if isinstance(pattern, URLResolver):
            paths += _pages_without_arguments(pattern, route)
        elif isinstance(pattern, URLPattern) and "^" not in route:
            paths.append("/" + route)
    return sorted(set(paths))


def test_every_page_answers_hostile_paging_and_search_without_a_server_error(client, people, member):
    """Every page the URL conf has without arguments, as an administrator: huge page/offset/limit,
    a 60,000-character search and a NUL answer 400, never 500."""
    client.force_login(people.admin)
    pages = _pages_without_arguments()
    assert "/members/" in pages
    assert "/orgs/" in pages
    assert "/audit/" in pages
    for path in pages:
        for params in ({"page": HUGE}, {"offset": HUGE}, {"limit": HUGE}, {"q": "x" * 60_000}, {"q": "\x00"}):
            response = client.get(path, params)
            assert response.status_code == 400, (path, params, response.status_code)


# --- Strict input types ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "1", "2026-12-01T00:00:00", "20261201"])
def test_a_query_date_must_be_iso_text(people, value):
    response = api(people.admin).get(
        "/api/v1/calendar/working-days-between", {"start": value, "end": "2026-12-31"}
    )
    _error(response, 422, "validation_error", "start")


@pytest.mark.parametrize("value", [0, 1_700_000_000, "0", "2026-12-01T00:00:00"])
def test_a_body_date_must_be_iso_text(people, member, value):
    response = api(people.admin).patch(
        f"/api/v1/members/{member.pk}",
        json.dumps({"admitted_on": value}),
        content_type="application/json",
    )
    _error(response, 422, "validation_error", "admitted_on")
    member.refresh_from_db()
    assert member.admitted_on is None


def test_an_iso_date_in_a_body_is_accepted(people, member):
    response = api(people.admin).patch(
        f"/api/v1/members/{member.pk}",
        json.dumps({"admitted_on": "2020-05-19"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["admitted_on"] == "2020-05-19"


@pytest.mark.parametrize("body", ["[null, null]", "[]", "0", '"text"', "null"])
def test_a_body_that_is_not_an_object_is_refused(people, member, body):
    client = api(people.admin)
    before = AuditEntry.objects.count()
    response = client.patch(f"/api/v1/members/{member.pk}", body, content_type="application/json")
    _error(response, 400, "not_an_object", "body")
    assert AuditEntry.objects.count() == before
