"""Log-in lockout by username and address together, slow-down instead of lock, and the password or a
fresh code before two-factor is turned off or an API token is revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.accounts.models import ApiToken
from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-rat-manh-2026"


def login(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(people):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "admin", "doan-sai", address="203.0.113.9")
    assert login(attacker, "admin", address="203.0.113.9").status_code == 429  # that pair is locked
    assert AuditEntry.objects.filter(event="security.login_locked").exists()
    locked = AuditEntry.objects.filter(event="security.login_locked").first()
    assert locked.data == {"username": "admin", "ip": "203.0.113.9"}

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        office = Client()
        response = login(office, "admin", address="10.0.0.7")
    assert response.status_code == 302
    assert office.session["_auth_user_id"] == str(people.admin.pk)


def test_guessing_one_username_from_many_addresses_is_slowed_down_not_locked(people):
    limit = settings.DANGVU_LOGIN_SLOWDOWN_AFTER
    for number in range(limit):
        login(Client(), "clerk", "doan-sai", address=f"198.51.100.{number + 1}")
    # The next try, from yet another address, comes too soon: refused before the password is checked.
    slowed = login(Client(), "clerk", address="198.51.100.200")
    assert slowed.status_code == 200
    assert "hãy chờ" in slowed.content.decode()
    event = AuditEntry.objects.get(event="security.login_slowed")
    assert event.data["username"] == "clerk"
    # Waiting is enough: no lock-out.
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        client = Client()
        assert login(client, "clerk", address="198.51.100.200").status_code == 302


def test_the_wait_grows_but_never_passes_a_minute(people):
    from dangvu.accounts.throttle import seconds_to_wait

    limit = settings.DANGVU_LOGIN_SLOWDOWN_AFTER
    start = timezone.now()
    for number in range(limit + 10):
        with time_machine.travel(start + timedelta(seconds=61) * number, tick=False):
            login(Client(), "clerk", "doan-sai", address=f"198.51.100.{number + 1}")
            waits = seconds_to_wait("clerk")
        assert waits == (min(2 ** (number + 1 - limit), 60) if number + 1 >= limit else 0)
    assert seconds_to_wait("secretary") == 0


# --- Re-authentication ---------------------------------------------------------------------------


@pytest.fixture
def with_device(people):
    device = TOTPDevice.objects.create(user=people.clerk, name="app", confirmed=True)
    client = Client()
    client.force_login(people.clerk)
    session = client.session
    session["dangvu_2fa_required"] = False  # as after the code step
    session.save()
    return client, device


def test_turning_two_factor_off_needs_the_password_or_a_fresh_code(people, with_device):
    client, device = with_device
    response = client.post("/accounts/2fa/disable/", follow=True)
    assert "Cần nhập đúng mật khẩu" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.post("/accounts/2fa/disable/", {"password": "sai"}).status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # The empty try is not an attempt; the wrong password is a security event.
    assert AuditEntry.objects.filter(event="security.reauth_failed", actor=people.clerk).count() == 1
    client.post("/accounts/2fa/disable/", {"token": f"{totp(device.bin_key):06d}"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_turning_two_factor_off_with_the_password(people, with_device):
    client, device = with_device
    client.post("/accounts/2fa/disable/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_revoking_a_token_needs_the_password_or_a_fresh_code(people, with_device):
    client, _device = with_device
    token, _key = api_token_create(actor=people.clerk, user=people.clerk)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    client.post(f"/accounts/tokens/{token.pk}/revoke/", {"token": "000000"})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    client.post(f"/accounts/tokens/{token.pk}/revoke/", {"password": PASSWORD})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_repeated_wrong_confirmations_end_the_session(people, with_device):
    client, device = with_device
    for _ in range(5):
        client.post("/accounts/2fa/disable/", {"password": "sai"})
    assert "_auth_user_id" not in client.session
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_profile_shows_the_confirmation_fields(people, with_device):
    client, _device = with_device
    api_token_create(actor=people.clerk, user=people.clerk)
    html = client.get("/accounts/profile/").content.decode()
    assert 'id="id_2fa_password"' in html
    assert "id_token" in html
    assert "_password" in html


def _api(user):
    _row, key = api_token_create(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_api_creates_a_token_only_with_the_password_or_a_fresh_code(people):
    client = _api(people.clerk)
    before = ApiToken.objects.filter(user=people.clerk).count()
    refused = client.post("/api/v1/me/tokens", {"name": "script"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "reauthentication_required"
    wrong = client.post(
        "/api/v1/me/tokens", {"name": "script", "password": "sai"}, content_type="application/json"
    )
    assert wrong.status_code == 403
    assert ApiToken.objects.filter(user=people.clerk).count() == before
    made = client.post(
        "/api/v1/me/tokens", {"name": "script", "password": PASSWORD}, content_type="application/json"
    )
    assert made.status_code == 201
    body = made.json()
    assert body["name"] == "script"
    assert body["token"].startswith(body["prefix"])
    assert Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}").get("/api/v1/me").status_code == 200


def test_the_api_revokes_a_token_only_with_the_password_or_a_fresh_code(people):
    device = TOTPDevice.objects.create(user=people.clerk, name="app", confirmed=True)
    client = _api(people.clerk)
    token, _key = api_token_create(actor=people.clerk, user=people.clerk)
    url = f"/api/v1/me/tokens/{token.pk}/revoke"
    assert client.post(url, {"otp": "000000"}, content_type="application/json").status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    # A wrong code makes the next one wait a little (django-otp's back-off): let the wait pass.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    done = client.post(url, {"otp": f"{totp(device.bin_key):06d}"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["revoked_at"] is not None
    # Someone else's token is not found, whatever the password.
    other, _other_key = api_token_create(actor=people.secretary, user=people.secretary)
    response = client.post(
        f"/api/v1/me/tokens/{other.pk}/revoke", {"password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 404
