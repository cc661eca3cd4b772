"""The JSON API: token auth, scoping, bilingual errors, and every response checked against the OpenAPI schema."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from dangvu.accounts.models import ApiToken
from dangvu.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def assert_conforms(schema, path, method, response):
    """The response body validates against the schema the OpenAPI document declares for it."""
    operation = schema["paths"][path][method]
    declared = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    root = dict(schema) | declared
    errors = sorted(Draft202012Validator(root).iter_errors(response.json()), key=str)
    assert not errors, errors


def api(user=None, token=None):
    client = Client()
    if user is not None:
        _row, token = api_token_create(actor=user, user=user)
    return client, {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


def test_openapi_document_is_valid_and_lists_the_endpoints(schema):
    validate(schema)
    assert {
        "/api/v1/calendar/add-working-days",
        "/api/v1/orgs",
        "/api/v1/orgs/{org_id}",
        "/api/v1/me",
    } <= set(schema["paths"])


def test_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_add_working_days_over_tet(people, schema):
    client, auth = api(people.clerk)
    response = client.get("/api/v1/calendar/add-working-days", {"start": "2026-02-13", "days": 1}, **auth)
    assert response.status_code == 200
    assert response.json() == {"date": "2026-02-23", "provisional": False}
    assert_conforms(schema, "/api/v1/calendar/add-working-days", "get", response)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-02-31", "days": 1}, "start", "Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
        ({"start": "31/02/2026", "days": 1}, "start", "Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
        ({"start": "2026-02-13", "days": -1}, "days", "Giá trị phải lớn hơn hoặc bằng 0."),
        ({"start": "2026-02-13", "days": "abc"}, "days", "Phải là số nguyên."),
        ({"days": 3}, "start", "Thiếu giá trị bắt buộc."),
    ],
)
def test_bad_parameters_get_a_422_in_both_languages(people, schema, params, field, message):
    client, auth = api(people.clerk)
    response = client.get("/api/v1/calendar/add-working-days", params, **auth)
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert body["error"]["message_en"] == "The request is not valid."
    assert {"field": field, "message": message} == {
        k: body["error"]["details"][0][k] for k in ("field", "message")
    }
    assert body["error"]["details"][0]["message_en"]
    assert_conforms(schema, "/api/v1/calendar/add-working-days", "get", response)


def test_missing_unknown_and_revoked_tokens_get_401(people, schema):
    client = Client()
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer nope"}, {"HTTP_AUTHORIZATION": "Basic abc"}):
        response = client.get("/api/v1/me", **headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    row, token = api_token_create(actor=people.clerk, user=people.clerk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    api_token_revoke(actor=people.clerk, token=row)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert_conforms(schema, "/api/v1/me", "get", response)


def test_token_of_a_deactivated_user_stops_working(people):
    client, auth = api(people.clerk)
    people.clerk.is_active = False
    people.clerk.save()
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_tokens_are_stored_hashed(people):
    row, token = api_token_create(actor=people.clerk, user=people.clerk)
    assert token not in {row.key_hash, row.prefix}
    assert ApiToken.objects.filter(key_hash=ApiToken.hash_key(token)).exists()


def test_create_api_token_command_prints_a_working_token(people, capsys):
    call_command("create_api_token", "clerk")
    token = capsys.readouterr().out.strip()
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["user"]["username"] == "clerk"


def test_me_lists_roles_units_and_permissions(people, tree, schema):
    client, auth = api(people.clerk)
    response = client.get("/api/v1/me", **auth)
    body = response.json()
    assert body["user"]["username"] == "clerk"
    assert [(r["role"], r["org_id"]) for r in body["roles"]] == [("van-thu", tree.xa.pk)]
    assert body["units"] == [
        {"id": tree.xa.pk, "name": "Đảng ủy xã An Phú", "code": "XA", "include_subtree": True}
    ]
    # The clerk's (văn thư) default grants: the registers, the seal, reading the unit tree.
    assert body["permissions"] == [
        "documents.draft",
        "documents.register",
        "documents.secret_mat",
        "documents.view",
        "orgs.view",
        "signing.seal",
        "signing.verify",
    ]
    assert_conforms(schema, "/api/v1/me", "get", response)


def test_orgs_list_is_scoped_and_filterable(people, tree, schema):
    client, auth = api(people.clerk)
    response = client.get("/api/v1/orgs", **auth)
    assert response.json()["count"] == 3
    assert [o["code"] for o in response.json()["results"]] == ["XA", "A1", "A2"]
    assert_conforms(schema, "/api/v1/orgs", "get", response)

    by_parent = client.get("/api/v1/orgs", {"parent": tree.xa.pk}, **auth).json()
    assert [o["code"] for o in by_parent["results"]] == ["A1", "A2"]
    assert all(o["parent_id"] == tree.xa.pk for o in by_parent["results"])
    by_type = client.get("/api/v1/orgs", {"type": "dang-bo-xa"}, **auth).json()
    assert [o["code"] for o in by_type["results"]] == ["XA"]
    assert client.get("/api/v1/orgs", {"q": "thon 2"}, **auth).json()["results"][0]["code"] == "A2"
    # A parent outside the scope is "not found", not an empty list.
    assert client.get("/api/v1/orgs", {"parent": tree.xb.pk}, **auth).status_code == 404
    paged = client.get("/api/v1/orgs", {"limit": 1, "offset": 1}, **auth).json()
    assert (paged["count"], [o["code"] for o in paged["results"]]) == (3, ["A1"])
    assert client.get("/api/v1/orgs", {"limit": 0}, **auth).status_code == 422


def test_org_detail_has_ancestors_and_children_and_hides_other_units(people, tree, schema):
    client, auth = api(people.clerk)
    response = client.get(f"/api/v1/orgs/{tree.a1.pk}", **auth)
    body = response.json()
    assert [a["code"] for a in body["ancestors"]] == ["TU", "XA"]
    assert body["children"] == []
    assert body["parent_id"] == tree.xa.pk
    assert_conforms(schema, "/api/v1/orgs/{org_id}", "get", response)
    assert [c["code"] for c in client.get(f"/api/v1/orgs/{tree.xa.pk}", **auth).json()["children"]] == [
        "A1",
        "A2",
    ]

    hidden = client.get(f"/api/v1/orgs/{tree.b1.pk}", **auth)
    assert hidden.status_code == 404
    assert hidden.json() == {
        "error": {
            "code": "not_found",
            "message": "Không tìm thấy.",
            "message_en": "Not found.",
            "details": [],
        }
    }
    assert client.get("/api/v1/orgs/999999", **auth).status_code == 404
    assert client.get("/api/v1/orgs/abc", **auth).status_code == 422


def test_unknown_api_path_is_a_json_404(people):
    client, auth = api(people.clerk)
    response = client.get("/api/v1/nothing-here", **auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_session_users_can_use_the_api_too(people, client):
    client.force_login(people.clerk)
    assert client.get("/api/v1/me").json()["user"]["username"] == "clerk"


def test_responses_are_utf8_not_escaped(people):
    client, auth = api(people.clerk)
    content = client.get("/api/v1/me", **auth).content.decode()
    assert "Đảng ủy xã An Phú" in content
    json.loads(content)
