"""`seed_demo --national --members N` on PostgreSQL: member rows per second, against a bare COPY.

Baseline (same run): COPY of the same number of pre-generated rows into an unindexed temporary
table. The ratio shows what generation, validation-free derivation (folded names, sort keys, CCCD)
and the indexed target table cost. Goal: ≥ 50,000 rows/s for the whole seed.

Usage: python bench/bench_seed.py [members]   (default 6,000,000; drops and recreates the bench database)
"""

from __future__ import annotations

import sys
import time

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000


def drop_database() -> None:
    import psycopg

    name = common.DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(common.DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bare_copy(rows: int) -> float:
    from django.db import connection

    line = "Nguyễn Văn An\tmale\t1970-01-01\t001070000001\t1\tofficial\t1990-01-01\tnguyen van an\t1010\n"
    payload = line * 50_000
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bare (full_name text, sex text, birth_date date, cccd text, org_id bigint,"
            " status text, admitted_on date, search_text text, sort_key text)"
        )
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bare FROM STDIN") as copy:
            for _ in range(rows // 50_000):
                copy.write(payload)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bare")
    return rows / elapsed


def main() -> None:
    drop_database()
    started = time.perf_counter()
    figures = common.ensure_national(MEMBERS)
    total = time.perf_counter() - started
    baseline = bare_copy(min(MEMBERS, 2_000_000))
    from dangvu.orgs.models import Org

    rate = figures["rows_per_second"]
    common.report(
        f"seed_demo --national --members {MEMBERS:,} (PostgreSQL)",
        [
            ("units", f"{Org.objects.count():,}"),
            ("members loaded", f"{int(figures['members']):,} in {figures['seconds_members']:.1f} s"),
            ("member rows/s (generation + COPY + index rebuild)", f"{rate:,.0f}"),
            ("baseline: bare COPY into an unindexed table, rows/s", f"{baseline:,.0f}"),
            ("ratio seed / bare COPY", f"{rate / baseline:.3f}"),
            (
                "ratio seed / goal (50,000 rows/s)",
                f"{rate / 50_000:.2f}  ({'meets' if rate >= 50_000 else 'MISSES'} the goal)",
            ),
            ("whole command incl. units and roll-ups, s", f"{total:.1f}"),
        ],
    )


if __name__ == "__main__":
    main()
