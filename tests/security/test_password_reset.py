"""Password reset (dangvu.accounts.passwords): the same answer whether or not an address exists, rate
limits, no log-in after the reset (the second factor is still asked), every session of the user ended,
the administrator's reset, all audited as security events."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.accounts.models import User
from dangvu.accounts.passwords import password_reset_by_administrator, sessions_end_all
from dangvu.audit.models import AuditEntry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
OLD, NEW = "mat-khau-rat-manh-2026", "Mot-mat-khau-moi-2027!"


@pytest.fixture
def lan(db):
    return make_user("lan", password=OLD)


def _ask(client, email, callbacks):
    with callbacks(execute=True):
        return client.post("/accounts/password-reset/", {"email": email})


def _link() -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[-1].body)[1]


def _sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk))


def _set_new_password(link: str) -> Client:
    client = Client()
    form_url = client.get(link)["Location"]  # Django moves the token out of the URL first
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reset/done/"
    return client


def test_the_answer_is_the_same_whether_or_not_the_address_exists(lan, django_capture_on_commit_callbacks):
    known = _ask(Client(), "LAN@example.vn", django_capture_on_commit_callbacks)
    unknown = _ask(Client(), "nobody-here@example.vn", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (302, "/accounts/password-reset/sent/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password-reset/sent/")
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]
    assert "Đặt lại mật khẩu" in mail.outbox[0].subject
    page = Client().get("/accounts/password-reset/sent/").content.decode()
    assert "Nếu địa chỉ bạn nhập có trong hệ thống" in page
    events = list(
        AuditEntry.objects.filter(event="security.password_reset_requested")
        .order_by("pk")
        .values_list("object_id", flat=True)
    )
    assert events == [str(lan.pk), ""]


def test_the_reset_logs_nobody_in_and_ends_every_session(lan, django_capture_on_commit_callbacks):
    elsewhere = Client()
    assert elsewhere.post("/accounts/login/", {"username": "lan", "password": OLD}).status_code == 302
    assert elsewhere.get("/home/").status_code == 200
    assert _sessions_of(lan) == 1
    _ask(Client(), "lan@example.vn", django_capture_on_commit_callbacks)
    client = _set_new_password(_link())

    assert "_auth_user_id" not in client.session  # no automatic log-in
    assert client.get("/home/")["Location"].startswith("/accounts/login/")
    assert _sessions_of(lan) == 0
    assert elsewhere.get("/home/")["Location"].startswith("/accounts/login/")
    lan.refresh_from_db()
    assert (lan.check_password(NEW), lan.check_password(OLD)) == (True, False)
    entry = AuditEntry.objects.get(event="security.password_reset")
    assert (entry.actor, entry.data["sessions_ended"]) == (lan, 1)
    # The link works once.
    again = Client().get(_link())
    assert again.status_code == 200
    assert "Liên kết không hợp lệ" in again.content.decode()


def test_a_reset_from_a_browser_signed_in_as_the_user_ends_that_session_too(
    lan, django_capture_on_commit_callbacks
):
    client = Client()
    client.post("/accounts/login/", {"username": "lan", "password": OLD})
    _ask(client, "lan@example.vn", django_capture_on_commit_callbacks)
    form_url = client.get(_link())["Location"]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == "/accounts/reset/done/"
    assert client.get("/home/")["Location"].startswith("/accounts/login/")
    assert _sessions_of(lan) == 0


def test_after_a_reset_a_user_with_two_factor_must_still_enter_the_code(
    lan, django_capture_on_commit_callbacks
):
    device = TOTPDevice.objects.create(user=lan, name="app", confirmed=True)
    _ask(Client(), "lan@example.vn", django_capture_on_commit_callbacks)
    _set_new_password(_link())
    client = Client()
    login = client.post("/accounts/login/", {"username": "lan", "password": NEW})
    assert login["Location"] == "/accounts/login/otp/"
    assert client.get("/home/")["Location"].startswith(("/accounts/login/", "/accounts/login/otp/"))
    assert "_auth_user_id" not in client.session
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    assert client.post("/accounts/login/otp/", {"token": f"{code:06d}"}).status_code == 302
    assert client.get("/home/").status_code == 200


def test_mails_to_one_address_are_limited_and_the_answer_does_not_change(
    lan, settings, django_capture_on_commit_callbacks
):
    settings.DANGVU_PASSWORD_RESET_PER_ADDRESS = 2
    answers = {
        _ask(Client(), "lan@example.vn", django_capture_on_commit_callbacks)["Location"] for _ in range(4)
    }
    assert answers == {"/accounts/password-reset/sent/"}
    assert len(mail.outbox) == 2


def test_a_client_asking_too_often_is_refused_whatever_the_address(
    lan, settings, django_capture_on_commit_callbacks
):
    settings.DANGVU_PASSWORD_RESET_PER_CLIENT = 3
    client = Client()
    for index in range(3):
        assert _ask(client, f"x{index}@example.vn", django_capture_on_commit_callbacks).status_code == 302
    refused = _ask(client, "lan@example.vn", django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert mail.outbox == []
    assert AuditEntry.objects.filter(event="security.password_reset_limited").count() == 1


def test_the_administrator_reset_voids_the_password_and_sessions_and_mails_a_link(
    lan, admin_user, django_capture_on_commit_callbacks
):
    elsewhere = Client()
    elsewhere.post("/accounts/login/", {"username": "lan", "password": OLD})
    admin = Client()
    admin.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/accounts/user/", {"action": "reset_password", "_selected_action": [lan.pk]}
        )
    assert response.status_code == 302
    lan.refresh_from_db()
    assert lan.has_usable_password() is False
    assert _sessions_of(lan) == 0
    assert elsewhere.get("/home/")["Location"].startswith("/accounts/login/")
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]
    entry = AuditEntry.objects.get(event="security.password_reset_by_admin")
    assert (entry.actor, entry.object_id) == (admin_user, str(lan.pk))
    _set_new_password(_link())
    lan.refresh_from_db()
    assert lan.check_password(NEW)


def test_only_an_administrator_of_the_whole_tree_resets_someone_elses_password(lan, people):
    before = (User.objects.get(pk=lan.pk).password, AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        password_reset_by_administrator(actor=people.province, user=lan, base_url="http://x")
    assert (User.objects.get(pk=lan.pk).password, AuditEntry.objects.count()) == before
    assert mail.outbox == []


def test_the_pages_are_in_vietnamese_and_linked_from_the_log_in(db):
    assert "/accounts/password-reset/" in Client().get("/accounts/login/").content.decode()
    page = Client().get("/accounts/password-reset/").content.decode()
    assert "Quên mật khẩu" in page
    assert "Liên kết không hợp lệ" in Client().get("/accounts/reset/MQ/bad-token/").content.decode()


def test_ending_every_session_also_clears_the_cached_copies(lan, settings):
    # Production with Redis keeps sessions in the cache in front of the database (cached_db): a
    # session deleted from the table alone would still sign the browser in from the cache.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    elsewhere = Client()
    assert elsewhere.post("/accounts/login/", {"username": "lan", "password": OLD}).status_code == 302
    assert elsewhere.get("/home/").status_code == 200
    assert _sessions_of(lan) == 1

    assert sessions_end_all(lan) == 1

    assert _sessions_of(lan) == 0
    assert elsewhere.get("/home/")["Location"].startswith("/accounts/login/")
