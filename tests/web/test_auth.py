"""Logging in and out, lockout, two-factor login, language, sessions, CSRF and error pages."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.audit.models import AuditEntry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-rat-manh-2026"


def login(client, username, password=PASSWORD, follow=False):
    return client.post("/accounts/login/", {"username": username, "password": password}, follow=follow)


def test_login_shows_the_shell_in_vietnamese(people, client):
    response = login(client, "clerk", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/home/"
    assert '<html lang="vi">' in html
    assert "Tổ chức đảng" in html  # module menu
    assert "Đảng ủy xã An Phú" in html  # their unit
    assert "Nhật ký" not in html  # the clerk cannot see the audit log
    assert AuditEntry.objects.filter(event="accounts.login", actor=people.clerk).count() == 1


def test_wrong_password_is_refused_with_a_clear_message(people, client):
    response = login(client, "clerk", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed").count() == 1


def test_repeated_failures_lock_the_account_but_not_others(people):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "sai-mat-khau")
    locked = login(client, "clerk")  # even the right password is refused while locked
    assert locked.status_code == 429
    assert "Tài khoản tạm khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert login(Client(), "secretary").status_code == 302


def test_two_factor_setup_then_login_needs_the_code(people):
    client = Client()
    login(client, "clerk")
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=people.clerk, confirmed=False)
    bad = client.post("/accounts/2fa/setup/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert "Mã xác thực không đúng" in bad.content.decode()
    # A wrong code makes the next try wait (exponential back-off against guessing).
    throttled = client.post("/accounts/2fa/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert "chờ ít giây" in throttled.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    client.post("/accounts/2fa/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert TOTPDevice.objects.filter(user=people.clerk, confirmed=True).exists()
    client.post("/accounts/logout/")

    second = Client()
    step = login(second, "clerk")
    assert step.url == "/accounts/login/otp/"
    assert "_auth_user_id" not in second.session  # the password alone does not log in
    device.refresh_from_db()
    wrong = second.post("/accounts/login/otp/", {"token": "12345"})
    assert "Mã gồm 6 chữ số" in wrong.content.decode()
    # The code used for setup cannot be replayed; the authenticator's next code (one step on) works.
    replay = second.post("/accounts/login/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert "_auth_user_id" not in second.session
    assert replay.status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    done = second.post("/accounts/login/otp/", {"token": f"{totp(device.bin_key, drift=1):06d}"})
    assert done.status_code == 302
    assert second.session["_auth_user_id"] == str(people.clerk.pk)


def test_switching_language_to_english(people, client):
    client.force_login(people.clerk)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/home/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Party organisations" in html
    assert "Log out" in html


def test_logout_needs_post_and_ends_the_session(people, client):
    client.force_login(people.clerk)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/", follow=True)
    assert "Bạn đã đăng xuất" in response.content.decode()
    assert client.get("/home/").status_code == 302


def test_expired_session_sends_back_to_login_with_next(people, client):
    client.force_login(people.clerk)
    client.cookies[settings.SESSION_COOKIE_NAME] = "expired-or-forged"
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/orgs/"


def test_csrf_failure_page_is_vietnamese_and_changes_nothing(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.province)
    response = client.post(
        f"/orgs/{people.province.role_assignments.first().org_id}/rename/",
        {"name": "Đổi trộm", "abbreviation": "X", "effective_on": "2026-01-01"},
    )
    assert response.status_code == 403
    assert "Phiên làm việc không hợp lệ" in response.content.decode()
    assert not AuditEntry.objects.filter(event="orgs.rename").exists()


def test_unknown_url_gets_a_vietnamese_404_without_traceback(people):
    client = Client()
    client.force_login(people.clerk)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "Traceback" not in html


def test_login_redirects_only_to_local_pages(people, client):
    response = client.post(
        "/accounts/login/", {"username": "clerk", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == "/home/"


def test_profile_shows_roles_and_2fa_state(people, client):
    client.force_login(people.secretary)
    html = client.get("/accounts/profile/").content.decode()
    assert "Bí thư chi bộ" in html
    assert "Chi bộ thôn 1" in html
    assert re.search(r"Chưa bật", html)


def test_inactive_user_cannot_log_in(people, client):
    user = make_user("retired")
    user.is_active = False
    user.save()
    response = login(client, "retired")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.urls("tests.web.urls_error")
def test_server_error_page_is_vietnamese_and_hides_the_exception(people):
    client = Client(raise_request_exception=False)
    client.force_login(people.clerk)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi hệ thống" in html
    assert "secret internal detail" not in html
    assert "Traceback" not in html


def _with_authenticator(user):
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


@pytest.mark.parametrize("path", ["/members/", "/home/", "/admin/", "/api/v1/me", "/audit/"])
def test_a_password_only_session_from_the_admin_login_reaches_only_the_code_page(people, path):
    people.province.is_staff = True
    people.province.save()
    device = _with_authenticator(people.province)
    client = Client()
    # Django's own admin form is gone: it sends people to the one log-in page with the second step.
    assert client.get("/admin/login/?next=/admin/orgs/").url == "/accounts/login/?next=%2Fadmin%2Forgs%2F"
    # Even a session opened by the password alone (as the admin form used to) reaches nothing else.
    client.force_login(people.province)
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "second_factor_required"
    else:
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/otp/?next=")
    page = client.get("/accounts/login/otp/")
    assert page.status_code == 200
    device.refresh_from_db()
    done = client.post("/accounts/login/otp/", {"token": f"{totp(device.bin_key, t0=0, step=30):06d}"})
    assert done.status_code == 302
    assert client.get("/members/").status_code == 200


def test_without_an_authenticator_the_password_is_enough_but_production_staff_need_one(people, settings):
    client = Client()
    client.force_login(people.province)
    assert client.get("/members/").status_code == 200
    people.admin.refresh_from_db()
    settings.DANGVU_STAFF_2FA_REQUIRED = True
    admin = Client()
    admin.force_login(people.admin)
    assert admin.get("/admin/").url.startswith("/accounts/2fa/setup/")
    assert admin.get("/members/").status_code == 200  # the rest of the app is theirs


@pytest.mark.parametrize(
    "target", ["foo", "//evil.example/x", "https://evil.example/", "/khong-co-trang-nay/"]
)
def test_unknown_or_unsafe_next_falls_back_to_home(people, target):
    client = Client()
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.url == "/home/"
    assert "_auth_user_id" in client.session  # the log-in is kept
    again = client.get("/accounts/login/", {"next": target})
    assert (again.status_code, again.url) == (302, "/home/")
    assert client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD, "next": "/members/"})


def test_a_safe_next_is_followed(people):
    client = Client()
    response = client.post("/accounts/login/?next=/members/", {"username": "clerk", "password": PASSWORD})
    assert response.url == "/members/"
