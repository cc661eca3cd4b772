"""Logins and member-file opens while a large member import runs (issue 8 §4, PostgreSQL).

Every login and every opened member file writes an audit entry; so does every imported member. Before
the audit log stopped locking a chain head, each of those requests waited for the import to commit.

The load: users log in (POST /accounts/login/, a full password hash) and open member files
(GET /members/<id>/, an audited read) at fixed rates (open loop: a request is sent on schedule whether
or not the earlier ones finished), first for ``--seconds`` with no import, then while an import of
``rows`` new members runs in another process (its own transaction, rolled back at the end so the
database is left as it was). Printed: p95 of each kind of request without and with the import and their
ratio, and the lock waits seen: a monitor samples ``pg_stat_activity`` every 20 ms for backends waiting
on a lock (``wait_event_type = 'Lock'``) and counts those running a request's statement. Goal: p95
within 2× and no request waiting on a lock; ``verify_audit`` passes afterwards.

Usage: python bench/bench_audit_contention.py [rows] [--members N] [--logins R] [--opens R] [--seconds S]
(defaults: 200,000 rows into the national database of 6,000,000 members; 5 logins/s, 20 opens/s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import common

PASSWORD = "mat-khau-bench-2026"  # noqa: S105 - a benchmark user's password


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=6_000_000, help="national data to seed if missing")
    parser.add_argument("--logins", type=float, default=5.0, help="logins per second")
    parser.add_argument("--opens", type=float, default=20.0, help="member files opened per second")
    parser.add_argument(
        "--seconds", type=float, default=0, help="length of the quiet phase (0: as the import)"
    )
    parser.add_argument("--import-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


def make_csv(rows: int, path: Path) -> None:
    import random
    from datetime import date, timedelta

    rng = random.Random(11)
    with path.open("w", encoding="utf-8") as out:
        out.write("Họ và tên,Giới tính,Ngày sinh,Số CCCD,Trạng thái,Ngày vào Đảng,Ngày chính thức\n")
        for i in range(rows):
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 35))
            admitted = born + timedelta(days=365 * 20 + rng.randrange(3650))
            out.write(
                f"Người Thử {i},{'Nữ' if i % 3 else 'Nam'},{born:%d/%m/%Y},088{born.year % 100:02d}{i:07d},"
                f"Chính thức,{admitted:%d/%m/%Y},{admitted + timedelta(days=365):%d/%m/%Y}\n"
            )


def import_only(csv: str) -> None:
    """The import, run in its own process: one transaction, rolled back after it has written."""
    common.setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from dangvu.accounts.models import User
    from dangvu.members.importer import run_import
    from dangvu.orgs.models import Org

    admin = User.objects.get(username="bench-audit-admin")
    unit = Org.objects.filter(org_type__has_members=True, status="active").order_by("path").first()
    data = Path(csv).read_bytes()

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            report = run_import(
                actor=admin, org=unit, upload=SimpleUploadedFile("m.csv", data), dry_run=False, mode="valid"
            )
            print(f"IMPORTED {report.created} {time.perf_counter() - started:.2f}", flush=True)
            raise Rollback
    except Rollback:
        pass


class Load:
    """Open-loop load at fixed rates; latencies in milliseconds by kind."""

    def __init__(self, member_ids: list[int], logins: float, opens: float) -> None:
        self.member_ids = member_ids
        self.logins, self.opens = logins, opens
        self.pool = ThreadPoolExecutor(max_workers=48)
        self.lock = threading.Lock()

    def login(self) -> float:
        from django.test import Client

        client = Client(REMOTE_ADDR="10.0.0.9")
        started = time.perf_counter()
        response = client.post("/accounts/login/", {"username": "bench-audit-reader", "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        return (time.perf_counter() - started) * 1000

    def open_file(self, client: object, member_id: int) -> float:
        started = time.perf_counter()
        response = client.get(f"/members/{member_id}/")  # type: ignore[attr-defined]
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - started) * 1000

    def run(self, seconds: float, stop: threading.Event | None = None) -> dict[str, list[float]]:
        from django.db import connections
        from django.test import Client

        from dangvu.accounts.models import User

        reader = User.objects.get(username="bench-audit-reader")
        results: dict[str, list[float]] = {"login": [], "open": []}
        futures = []
        local = threading.local()

        def timed(kind: str, index: int) -> None:
            try:
                if kind == "login":
                    value = self.login()
                else:
                    if not hasattr(local, "client"):
                        local.client = Client(REMOTE_ADDR="10.0.0.8")
                        local.client.force_login(reader)
                    value = self.open_file(local.client, self.member_ids[index % len(self.member_ids)])
                with self.lock:
                    results[kind].append(value)
            finally:
                connections.close_all()

        schedule = sorted(
            [(i / self.logins, "login", i) for i in range(int(seconds * self.logins))]
            + [(i / self.opens, "open", i) for i in range(int(seconds * self.opens))]
        )
        began = time.perf_counter()
        for at, kind, index in schedule:
            if stop is not None and stop.is_set():
                break
            delay = began + at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(self.pool.submit(timed, kind, index))
        for future in futures:
            future.result()
        return results


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)] if values else float("nan")


def monitor(stop: threading.Event, seen: dict[str, int]) -> None:
    """Count backends waiting on a lock, by whether they run the import or a request."""
    import psycopg

    with psycopg.connect(common.DATABASE_URL, autocommit=True) as connection:
        while not stop.is_set():
            rows = connection.execute(
                "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ).fetchall()
            for (query,) in rows:
                seen["samples"] += 1
                seen["import" if "COPY" in query or "member" in query.lower() else "request"] += 1
            seen["polls"] += 1
            time.sleep(0.02)


def main() -> None:
    args = parse()
    os.environ.setdefault("DANGVU_LOG_LEVEL", "WARNING")
    if args.import_only:
        import_only(args.csv)
        return
    common.ensure_national(args.members)
    from django.db import connection

    from dangvu.accounts.models import Role, User
    from dangvu.accounts.services import role_assign
    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    admin, _ = User.objects.get_or_create(username="bench-audit-admin", defaults={"is_superuser": True})
    admin.is_superuser = True
    admin.save()
    reader, created = User.objects.get_or_create(username="bench-audit-reader")
    reader.set_password(PASSWORD)
    reader.save()
    province = Org.objects.filter(depth=1).order_by("path").first()
    if created:
        role_assign(actor=admin, user=reader, role=Role.objects.get(code="quan-tri"), org=province)
    member_ids = list(
        Member.objects.filter(org__path__startswith=province.path).values_list("pk", flat=True)[:500]
    )
    csv = Path(common.ROOT / "var" / "bench" / f"audit-import-{args.rows}.csv")
    csv.parent.mkdir(parents=True, exist_ok=True)
    make_csv(args.rows, csv)
    connection.close()

    load = Load(member_ids, args.logins, args.opens)
    load.run(2)  # warm-up
    # The import's length sets the phases' length (measured first without load if not given).
    env = os.environ | {"DATABASE_URL": common.DATABASE_URL}
    script = [sys.executable, __file__, str(args.rows), "--import-only", "--csv", str(csv)]
    seconds = args.seconds
    if not seconds:
        probe = subprocess.run(script, env=env, capture_output=True, text=True, check=True)
        seconds = max(5.0, float(probe.stdout.split()[-1]))
    quiet = load.run(seconds)

    stop, seen = threading.Event(), {"samples": 0, "import": 0, "request": 0, "polls": 0}
    watcher = threading.Thread(target=monitor, args=(stop, seen))
    watcher.start()
    started = time.perf_counter()
    importer = subprocess.Popen(script, env=env, stdout=subprocess.PIPE, text=True)
    busy = load.run(seconds)
    out, _ = importer.communicate()
    import_seconds = time.perf_counter() - started
    stop.set()
    watcher.join()

    from django.core.management import call_command

    verified = "passes"
    try:
        call_command("verify_audit", verbosity=0)
    except Exception as error:
        verified = f"FAILS: {error}"
    rows = []
    for kind in ("login", "open"):
        a, b = p95(quiet[kind]), p95(busy[kind])
        rows.append((f"{kind}: p95 without / with the import (ms)", f"{a:.0f} / {b:.0f}  ratio {b / a:.2f}"))
        rows.append((f"{kind}: requests without / with", f"{len(quiet[kind])} / {len(busy[kind])}"))
    rows += [
        ("import", f"{args.rows:,} rows; {out.strip()} (created, seconds); wall {import_seconds:.1f} s"),
        ("lock waits seen: request backends / import backends", f"{seen['request']} / {seen['import']}"),
        ("monitor polls (every 20 ms)", str(seen["polls"])),
        ("verify_audit afterwards", verified),
    ]
    common.report(
        f"Audit contention: {args.logins:g} logins/s + {args.opens:g} file opens/s during an import", rows
    )


if __name__ == "__main__":
    main()
