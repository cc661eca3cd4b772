"""Member import with full validation, against a bare COPY of the same rows (issue 3).

A CSV of N new members (names, sex, dates, CCCD, chi bộ code, status, ethnicity, hometown) is imported
by ``run_import`` (read, map columns, validate every cell and rule, match existing CCCDs, insert, history
rows, roll-ups, audit) into a chi bộ of the national database. Baseline in the same run: COPY of the same
rows, prepared in advance, into the same indexed member table. Both run in a transaction that is
rolled back, so the database is left as it was. Goal: import rate ≥ 1/5 of the COPY rate.

Usage: python bench/bench_member_import.py [rows]   (default 20,000)
"""

from __future__ import annotations

import io
import random
import sys
import time
from datetime import date, timedelta

import common

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


class Rollback(Exception):
    pass


def main() -> None:
    common.ensure_national(6_000_000)
    from django.db import connection, transaction

    from dangvu.accounts.models import User
    from dangvu.core.text import fold, sort_key
    from dangvu.demo import names
    from dangvu.demo.generator import LOAD_DEFAULTS
    from dangvu.members.importer import run_import
    from dangvu.members.models import Ethnicity
    from dangvu.members.search import index_words
    from dangvu.orgs.models import Org

    rng = random.Random(5)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin")
    unit = Org.objects.filter(org_type__has_members=True, status="active").order_by("path").first()
    assert unit is not None
    kinh = Ethnicity.objects.get(name="Kinh")
    families = [f for f, _w in names.FAMILY]
    people = []
    for i in range(ROWS):
        female = rng.random() < 0.4
        middle = rng.choice(names.MIDDLE_FEMALE if female else names.MIDDLE_MALE)
        given = rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        admitted = born + timedelta(days=365 * 20 + rng.randrange(3650))
        people.append(
            {
                "name": f"{rng.choice(families)} {middle} {given}",
                "female": female,
                "born": born,
                "cccd": f"099{born.year % 100:02d}{i:07d}",
                "admitted": admitted,
                "recognized": admitted + timedelta(days=365),
            }
        )
    csv = io.StringIO()
    csv.write(
        "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Trạng thái,Ngày vào Đảng,Ngày chính thức,Dân tộc,Quê quán\n"
    )
    for p in people:
        csv.write(
            f"{p['name']},{'Nữ' if p['female'] else 'Nam'},{p['born']:%d/%m/%Y},{p['cccd']},Chính thức,"
            f"{p['admitted']:%d/%m/%Y},{p['recognized']:%d/%m/%Y},Kinh,Xã An Phú\n"
        )
    data = csv.getvalue().encode("utf-8")

    columns = [
        "full_name",
        "sex",
        "birth_date",
        "cccd",
        "org_id",
        "status",
        "admitted_on",
        "recognized_on",
        "ethnicity_id",
        "hometown",
        "search_text",
        "search_words",
        "sort_key",
    ]
    copy_text = "".join(
        "\t".join(
            [
                p["name"],
                "female" if p["female"] else "male",
                p["born"].isoformat(),
                p["cccd"],
                str(unit.pk),
                "official",
                p["admitted"].isoformat(),
                p["recognized"].isoformat(),
                str(kinh.pk),
                "Xã An Phú",
                fold(p["name"]),
                index_words(fold(p["name"])),
                sort_key(p["name"])[:400],
            ]
        )
        + "\n"
        for p in people
    )

    def bare_copy() -> float:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # NOT NULL columns the COPY leaves out get their model defaults for the load.
                cursor.execute(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_name = 'members_member' AND is_nullable = 'NO'"
                    " AND column_default IS NULL AND is_identity = 'NO' AND column_name <> ALL(%s)",
                    [columns],
                )
                for column, kind in cursor.fetchall():
                    default = LOAD_DEFAULTS.get(column) or (
                        "now()" if "timestamp" in kind else "0" if "int" in kind else "''"
                    )
                    cursor.execute(
                        f'ALTER TABLE members_member ALTER COLUMN "{column}" SET DEFAULT {default}'
                    )
                started = time.perf_counter()
                with cursor.cursor.copy(f"COPY members_member ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(copy_text)
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            return elapsed

    def full_import() -> tuple[float, int]:
        try:
            with transaction.atomic():
                started = time.perf_counter()
                report = run_import(actor=admin, org=unit, upload=io.BytesIO(data), dry_run=False, mode="all")
                elapsed = time.perf_counter() - started
                created = report.created
                if not created:
                    print("import refused:", report.as_dict()["errors"][:5])
                raise Rollback
        except Rollback:
            return elapsed, created

    copy_seconds = min(bare_copy() for _ in range(2))
    import_seconds, created = full_import()
    assert created == ROWS, f"imported {created} of {ROWS} rows"
    copy_rate, import_rate = ROWS / copy_seconds, ROWS / import_seconds
    ratio = import_rate / copy_rate
    common.report(
        f"Member import — {ROWS:,} rows into {unit.name} (table of 6,000,000 members)",
        [
            ("import with full validation, rows/s", f"{import_rate:,.0f}"),
            ("baseline: bare COPY of the same rows into the same table, rows/s", f"{copy_rate:,.0f}"),
            ("ratio import / COPY", f"{ratio:.3f}  (goal ≥ 0.2: {'met' if ratio >= 0.2 else 'MISSED'})"),
        ],
    )


if __name__ == "__main__":
    main()
