"""The application's CPU and SQL queries per request, for each endpoint of the HTTP load mix (issue 12).

bench/bench_http_load.py found the server's CPU per request to be what limits throughput (about 0.2 s of
CPU a request on the national database, 2 cores). This benchmark measures that cost one endpoint at a
time, in one process, through Django's test client with the production settings
(``DANGVU_ENV=production``, ``DEBUG`` off, the cached template loader, Redis as the cache when
``redis-server`` is installed, persistent database connections): the same accounts, roles and query
texts as the load test (its ``make_plan``; the bench database's random generator is seeded first, so a
second run draws the same ones), and for each endpoint and each kind of account:

* CPU ms per request: this process's CPU time (``time.process_time``: Python, templates, the database
  driver; not PostgreSQL's own work, which runs in its server process), median and mean, and the mean
  for each kind of account (a province's worklists cost more than a chi bộ's);
* wall ms per request (median);
* SQL queries per request (counted on separate requests: counting slows the requests it counts).

Baseline (same run): the log-in page, anonymous (the fixed cost of the middleware stack, templates and
the test client), printed first; the figures of each endpoint are what it costs above that.

``BENCH_CPU_PROFILE=DIR`` then profiles as many further requests of each endpoint with cProfile (CPU
time, not wall time), writes ``DIR/<endpoint>.pstats`` and prints the functions with the most own time,
which is how the hot spots are found.

Usage: python bench/bench_request_cpu.py [members]   (default 6,000,000; seeds once if needed)
Environment: ``BENCH_CPU_REPEAT`` (requests per endpoint and account kind, default 20).
Writes to the database what bench_http_load's plan writes (its accounts), the sessions of the test
client's log-ins and the audit entries of the opened files.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
REPEAT = int(os.environ.get("BENCH_CPU_REPEAT", "20"))
PROFILE_DIR = os.environ.get("BENCH_CPU_PROFILE", "")
KINDS = ("tinh", "xa", "chibo")


def production_environment(work: Path) -> subprocess.Popen[bytes] | None:
    """The production settings for this process, with Redis when it is installed (returned to stop)."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "DANGVU_ENV": "production",
            "DANGVU_SECRET_KEY": secrets.token_urlsafe(50),
            "DANGVU_ALLOWED_HOSTS": "127.0.0.1",
            "DANGVU_DB_CONN_MAX_AGE": "60",
            "DANGVU_DATA_DIR": str(work / "data"),
            "DANGVU_STATIC_ROOT": str(common.ROOT / "var" / "bench" / "static"),
        }
    )
    if not (common.ROOT / "var" / "bench" / "static" / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "-m", "dangvu", "collectstatic", "--noinput", "-v0"],
            env=os.environ | {"DATABASE_URL": common.DATABASE_URL, "PYTHONPATH": str(common.ROOT)},
            cwd=common.ROOT,
            check=True,
        )
    if not shutil.which("redis-server"):
        return None
    socket_path = work / "redis.sock"
    redis = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket_path), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if socket_path.exists():
            break
        time.sleep(0.1)
    os.environ["REDIS_URL"] = f"unix://{socket_path}"
    return redis


def requests_of(account: dict[str, Any]) -> dict[str, Callable[[int], tuple[str, dict[str, Any]]]]:
    """The load mix's endpoints (bench/http_load_users.py), each a function of the request's number."""
    units, members, queries = account["units"], account["members"], account["queries"]
    return {
        "member list ?q": lambda i: ("/members/", {"q": queries[i % len(queries)]}),
        "member list (unit)": lambda i: ("/members/", {"org": units[i % len(units)]["code"]}),
        "API members ?q": lambda i: ("/api/v1/members", {"q": queries[-1 - i % len(queries)], "limit": 50}),
        "member file": lambda i: (f"/members/{members[i % len(members)]}/", {}),
        "unit page": lambda i: (f"/orgs/{units[i % len(units)]['id']}/", {}),
        "unit charts panel": lambda i: ("/members/stats/charts/", {"org": units[i % len(units)]["code"]}),
        "statistics": lambda i: ("/members/stats/", {"org": units[i % len(units)]["code"]}),
        "worklists": lambda i: ("/members/worklists/", {"org": units[i % len(units)]["code"]}),
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-cpu-"))
    redis = production_environment(work)
    try:
        run()
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def run() -> None:
    common.ensure_national(MEMBERS)
    import bench_http_load
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangvu.accounts.models import User
    from dangvu.members.models import Member

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.12)")  # the plan's ORDER BY random(): the same draw every run
    plan = bench_http_load.make_plan("http://127.0.0.1")
    by_kind = {kind: next(a for a in plan["accounts"] if a["kind"] == kind) for kind in KINDS}
    headers = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1"}
    clients = {}
    for kind, account in by_kind.items():
        client = Client(**headers)
        client.force_login(User.objects.get(username=account["username"]))
        clients[kind] = client
    anonymous = Client(**headers)

    def get(client: Client, path: str, params: dict[str, Any]) -> None:
        response = client.get(path, params)
        if response.status_code != 200:
            raise SystemExit(f"{path} {params}: HTTP {response.status_code}")

    # Warm-up: templates compiled, connections open, caches filled (not measured).
    for kind, account in by_kind.items():
        for make in requests_of(account).values():
            get(clients[kind], *make(REPEAT * 3))
    get(anonymous, "/accounts/login/", {})

    cpu: dict[str, list[float]] = defaultdict(list)
    cpu_by_kind: dict[tuple[str, str], list[float]] = defaultdict(list)
    wall: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)

    def measure(name: str, client: Client, path: str, params: dict[str, Any]) -> None:
        started_cpu, started = time.process_time(), time.perf_counter()
        get(client, path, params)
        cpu[name].append((time.process_time() - started_cpu) * 1000)
        wall[name].append((time.perf_counter() - started) * 1000)

    baseline = "log-in page (anonymous): the fixed cost"
    for _i in range(REPEAT):
        measure(baseline, anonymous, "/accounts/login/", {})
    with CaptureQueriesContext(connection) as captured:
        get(anonymous, "/accounts/login/", {})
    queries[baseline].append(len(captured.captured_queries))
    profiles: dict[str, cProfile.Profile] = {}
    for kind, account in by_kind.items():
        for endpoint, make in requests_of(account).items():
            for i in range(REPEAT):
                measure(endpoint, clients[kind], *make(i))
            cpu_by_kind[endpoint, kind] = cpu[endpoint][-REPEAT:]
            for i in range(REPEAT, REPEAT + 3):
                with CaptureQueriesContext(connection) as captured:
                    get(clients[kind], *make(i))
                queries[endpoint].append(len(captured.captured_queries))
            if PROFILE_DIR:  # apart from the figures above: the profiler slows what it watches
                profile = profiles.setdefault(endpoint, cProfile.Profile(time.process_time))
                for i in range(REPEAT + 3, 2 * REPEAT + 3):
                    profile.enable()
                    get(clients[kind], *make(i))
                    profile.disable()

    load = os.getloadavg()

    def by_kind(name: str) -> str:
        if (name, KINDS[0]) not in cpu_by_kind:
            return ""
        return "   by account (province / commune / chi bộ): " + " / ".join(
            f"{statistics.fmean(cpu_by_kind[name, kind]):.0f}" for kind in KINDS
        )

    common.report(
        f"CPU per request — {Member.objects.count():,} members, production settings, "
        f"{'Redis' if os.environ.get('REDIS_URL') else 'file'} cache, test client in one process; "
        f"{REPEAT} requests × {len(KINDS)} account kinds per endpoint; load average {load[0]:.1f}",
        [
            (
                name,
                f"CPU median {statistics.median(cpu[name]):6.1f}  mean {statistics.fmean(cpu[name]):6.1f} ms"
                f"   wall median {statistics.median(wall[name]):6.1f} ms"
                f"   queries {min(queries[name])}–{max(queries[name])}" + by_kind(name),
            )
            for name in cpu
        ],
    )
    mix = {  # bench/http_load_users.py's task weights
        "member list ?q": 5,
        "member list (unit)": 1,
        "API members ?q": 3,
        "member file": 3,
        "unit page": 2,
        "unit charts panel": 2,
        "statistics": 1,
        "worklists": 1,
    }
    weighted = sum(statistics.fmean(cpu[n]) * w for n, w in mix.items()) / sum(mix.values())
    print(f"  {'the load mix, weighted mean CPU per request':<58} {weighted:.1f} ms")
    if PROFILE_DIR:
        Path(PROFILE_DIR).mkdir(parents=True, exist_ok=True)
        for name, profile in profiles.items():
            slug = "".join(c if c.isalnum() else "-" for c in name.split(":")[0]).strip("-")
            profile.dump_stats(str(Path(PROFILE_DIR) / f"{slug}.pstats"))
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
            print(f"\n### {name}: most own time\n" + "\n".join(out.getvalue().splitlines()[6:]))


if __name__ == "__main__":
    main()
