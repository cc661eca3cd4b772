"""Shared set-up for benchmarks: a PostgreSQL database holding the national demo data.

Benchmarks run against ``DANGVU_BENCH_DATABASE_URL`` (default: the local PostgreSQL, database
``dangvu_bench``). ``ensure_national(members)`` loads ``seed_demo --national`` once and reuses it.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("DANGVU_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangvu_bench")
# Every process of the benchmarks (seeds, servers started with a random SECRET_KEY, job workers,
# verify_audit) signs the audit log with this one key, so that the bench database's log still verifies
# after any of them ran (a server's random SECRET_KEY would otherwise key its entries' MACs).
os.environ.setdefault("DANGVU_AUDIT_KEY", "dangvu-bench-only-audit-key-not-a-secret-000000")


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    os.environ.setdefault("DANGVU_DATA_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()


def create_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def ensure_national(members: int, seed: int = 2026) -> dict[str, float]:
    """Migrate and seed the national data if the bench database does not hold it yet."""
    create_database()
    setup_django()
    from django.core.management import call_command

    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    call_command("migrate", verbosity=0)
    if Org.objects.exists():
        return {"reused": 1.0, "members": float(Member.objects.count())}
    from dangvu.demo.generator import seed as run_seed

    result, _ids, _plan = run_seed(members=members, seed=seed, national=True)
    return {
        "units": result.units,
        "members": result.members,
        "rows_per_second": result.member_rows_per_second,
        "seconds_members": result.seconds_members,
    }


def timed(function: Callable[[], object], repeat: int = 20, warmup: int = 2) -> dict[str, float]:
    """Wall times in milliseconds: median and p95 over ``repeat`` runs."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
        "samples": samples,  # type: ignore[dict-item]
    }


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n## {title}")
    for label, value in rows:
        print(f"  {label:<58} {value}")


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (``VmHWM``: unlike ``ru_maxrss``, which a child
    inherits from its parent at fork, it starts afresh at exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def explain_summary(sql: str, params: list[object] | tuple[object, ...] = ()) -> str:
    """One line about a query's plan: the node types from the top, and the planner's cost and rows."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    nodes: list[str] = []

    def walk(node: dict[str, object], depth: int) -> None:
        if depth > 4:
            return
        label = str(node["Node Type"])
        if node.get("Index Name"):
            label += f" using {node['Index Name']}"
        elif node.get("Relation Name"):
            label += f" on {node['Relation Name']}"
        nodes.append(label)
        for child in node.get("Plans", []) or []:  # type: ignore[union-attr]
            walk(child, depth + 1)  # type: ignore[arg-type]

    walk(top, 0)
    return f"{' > '.join(nodes)}; cost {top['Total Cost']:,.0f}, est. rows {top['Plan Rows']:,}"


def print_baseline(title: str, sql: str, params: list[object] | tuple[object, ...] = ()) -> None:
    """Print a baseline's SQL (with its parameters) and its plan summary."""
    print(f"\n  baseline — {title}:")
    print("    SQL:  " + " ".join(sql.split()))
    if params:
        print(f"    with: {list(params)!r}")
    print(f"    plan: {explain_summary(sql, params)}")


def make_cold() -> bool:
    """Cold cache: restart PostgreSQL and evict its data files from the OS page cache (``vmtouch -e``),
    so the next query reads from disk. Only with ``BENCH_COLD=1`` (it restarts the server). Needs the
    server's data directory on this machine and the right to restart it: ``DANGVU_BENCH_PG_RESTART``
    (a shell command; default: ``pg_ctl restart`` of the data directory as the postgres user).
    Returns False (no cold figures) when that is not possible."""
    import shutil
    import subprocess

    from django.db import connection, connections

    if os.environ.get("BENCH_COLD") != "1" or not shutil.which("vmtouch"):
        return False  # restarting a shared server would cut off everyone else: opt in
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_dir = cursor.fetchone()[0]
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    connections.close_all()
    pg_ctl = f"/usr/lib/postgresql/{major}/bin/pg_ctl"
    log = f"{data_dir}/bench-restart.log"
    restart = os.environ.get(
        "DANGVU_BENCH_PG_RESTART", f"su postgres -c '{pg_ctl} -D {data_dir} -l {log} restart -m fast -w -s'"
    )
    # The server must not inherit a pipe of ours (the run would wait for it to close): it logs to a file.
    done = subprocess.run(  # noqa: S602
        restart,
        shell=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        print(f"  (cold runs skipped: restart failed: {done.stderr.strip()[:200]})")
        return False
    subprocess.run(["vmtouch", "-q", "-e", data_dir], check=False)
    return True


def typed_query(kind: str, name: str, folded: list[str], cccd: str, rng: Any, style: int) -> str:
    """A query as a user types it, made from a member's name (``folded``: its folded words) or CCCD, for
    the classes ``two`` (two adjacent words), ``full`` (the whole name: folded, decomposed accents, or
    "D" for "Đ" by ``style`` % 3), ``prefix`` (whole words, then the first 3 letters of the next) and
    ``cccd`` (its first 6–9 digits). The ``common`` class is drawn by each benchmark from its own pool."""
    import unicodedata

    if kind == "two":
        start = rng.randrange(len(folded) - 1)
        return " ".join(folded[start : start + 2])
    if kind == "full":
        if style % 3 == 0:
            return " ".join(folded)
        if style % 3 == 1:
            return unicodedata.normalize("NFD", name)
        return name.replace("Đ", "D").replace("đ", "d")
    if kind == "prefix":
        cut = rng.randrange(len(folded))
        return " ".join([*folded[:cut], folded[cut][:3]])
    return (cccd or "")[: rng.randint(6, 9)]
