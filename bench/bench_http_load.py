"""The member pages and API over HTTP under concurrent use, the way users work (issue 12).

gunicorn with the production settings (docs/production.md: ``DANGVU_ENV=production``, Redis cache,
``deploy/gunicorn.conf.py``'s workers and threads, persistent database connections) serves the bench
database; simulated users log in through the log-in form as realistic roles, each in the scope of
their own unit:

* a provincial organisation board (Ban Tổ chức Tỉnh ủy: ``ban-to-chuc`` over a province),
* a commune party committee (Đảng ủy xã: ``ban-to-chuc`` over a đảng bộ xã),
* a chi bộ secretary (``bi-thu-chi-bo`` over the chi bộ),

and request a mix: the member list with a name or CCCD typed into the search box (``/members/?q=``),
the list of a unit, ``GET /api/v1/members?q=``, a member's file, a unit's page with its member charts
panel, statistics and worklists. Query texts are drawn the way bench/bench_member_search.py draws
them — a common word of a name, two words, a full name (folded, with accents, "D" for "Đ"), a prefix of
3 letters, the first 6–9 digits of a CCCD — from members in the user's scope, each text used once in
the whole run.

Stages: 1, 8 and 32 users who think 1–5 s between requests (p50/p95/p99 per endpoint and the share
of failed requests), then the saturation throughput: 16 users without think time (requests/s only).
Goal: every list request (the two member lists and the API list) p95 ≤ 150 ms with 32 thinking users.

The load generator is locust (pinned in requirements-dev.txt, run headless as a library in its own
process: bench/http_load_users.py). Why locust rather than wrk: the users log in through a form with a
CSRF token, keep a session each, think 1–5 s and take every query text once — a user model, which
locust states in Python and wrk only through per-thread Lua state; its gevent HTTP client (FastHttpUser)
costs ~1 ms of CPU per request, a small share of a request to a Django page (measured and printed: the
generator's CPU share), so on 2 cores it takes little from the server it measures. wrk remains the tool
of bench_api_load.py, where one URL is hammered for the raw requests/s.

Usage: python bench/bench_http_load.py [members]   (default 6,000,000; seeds once if needed)
Environment: ``BENCH_HTTP_SECONDS`` (measured seconds of the 1/8/32-user and saturation stages,
default ``60,90,180,60``), ``BENCH_HTTP_PORT`` (default: a free port), ``BENCH_HTTP_SATURATION_USERS``
(16), ``DANGVU_WEB_WORKERS``/``DANGVU_WEB_THREADS`` (gunicorn.conf.py's defaults: 2×CPU+1 and 2).
Writes to the database: 32 log-in accounts with their roles (``bench-http-*``, created once and
reused), their sessions, and the audit entries of log-ins and opened files; nothing else.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
STAGE_SECONDS = [float(s) for s in os.environ.get("BENCH_HTTP_SECONDS", "60,90,180,60").split(",")]
SATURATION_USERS = int(os.environ.get("BENCH_HTTP_SATURATION_USERS", "16"))
PASSWORD = "bench-http-load-2026"  # noqa: S105 - bench accounts on the bench database only
LIST_ENDPOINTS = ("member list ?q", "member list (unit)", "API members ?q")
GOAL_P95_MS = 150.0
# Accounts: (kind, role, unit type, how many). 32 in all: each of the 32 users is a different person.
ACCOUNTS = (
    ("tinh", "ban-to-chuc", "dang-bo-tinh", 8),
    ("xa", "ban-to-chuc", "dang-bo-xa", 12),
    ("chibo", "bi-thu-chi-bo", "chi-bo-co-so", 12),
)
CLASSES = ("common", "two", "full", "prefix", "cccd")
QUERIES_PER_ACCOUNT = 400
COMMON_WORDS_SQL = (
    "SELECT w, count(*) FROM (SELECT unnest(string_to_array(search_text, ' ')) AS w"
    " FROM members_member TABLESAMPLE SYSTEM (1) REPEATABLE (7)) s GROUP BY w ORDER BY 2 DESC LIMIT 80"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def query_texts(
    rng: random.Random, people: list[tuple[str, str]], common_words: list[str], seen: set[str]
) -> list[str]:
    """Distinct query texts made from members' names and CCCDs, as bench_member_search makes them."""
    from dangvu.core.text import fold

    texts: list[str] = []
    attempts = 0
    while len(texts) < QUERIES_PER_ACCOUNT and attempts < QUERIES_PER_ACCOUNT * 20 and people:
        attempts += 1
        name, cccd = rng.choice(people)
        folded = fold(name).split()
        if not folded:
            continue
        kind = CLASSES[attempts % len(CLASSES)]
        if kind == "common":
            text = next((w for w in common_words if w in folded and w not in seen), "")
        elif kind != "two" or len(folded) > 1:
            text = common.typed_query(kind, name, folded, cccd, rng, attempts)
        else:
            text = ""
        if text and text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def make_plan(base_url: str) -> dict[str, Any]:
    """The accounts (created once), and for each its units, members and query texts."""
    from django.db import connection

    from dangvu.accounts.models import Role, RoleAssignment, User
    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    rng = random.Random(int(os.environ.get("BENCH_SEED", "12")))
    with connection.cursor() as cursor:
        cursor.execute(COMMON_WORDS_SQL)
        common_words = [w for w, _n in cursor.fetchall() if len(w) >= 2]
    roles = {r.code: r for r in Role.objects.all()}
    seen: set[str] = set()
    accounts = []
    for kind, role_code, type_code, count in ACCOUNTS:
        candidates = list(
            Org.objects.filter(org_type__code=type_code, status="active")
            .order_by("path")
            .values_list("pk", flat=True)
        )
        rng.shuffle(candidates)
        chosen: list[Org] = []
        for pk in candidates:
            org = Org.objects.get(pk=pk)
            if Member.objects.in_subtree(org).filter(status="official")[:10].count() >= (
                10 if kind == "chibo" else 1
            ):
                chosen.append(org)
            if len(chosen) == count:
                break
        for index, org in enumerate(chosen):
            username = f"bench-http-{kind}-{index + 1:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
            RoleAssignment.objects.filter(user=user).exclude(org=org).delete()
            if not RoleAssignment.objects.filter(user=user, org=org).exists():
                RoleAssignment.objects.create(user=user, role=roles[role_code], org=org, include_subtree=True)
            below = list(
                Org.objects.filter(path__startswith=org.path, depth__gt=org.depth, status="active")
                .order_by("?")
                .values("pk", "code")[:10]
            )
            people = list(
                Member.objects.in_subtree(org).order_by("?").values_list("pk", "full_name", "cccd")[:500]
            )
            accounts.append(
                {
                    "username": username,
                    "kind": kind,
                    "unit": org.name,
                    "units": [{"id": org.pk, "code": org.code}]
                    + [{"id": u["pk"], "code": u["code"]} for u in below],
                    "members": [pk for pk, _n, _c in people[:200]],
                    "queries": query_texts(rng, [(n, c) for _pk, n, c in people], common_words, seen),
                }
            )
    # Interleave the kinds, so that 1 and 8 users are a mix of roles too.
    accounts.sort(key=lambda a: int(a["username"].rsplit("-", 1)[1]))
    return {
        "base_url": base_url,
        "origin": base_url.replace("http://", "https://"),
        "password": PASSWORD,
        "accounts": accounts,
    }


def cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) of these processes and their children, from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def tree_pids(root: int) -> list[int]:
    found = [root]
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == root:
            found.append(int(path.parent.name))
    return found


def machine_busy() -> tuple[float, float]:
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def run_stage(
    plan: dict[str, Any], users: int, seconds: float, think: bool, server_pid: int, work: Path, offset: int
) -> dict[str, Any]:
    stage_plan = dict(plan, account_offset=offset)
    plan_file = work / f"plan-{users}-{think}.json"
    plan_file.write_text(json.dumps(stage_plan), encoding="utf-8")
    out = work / f"stage-{users}-{think}.json"
    server_cpu0 = cpu_of(tree_pids(server_pid))
    busy0, all0 = machine_busy()
    done = subprocess.run(
        [
            sys.executable,
            str(common.ROOT / "bench" / "http_load_users.py"),
            str(plan_file),
            str(users),
            str(seconds),
            "think" if think else "none",
            str(out),
        ],
        cwd=common.ROOT,
        capture_output=True,
        text=True,
    )
    busy1, all1 = machine_busy()
    server_cpu = cpu_of(tree_pids(server_pid)) - server_cpu0
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"load generator failed:\n{done.stderr[-3000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    if result["logins"] < users:
        raise SystemExit(f"{users - result['logins']} users could not log in:\n{done.stderr[-3000:]}")
    result["server_cpu_seconds"] = server_cpu
    result["machine_busy"] = (busy1 - busy0) / max(all1 - all0, 1)
    return result


def summary(result: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    wall = result["wall_seconds"]
    cores = os.cpu_count() or 1
    total = sum(len(s) for s in result["samples"].values())
    failed = sum(result["failures"].values())
    for name in sorted(result["samples"], key=lambda n: (n not in LIST_ENDPOINTS, n)):
        samples = result["samples"][name]
        fails = result["failures"].get(name, 0)
        goal = ""
        if name in LIST_ENDPOINTS:
            goal = "  (list)"
        rows.append(
            (
                f"{name} ({len(samples)} req)",
                f"p50 {common.percentile(samples, 0.5):6.0f}  p95 {common.percentile(samples, 0.95):6.0f}"
                f"  p99 {common.percentile(samples, 0.99):6.0f} ms  failed {fails / max(len(samples), 1):.1%}{goal}",
            )
        )
        if name in result["failure_examples"]:
            rows.append(("    e.g.", result["failure_examples"][name]))
    rows += [
        (
            "all requests",
            f"{total} in {wall:.0f} s = {total / wall:.1f} req/s, failed {failed / max(total, 1):.2%}",
        ),
        (
            "CPU: load generator / gunicorn / whole machine",
            f"{result['cpu_seconds'] / wall / cores:.1%} / {result['server_cpu_seconds'] / wall / cores:.1%}"
            f" / {result['machine_busy']:.1%} of {cores} cores",
        ),
        ("query texts reused (pool exhausted)", str(result["query_repeats"])),
    ]
    return rows


def main() -> None:
    common.ensure_national(MEMBERS)
    from django.conf import settings
    from django.db import connections

    from dangvu.members.models import Member

    port = int(os.environ.get("BENCH_HTTP_PORT") or free_port())
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use: the benchmark would measure another server")
    base = f"http://127.0.0.1:{port}"
    plan = make_plan(base)
    member_count = Member.objects.count()
    connections.close_all()
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    redis = None
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "PYTHONPATH": str(common.ROOT),
        "DANGVU_ENV": "production",
        "DANGVU_SECRET_KEY": secrets.token_urlsafe(50),
        "DANGVU_ALLOWED_HOSTS": "127.0.0.1",
        "DANGVU_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "DATABASE_URL": common.DATABASE_URL,
        "DANGVU_DB_CONN_MAX_AGE": "60",
        "DANGVU_BIND": f"127.0.0.1:{port}",
        "DANGVU_DATA_DIR": str(work / "data"),
        # Collected once and reused (production serves the manifest's hashed names through WhiteNoise).
        "DANGVU_STATIC_ROOT": str(common.ROOT / "var" / "bench" / "static"),
    }
    if not (common.ROOT / "var" / "bench" / "static" / "staticfiles.json").exists():
        subprocess.run(
            [str(common.ROOT / ".venv/bin/dangvu"), "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=common.ROOT,
            check=True,
        )
    cache = "file cache (no redis-server)"
    if shutil.which("redis-server"):
        socket_path = work / "redis.sock"
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                "0",
                "--unixsocket",
                str(socket_path),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        env["REDIS_URL"] = f"unix://{socket_path}"
        cache = "Redis"
        for _ in range(50):
            if socket_path.exists():
                break
            time.sleep(0.1)
    workers = env.get("DANGVU_WEB_WORKERS") or str((os.cpu_count() or 1) * 2 + 1)
    threads = env.get("DANGVU_WEB_THREADS") or "2"
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
    del settings
    results: dict[str, dict[str, Any]] = {}
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        # Warm-up, not reported: every worker imports its templates and opens its connection.
        warm = dict(plan, accounts=[dict(a, queries=a["queries"][-20:]) for a in plan["accounts"]])
        run_stage(warm, 8, 15, False, server.pid, work, 0)
        slices = {1: (0, 40), 8: (40, 100), 32: (100, 220), 0: (220, 380)}
        stages = [
            (1, True, STAGE_SECONDS[0]),
            (8, True, STAGE_SECONDS[1]),
            (32, True, STAGE_SECONDS[2]),
            (SATURATION_USERS, False, STAGE_SECONDS[3]),
        ]
        for users, think, seconds in stages:
            low, high = slices[users if think else 0]
            stage = dict(plan, accounts=[dict(a, queries=a["queries"][low:high]) for a in plan["accounts"]])
            label = f"{users} users thinking 1–5 s" if think else f"saturation: {users} users, no think time"
            print(f"running {label} for {seconds:.0f} s …", flush=True)
            results[label] = run_stage(stage, users, seconds, think, server.pid, work, 0)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a slow request still running: its answer is not needed
            server.kill()
            server.wait()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
    title = (
        f"HTTP load — {member_count:,} members; gunicorn {workers} workers × {threads} threads, production"
        f" settings, {cache}; locust on the same {os.cpu_count()} cores"
    )
    print(f"\n## {title}")
    print(
        "  accounts: "
        + "; ".join(f"{a['username']} ({a['unit']})" for a in plan["accounts"][:6])
        + f"; … {len(plan['accounts'])} in all"
    )
    met = True
    for label, result in results.items():
        rows = summary(result)
        if "saturation" in label:
            total = sum(len(s) for s in result["samples"].values())
            rows.insert(0, ("throughput (the goal here)", f"{total / result['wall_seconds']:.1f} requests/s"))
        if label.startswith("32 users"):
            worst = max(common.percentile(result["samples"].get(n, []), 0.95) for n in LIST_ENDPOINTS)
            ok = worst <= GOAL_P95_MS
            met = met and ok
            rows.append(
                (
                    f"goal: every list request p95 ≤ {GOAL_P95_MS:.0f} ms",
                    f"worst {worst:.0f} ms: {'met' if ok else 'MISSED'}",
                )
            )
        common.report(label, rows)
    print(f"\n  goal (32 thinking users, list p95 ≤ {GOAL_P95_MS:.0f} ms): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
