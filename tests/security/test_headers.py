"""Security headers on every page and a production configuration that cannot run on the public key.

* Every page (the URL conf's pages without arguments, logged in and not), the API and the error pages
  carry the strict Content-Security-Policy of django-csp and the other headers: X-Content-Type-Options,
  Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options (and ``frame-ancestors 'none'``).
* Started with DANGVU_ENV=production, or allowing a host other than the loopback names, with the
  development secret key: the process refuses to start.
* ``dangvu check --deploy`` is clean under production settings (HSTS, secure cookies, SSL redirect).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.csp import STRICT_CSP, directives
from tests.security.test_request_guard import _pages_without_arguments

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Content-Security-Policy": directives(STRICT_CSP),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _headers(response):
    found = {name: response.headers.get(name) for name in EXPECTED}
    found["Content-Security-Policy"] = directives(found["Content-Security-Policy"] or "")
    return found


def test_every_page_carries_the_security_headers(client, people):
    client.force_login(people.admin)
    pages = _pages_without_arguments()
    assert len(pages) > 15
    for path in pages:
        response = client.get(path)
        assert response.status_code < 500, path
        assert _headers(response) == EXPECTED, path


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/api/v1/me", "/api/v1/openapi.json", "/api/v1/docs", "/no-such-page/"]
)
def test_anonymous_pages_the_api_and_errors_carry_them_too(client, path):
    assert _headers(client.get(path)) == EXPECTED


def _start(env: dict[str, str], code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DANGVU_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "dangvu.settings",
        "DANGVU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SETUP = "import django; django.setup(); print('started')"
PRODUCTION = {
    "DANGVU_ENV": "production",
    "DANGVU_ALLOWED_HOSTS": "dangvu.example.vn",
    "DANGVU_SECRET_KEY": "q8Vn2-xT7wLr4Zp9Kc3Hs6Bd1Mf5Jg0Ya8Ue2Wo7Ri4Tl9Nx6Cv3Qb",
    "DANGVU_SIGNING_KEY_PASSPHRASE": "a-real-passphrase-for-the-keys",
    "DANGVU_AUDIT_KEY": "Zr4Lq8Wn1Xs6Tv3Bk9Pm2Hc7Jd5Gf0Ya4Ue8Wo2Ri6Tl1Nx5Cv9Qb",  # the audit chain's own key
}


@pytest.mark.parametrize(
    "env",
    [
        {"DANGVU_ENV": "production", "DANGVU_ALLOWED_HOSTS": "dangvu.example.vn"},
        {"DANGVU_ALLOWED_HOSTS": "dangvu.example.vn"},
        {"DANGVU_ALLOWED_HOSTS": "127.0.0.1,10.0.0.5"},
        {"DANGVU_ALLOWED_HOSTS": "*"},
    ],
    ids=["production", "public-host", "lan-address", "any-host"],
)
def test_a_production_looking_start_with_the_development_key_is_refused(tmp_path, env):
    result = _start(env, SETUP, tmp_path)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DANGVU_SECRET_KEY" in result.stderr


def test_the_loopback_development_setup_still_starts(tmp_path):
    result = _start({}, SETUP, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['dangvu', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = _start(PRODUCTION, code, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = _start(PRODUCTION, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True"]
