"""`seed_demo --national --members N` on PostgreSQL: the whole command's rate, against a bare COPY.

The figure is the whole command (``call_command("seed_demo", "--national", "--members", N)`` on an
empty, migrated database): the ~59,000 units, the members' generation and COPY, their indexes and
constraints, the name tokens, ANALYZE, the roll-ups and statistics cells, and the demo extras (terms,
log-ins, the demo proposal). Migrating the empty database is timed apart: it is not the seed. Each
step's seconds are printed, so the slow one is plain.

Baseline (same run): COPY of the same number of pre-generated rows into an unindexed temporary
table. Goal: ≥ 50,000 member rows/s for the whole command.

Usage: python bench/bench_seed.py [members]   (default 6,000,000; drops and recreates the bench database)
"""

from __future__ import annotations

import os
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
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    drop_database()
    common.create_database()
    common.setup_django()
    from django.core.management import call_command

    from dangvu.demo.management.commands.seed_demo import Command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    command = Command()
    cpu = time.process_time()
    call_command(command, "--national", "--members", str(MEMBERS))
    total = time.perf_counter() - migrated
    cpu = time.process_time() - cpu
    result = command.result
    baseline = bare_copy(min(MEMBERS, 2_000_000))
    from dangvu.members.models import MemberNameToken
    from dangvu.orgs.models import Org

    rate = result.members / total
    lines = [
        ("units", f"{Org.objects.count():,}"),
        ("members", f"{result.members:,}"),
        ("name tokens", f"{MemberNameToken.objects.count():,}"),
        ("(migrating the empty database, not counted), s", f"{migrated - started:.1f}"),
    ]
    lines += [(f"  {step}, s", f"{seconds:.1f}") for step, seconds in result.phases.items()]
    lines += [
        ("whole command, s", f"{total:.1f}  (this process's CPU {cpu:.1f} s)"),
        ("whole command: member rows/s", f"{rate:,.0f}"),
        ("baseline: bare COPY into an unindexed table, rows/s", f"{baseline:,.0f}"),
        ("ratio seed / bare COPY", f"{rate / baseline:.3f}"),
        (
            "ratio seed / goal (50,000 rows/s for the whole command)",
            f"{rate / 50_000:.2f}  ({'meets' if rate >= 50_000 else 'MISSES'} the goal)",
        ),
    ]
    common.report(f"seed_demo --national --members {MEMBERS:,} (PostgreSQL), the whole command", lines)


if __name__ == "__main__":
    main()
