"""Logins and member-file opens while a large member import runs (issue 8 §4, PostgreSQL).

Every login and every opened member file writes an audit entry; so does every imported member. Before
the audit log stopped locking a chain head, each of those requests waited for the import to commit.

The load: users log in (POST /accounts/login/, a full password hash) and open member files
(GET /members/<id>/, an audited read) at fixed rates (open loop: a request is sent on schedule whether
or not the earlier ones finished) below saturation (scaled down from the asked rates so that the web
workers are busy at most half the time, measured one request at a time first), against gunicorn with a
job worker chaining the log: first for ``--seconds`` with no import, then for as long again while
imports of ``rows`` new members run back to back in another process (each in its own transaction,
rolled back at the end so the database is left as it was), as the import job runs it: at the bulk jobs'
priority (``dangvu.core.priority``: a thread with a raised nice value, pausing between batches when the
requests want the CPUs; ``--priority full`` runs it as before). Printed: p95 of each kind of request
without and with the import and their ratio, and the lock waits seen: a monitor samples
``pg_stat_activity`` every 20 ms for backends waiting on a lock (``wait_event_type = 'Lock'``) and
names who blocks them. Goal: p95 within 2× and no request waiting on a lock; ``verify_audit`` passes
afterwards.

Usage: python bench/bench_audit_contention.py [rows] [--members N] [--logins R] [--opens R] [--seconds S]
[--priority bulk|full]
(defaults: 200,000 rows into the national database of 6,000,000 members; 5 logins/s, 20 opens/s).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import common

PASSWORD = "mat-khau-bench-2026"  # noqa: S105 - a benchmark user's password
USERS = 20  # logins rotate over these users (one user's logins would queue on its own row)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=6_000_000, help="national data to seed if missing")
    parser.add_argument("--logins", type=float, default=5.0, help="logins per second")
    parser.add_argument("--opens", type=float, default=20.0, help="member files opened per second")
    parser.add_argument(
        "--seconds", type=float, default=0, help="length of each phase (0: as the import alone)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--import-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--priority",
        choices=("bulk", "full"),
        default="bulk",
        help="the import at the bulk jobs' priority (as its job runs it; default) or at full priority",
    )
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


def import_only(csv: str, priority: str) -> None:
    """The import, run in its own process: one transaction, rolled back after it has written."""
    common.setup_django()
    from dangvu.core.priority import _PACER, at_bulk_priority, thread_cpu_times

    def pacer_paused() -> float:
        pacer = _PACER.get()
        return pacer.paused if pacer else 0.0

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

    def body() -> None:
        started = time.perf_counter()
        cpu = thread_cpu_times() or (0.0, 0.0)
        try:
            with transaction.atomic():
                report = run_import(
                    actor=admin,
                    org=unit,
                    upload=SimpleUploadedFile("m.csv", data),
                    dry_run=False,
                    mode="valid",
                )
                now = thread_cpu_times() or (0.0, 0.0)
                print(
                    f"IMPORTED {report.created} rows; ran {now[0] - cpu[0]:.1f} s, waited for a CPU"
                    f" {now[1] - cpu[1]:.1f} s, paused {pacer_paused():.1f} s;"
                    f" {time.perf_counter() - started:.2f}",
                    flush=True,
                )
                raise Rollback
        except Rollback:
            pass

    # As the import job runs it (dangvu.members.tasks): at the bulk jobs' priority, unless --full-priority.
    if priority == "bulk":
        at_bulk_priority(body)
    else:
        body()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)


def log_in(client: urllib.request.OpenerDirector, base: str, username: str) -> None:
    page = client.open(f"{base}/accounts/login/", timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, "no CSRF token on the login page"
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD}
    ).encode()
    try:
        client.open(f"{base}/accounts/login/", data=form, timeout=120)
    except urllib.error.HTTPError as answer:
        if answer.code == 302:
            return
        raise
    raise AssertionError(f"the login of {username} was refused")


class Load:
    """Open-loop load at fixed rates against the server; latencies in milliseconds by kind."""

    def __init__(
        self, base: str, users: list[str], member_ids: list[int], logins: float, opens: float
    ) -> None:
        self.base, self.users, self.member_ids = base, users, member_ids
        self.logins, self.opens = logins, opens
        self.pool = ThreadPoolExecutor(max_workers=64)
        self.lock = threading.Lock()
        self.local = threading.local()
        self.errors = 0
        self.error_kinds: set[str] = set()

    def login(self, index: int) -> None:
        log_in(opener(), self.base, self.users[index % len(self.users)])

    def open_file(self, index: int) -> None:
        if not hasattr(self.local, "client"):
            self.local.client = opener()
            log_in(self.local.client, self.base, self.users[0])
        member_id = self.member_ids[index % len(self.member_ids)]
        with self.local.client.open(f"{self.base}/members/{member_id}/", timeout=120) as answer:
            assert answer.status == 200
            answer.read()

    def run(self, seconds: float) -> dict[str, list[float]]:
        results: dict[str, list[float]] = {"login": [], "open": []}

        def timed(kind: str, index: int) -> None:
            started = time.perf_counter()
            try:
                self.login(index) if kind == "login" else self.open_file(index)
            except (OSError, AssertionError) as error:
                with self.lock:
                    self.errors += 1
                    self.error_kinds.add(f"{kind}: {error!r}"[:120])
                return
            with self.lock:
                results[kind].append((time.perf_counter() - started) * 1000)

        schedule = sorted(
            [(i / self.logins, "login", i) for i in range(int(seconds * self.logins))]
            + [(i / self.opens, "open", i) for i in range(int(seconds * self.opens))]
        )
        began = time.perf_counter()
        futures = []
        for at, kind, index in schedule:
            delay = began + at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(self.pool.submit(timed, kind, index))
        for future in futures:
            future.result()
        return results


def serial(request: Any, count: int = 5) -> float:
    """The median time of ``count`` requests sent one after the other (milliseconds)."""
    times = []
    for index in range(count):
        started = time.perf_counter()
        request(index)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[count // 2]


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)] if values else float("nan")


MONITOR = """
SELECT a.pid, a.query_start::text, a.application_name, a.locktype_query,
       COALESCE((SELECT array_agg(b.application_name) FROM pg_stat_activity b
                 WHERE b.pid = ANY(pg_blocking_pids(a.pid))), '{}')
FROM (SELECT pid, query_start, application_name, left(query, 60) AS locktype_query
      FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()) a
"""


def monitor(stop: threading.Event, waits: dict[tuple[int, str], tuple[str, str, list[str]]]) -> None:
    """Every 20 ms: the backends waiting on a lock, who they are and who blocks them."""
    import psycopg

    with psycopg.connect(common.DATABASE_URL, autocommit=True) as connection:
        while not stop.is_set():
            for pid, started, name, query, blockers in connection.execute(MONITOR).fetchall():
                waits[(pid, started)] = (name, query, list(blockers))
            time.sleep(0.02)


def start(command: list[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env=env | {"PGAPPNAME": name},
        cwd=common.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    args = parse()
    os.environ.setdefault("DANGVU_LOG_LEVEL", "WARNING")
    if args.import_only:
        import_only(args.csv, args.priority)
        return
    load_at_start = os.getloadavg()[0]
    common.ensure_national(args.members)
    from dangvu.accounts.models import Role, User
    from dangvu.accounts.services import role_assign
    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    admin, _ = User.objects.get_or_create(username="bench-audit-admin", defaults={"is_superuser": True})
    province = Org.objects.filter(depth=1).order_by("path").first()
    assert province is not None
    users = [f"bench-audit-reader-{i}" for i in range(USERS)]
    for username in users:
        reader, created = User.objects.get_or_create(username=username)
        if created:
            reader.set_password(PASSWORD)
            reader.save()
            role_assign(actor=admin, user=reader, role=Role.objects.get(code="quan-tri"), org=province)
    member_ids = list(
        Member.objects.filter(org__path__startswith=province.path).values_list("pk", flat=True)[:500]
    )
    csv = Path(common.ROOT / "var" / "bench" / f"audit-import-{args.rows}.csv")
    csv.parent.mkdir(parents=True, exist_ok=True)
    make_csv(args.rows, csv)

    port = free_port()
    env = os.environ | {
        "DATABASE_URL": common.DATABASE_URL,
        "PYTHONPATH": str(common.ROOT),
        "DANGVU_BIND": f"127.0.0.1:{port}",
        "DANGVU_WEB_WORKERS": str(args.workers),
        "DANGVU_WEB_THREADS": "1",
        "DANGVU_DB_CONN_MAX_AGE": "600",
    }
    bin_dir = Path(sys.executable).parent
    server = start([str(bin_dir / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "dangvu.wsgi"], env, "web")
    jobs = start([str(bin_dir / "dangvu"), "run_huey", "--workers", "1"], env, "jobs")
    script = [
        sys.executable,
        __file__,
        str(args.rows),
        "--import-only",
        "--csv",
        str(csv),
        "--priority",
        args.priority,
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        load = Load(base, users, member_ids, args.logins, args.opens)
        load.run(3)  # warm-up: every worker and thread has a session
        # Below saturation: measured one at a time, the requests' service times bound the rates so that
        # the workers are busy at most half the time (the machine may be shared).
        service = {"login": serial(load.login), "open": serial(load.open_file)}
        capacity = min(args.workers, os.cpu_count() or 1)
        busy_share = (args.logins * service["login"] + args.opens * service["open"]) / 1000 / capacity
        scale = min(1.0, 0.5 / busy_share)
        load.logins, load.opens = args.logins * scale, args.opens * scale
        seconds = args.seconds
        if not seconds:  # the phases last as long as the import alone
            probe = subprocess.run(script, env=env, capture_output=True, text=True, check=True)
            seconds = max(5.0, float(probe.stdout.split()[-1]))
        load.errors = 0
        quiet = load.run(seconds)
        quiet_errors = load.errors

        stop, waits = threading.Event(), {}
        watcher = threading.Thread(target=monitor, args=(stop, waits))
        watcher.start()
        imports: list[str] = []
        phase_over = threading.Event()

        def import_again_and_again() -> None:  # back to back, so that the whole phase has one running
            while not phase_over.is_set():
                done = subprocess.run(
                    script, env=env | {"PGAPPNAME": "import"}, capture_output=True, text=True, check=False
                )
                imports.append(done.stdout.strip() or f"failed: {done.stderr.strip()[-200:]}")

        importing = threading.Thread(target=import_again_and_again)
        started = time.perf_counter()
        importing.start()
        time.sleep(1)  # the import process starts up and reads its file before it writes
        load.errors = 0
        busy = load.run(seconds)
        phase_over.set()
        importing.join()
        import_seconds = time.perf_counter() - started
        stop.set()
        watcher.join()
    finally:
        for process in (server, jobs):
            process.terminate()
            process.wait(timeout=60)

    from django.core.management import call_command

    verified = "passes"
    try:
        call_command("verify_audit", verbosity=0)
    except Exception as error:  # reported, not raised
        verified = f"FAILS: {error}"
    request_waits = [w for w in waits.values() if w[0] == "web"]
    behind_import = [w for w in request_waits if "import" in w[2]]
    rows = [
        ("load average (1 min) at the start / at the end", f"{load_at_start:.1f} / {os.getloadavg()[0]:.1f}"),
        ("the import's priority", "bulk jobs' (dangvu.core.priority)" if args.priority == "bulk" else "full"),
        ("service time one at a time: login / open (ms)", f"{service['login']:.0f} / {service['open']:.0f}"),
        (
            "rates used: logins/s, opens/s",
            f"{load.logins:.2f}, {load.opens:.2f} (asked {args.logins:g}, {args.opens:g})",
        ),
    ]
    for kind in ("login", "open"):
        a, b = p95(quiet[kind]), p95(busy[kind])
        rows.append((f"{kind}: p95 without / with the import (ms)", f"{a:.0f} / {b:.0f}  ratio {b / a:.2f}"))
        rows.append((f"{kind}: requests done without / with", f"{len(quiet[kind])} / {len(busy[kind])}"))
    rows += [
        ("failed requests without / with", f"{quiet_errors} / {load.errors}"),
        (
            "imports run back to back during the phase",
            f"{len(imports)} of {args.rows:,} rows, {import_seconds:.0f} s",
        ),
        *(("  an import: created, seconds", line) for line in imports),
        ("lock waits of requests (sampled every 20 ms)", str(len(request_waits))),
        ("  of which behind the import", str(len(behind_import))),
        ("lock waits of other backends", str(len(waits) - len(request_waits))),
        ("verify_audit afterwards", verified),
        *(("  a failure", kind) for kind in sorted(load.error_kinds)[:5]),
    ]
    for name, query, blockers in list(waits.values())[:5]:
        rows.append((f"  a wait: {name} blocked by {','.join(blockers) or '?'}", query.replace("\n", " ")))
    common.report(
        f"Audit contention: {load.logins:.2f} logins/s + {load.opens:.2f} file opens/s during an import "
        f"(gunicorn {args.workers} workers, a job worker chaining)",
        rows,
    )


if __name__ == "__main__":
    main()
