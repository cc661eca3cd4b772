"""API errors: ``message`` in Vietnamese and ``message_en`` in English, a business rule's message included."""

import pytest
from django.test import Client

from dangvu.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_api_business_rule_errors_carry_their_english_translation(people, tree):
    client = Client()
    _row, token = api_token_create(actor=people.province, user=people.province)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    member = {"full_name": "Nguyễn Văn Đức", "sex": "male", "status": "official", "org": tree.xa.pk}
    refused = client.post("/api/v1/members", member, content_type="application/json", **auth)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [
        {
            "field": "org",
            "message": "“Đảng ủy xã An Phú” (Đảng bộ xã, phường, đặc khu) không phải là nơi đảng viên "
            "sinh hoạt trực tiếp.",
            "message_en": "“Đảng ủy xã An Phú” (Đảng bộ xã, phường, đặc khu) is not a unit where members take part "
            "in Party activities directly.",
        }
    ]
    _row, token = api_token_create(actor=people.clerk, user=people.clerk)
    forbidden = client.post(
        "/api/v1/members",
        member | {"org": tree.a1.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert forbidden.status_code == 403
    error = forbidden.json()["error"]
    assert (
        error["message"]
        == "Bạn không có quyền thực hiện thao tác này (Cập nhật hồ sơ và nghiệp vụ đảng viên)."
    )
    assert (
        error["message_en"]
        == "You are not allowed to do this (Update member files and membership operations)."
    )
