"""An ORM-based API read endpoint under load vs the same endpoint with raw SQL (same run, same server).

Both are django-ninja endpoints with the same parameters, response model and renderer; only data
access (token check, parent lookup, the page) differs — see bench/urls_bench.py.

gunicorn (several worker processes, production settings) serves both; wrk drives each for the same
time with the same concurrency. Goal: ORM requests/s ≥ 0.6 × raw SQL requests/s.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
DURATION = os.environ.get("BENCH_WRK_DURATION", "15s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, token: str) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}", "-H", f"Authorization: Bearer {token}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    common.ensure_national(MEMBERS)
    from dangvu.accounts.models import User
    from dangvu.accounts.services import api_token_create
    from dangvu.orgs.models import Org

    actor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench", password=None
    )
    _row, token = api_token_create(actor=actor, user=actor, name="bench")
    parent = Org.objects.filter(org_type__code="dang-bo-tinh").order_by("pk").first()
    assert parent is not None
    port = free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "PYTHONPATH": str(common.ROOT),
        "DANGVU_ENV": "production",
        "DANGVU_SECRET_KEY": secrets.token_urlsafe(50),
        "DANGVU_ALLOWED_HOSTS": "127.0.0.1",
        "DANGVU_SSL_REDIRECT": "false",
        "DATABASE_URL": common.DATABASE_URL,
        "DANGVU_DB_CONN_MAX_AGE": "600",
        "DANGVU_BIND": f"127.0.0.1:{port}",
        "DANGVU_WEB_WORKERS": "4",
        "DANGVU_WEB_THREADS": "1",
    }
    server = subprocess.Popen(
        [
            str(common.ROOT / ".venv/bin/gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "dangvu.wsgi",
        ],
        env=env,
        cwd=common.ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    query = f"parent={parent.pk}&limit=50&offset=0"
    orm_url, raw_url = f"{base}/api/v1/orgs?{query}", f"{base}/bench/raw/orgs?{query}"
    try:
        for _ in range(100):
            try:
                request = urllib.request.Request(orm_url, headers={"Authorization": f"Bearer {token}"})
                orm_body = json.loads(urllib.request.urlopen(request, timeout=5).read())
                break
            except OSError:
                time.sleep(0.2)
        request = urllib.request.Request(raw_url, headers={"Authorization": f"Bearer {token}"})
        raw_body = json.loads(urllib.request.urlopen(request, timeout=5).read())
        assert orm_body == raw_body, "the two endpoints must answer the same"
        raw = wrk(raw_url, token)
        orm = wrk(orm_url, token)
    finally:
        server.terminate()
        server.wait(timeout=30)
    common.report(
        f"API read endpoint under load — GET /api/v1/orgs?parent=… ({orm_body['count']} units, page of 50), "
        f"gunicorn 4 workers, wrk 16 connections {DURATION}",
        [
            ("ORM endpoint (django-ninja, visible_to, token auth): req/s", f"{orm:,.0f}"),
            ("baseline: the same endpoint, data access in raw SQL: req/s", f"{raw:,.0f}"),
            (
                "ratio ORM / raw SQL",
                f"{orm / raw:.2f}  (goal ≥ 0.6: {'met' if orm / raw >= 0.6 else 'MISSED'})",
            ),
        ],
    )


if __name__ == "__main__":
    main()
