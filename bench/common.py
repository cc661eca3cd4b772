"""Shared set-up for benchmarks: a PostgreSQL database holding the national demo data.

Benchmarks run against ``DANGVU_BENCH_DATABASE_URL`` (default: the local PostgreSQL, database
``dangvu_bench``). ``ensure_national(members)`` loads ``seed_demo --national`` once and reuses it.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("DANGVU_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangvu_bench")


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
