"""The member list API under load: the ORM endpoint against the same endpoint with raw SQL (same run, same
server).

``GET /api/v1/members?org=<province>`` (a unit's list, 50 rows) and ``…&q=<a common given name>`` (a name
search served by the name tokens), for a provincial organisation board (``ban-to-chuc`` over a province,
bearer token), against bench/urls_bench.py's ``/bench/raw-scoped/members``: the same django-ninja
parameters, response model and renderer, with the token and role check, the unit, the page's keys and
rows, the count and the name tokens written as hand-made SQL. The two answers are asserted equal first,
so the ratio is what the ORM path costs, not a different amount of work. The ORM path's queries per
request are counted (test client, same database) and printed.

gunicorn (production settings, ``DANGVU_WEB_WORKERS`` workers, default 4, 1 thread) serves both; wrk
drives each for the same time with 16 connections. Goal: ORM requests/s ≥ 0.6 × raw SQL (aim 0.8).

Usage: python bench/bench_api_load.py [members]   (default 6,000,000; seeds once if needed)
Environment: ``BENCH_WRK_DURATION`` (15s), ``BENCH_API_Q`` (the name searched: default ``hung``),
``BENCH_PORT`` (the server's port: default a free one).
Writes to the database: one account with its role (``bench-api-btc``) and an API token per run.
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
QUERY = os.environ.get("BENCH_API_Q", "hung")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def get(url: str, token: str) -> dict[str, object]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    return json.loads(urllib.request.urlopen(request, timeout=30).read())  # type: ignore[no-any-return]


def queries_per_request(path: str, token: str) -> int:
    """How many SQL queries the ORM endpoint makes for one request (after a first one)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    common.ensure_national(MEMBERS)
    from django.db import connections

    from dangvu.accounts.models import Role, RoleAssignment, User
    from dangvu.accounts.services import api_token_create
    from dangvu.orgs.models import Org

    province = Org.objects.filter(org_type__code="dang-bo-tinh").order_by("pk").first()
    assert province is not None
    user = User.objects.filter(username="bench-api-btc").first()
    if user is None:
        user = User.objects.create_user(username="bench-api-btc", password=None, full_name="bench-api-btc")
    if not RoleAssignment.objects.filter(user=user, org=province).exists():
        RoleAssignment.objects.create(
            user=user, role=Role.objects.get(code="ban-to-chuc"), org=province, include_subtree=True
        )
    _row, token = api_token_create(actor=user, user=user, name="bench")
    cases = [
        ("unit list", f"org={province.pk}&limit=50"),
        (f"name search q={QUERY}", f"org={province.pk}&q={QUERY}&limit=50"),
    ]
    counts = {label: queries_per_request(f"/api/v1/members?{query}", token) for label, query in cases}
    connections.close_all()
    port = int(os.environ.get("BENCH_PORT") or free_port())
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
        "DANGVU_WEB_WORKERS": os.environ.get("DANGVU_WEB_WORKERS", "4"),
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
    rows: list[tuple[str, str]] = []
    ratios = []
    try:
        for _ in range(150):
            try:
                get(f"{base}/api/v1/members?{cases[0][1]}", token)
                break
            except OSError:
                time.sleep(0.2)
        for label, query in cases:
            orm_url, raw_url = f"{base}/api/v1/members?{query}", f"{base}/bench/raw-scoped/members?{query}"
            orm_body, raw_body = get(orm_url, token), get(raw_url, token)
            assert orm_body == raw_body, f"{label}: the two endpoints must answer the same"
            raw = wrk(raw_url, token)
            orm = wrk(orm_url, token)
            ratios.append(orm / raw)
            rows += [
                (
                    f"{label} ({orm_body['count']:,} {'exact' if orm_body['count_exact'] else 'at least'})",
                    "",
                ),
                ("  ORM endpoint (django-ninja, visible_to, token auth): req/s", f"{orm:,.0f}"),
                ("  baseline: the same endpoint, data access in raw SQL: req/s", f"{raw:,.0f}"),
                ("  SQL queries per request, ORM endpoint", str(counts[label])),
                (
                    "  ratio ORM / raw SQL",
                    f"{orm / raw:.2f}  (goal ≥ 0.6: {'met' if orm / raw >= 0.6 else 'MISSED'})",
                ),
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows.append(
        ("goal: ORM ≥ 0.6 × raw SQL in every case (aim 0.8)", "met" if min(ratios) >= 0.6 else "MISSED")
    )
    common.report(
        f"API read endpoint under load — GET /api/v1/members (province {province.name}, page of 50), "
        f"a provincial organisation board's token; gunicorn {env['DANGVU_WEB_WORKERS']} workers, "
        f"wrk 16 connections {DURATION}",
        rows,
    )


if __name__ == "__main__":
    main()
