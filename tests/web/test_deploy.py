"""The documented production start: settings pass `check --deploy`; gunicorn serves pages and static files."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def production_env(tmp_path):
    skipped = ("DANGVU_", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skipped)}
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "dangvu.settings",
            "DANGVU_ENV": "production",
            "DANGVU_SECRET_KEY": secrets.token_urlsafe(50),
            "DANGVU_AUDIT_KEY": secrets.token_urlsafe(32),
            "DANGVU_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DANGVU_DATA_DIR": str(tmp_path),
            "DANGVU_SSL_REDIRECT": "false",  # TLS ends at the reverse proxy in front; here we talk to gunicorn directly
        }
    )


def run(args, env):
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = production_env(tmp_path) | {"DANGVU_SSL_REDIRECT": "true"}
    result = run([sys.executable, "-m", "dangvu", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["DANGVU_SECRET_KEY"]
    result = run([sys.executable, "-m", "dangvu", "check"], env)
    assert result.returncode != 0
    assert "DANGVU_SECRET_KEY" in result.stderr


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_with_several_workers_serves_pages_and_static_files(tmp_path):
    env = production_env(tmp_path)
    assert run([sys.executable, "-m", "dangvu", "migrate", "--noinput", "-v0"], env).returncode == 0
    collected = run([sys.executable, "-m", "dangvu", "collectstatic", "--noinput", "-v0"], env)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "dangvu.wsgi"],
        env=env | {"DANGVU_BIND": f"127.0.0.1:{port}", "DANGVU_WEB_WORKERS": "3"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                login = urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)  # noqa: S310 - local test server
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        assert login.status == 200
        assert "Đăng nhập" in login.read().decode()
        css = urllib.request.urlopen(f"{base}/static/web/app.css", timeout=5)  # noqa: S310
        assert css.status == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert b"--kit-red" in css.read()
        statuses = set()
        for _ in range(12):
            statuses.add(urllib.request.urlopen(f"{base}/accounts/login/", timeout=5).status)  # noqa: S310
        assert statuses == {200}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _session_engine(env) -> str:
    code = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_with_redis_reads_sessions_from_the_cache(tmp_path):
    production = production_env(tmp_path)
    # Reading the settings connects to nothing: no Redis server is needed to see the choice.
    assert _session_engine(production | {"REDIS_URL": "redis://127.0.0.1:6399/0"}) == (
        "django.contrib.sessions.backends.cached_db"
    )
    assert _session_engine(production) == "django.contrib.sessions.backends.db"
    embedded = {k: v for k, v in production.items() if k != "DANGVU_ENV"}
    assert _session_engine(embedded | {"REDIS_URL": "redis://127.0.0.1:6399/0"}) == (
        "django.contrib.sessions.backends.db"
    )
