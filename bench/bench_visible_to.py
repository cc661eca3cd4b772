"""``visible_to`` with several relations on a list of up to 1,000,000 rows (issue 8, §2 and Performance).

The documents list: a document belongs to the unit whose register holds it (through the tree), to the
lead and coordinating units of its active assignment (to-many relations) and to people (the lead
handler, the drafter) — ``DocumentQuerySet.relations``. Documents are seeded into the national tree in
SQL (``INSERT … SELECT generate_series``), about one in five with an assignment (a lead unit, one in ten
of those with a coordinating unit) and one in 500 with the chi bộ secretary as lead handler.

For each size (10k, 100k, 1M rows) the first page (50 rows, newest first, as ``documents.selectors``
serves the list and ``LargeListPaginator`` pages it: the keys, then their rows) is read for
  * a chi bộ secretary (``lanh-dao`` at one chi bộ and its subtree, plus the documents assigned to them),
  * a provincial clerk (``van-thu`` at a provincial committee and its subtree),
and against the baseline measured in the same run: the unscoped first page of the same table. It prints
p95 and the ratio to the baseline, the queries per page (goal: the same at every size), and the plans
(EXPLAIN ANALYZE) at the largest size. Goal: first page p95 ≤ 100 ms for both at 1,000,000 rows.

Usage: python bench/bench_visible_to.py [max_rows]   (default 1,000,000). Database:
``DANGVU_BENCH_DATABASE_URL`` (see bench/common.py); ``DANGVU_BENCH_MEMBERS`` sizes the national seed if
the database is new (default 6,000,000; the members do not matter here). Documents are kept between runs
(subject "bench visible_to …"); each run empties the table and seeds it again, size by size.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import common

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
MAX_ROWS = int(ARGS[0]) if ARGS and ARGS[0].isdigit() else 1_000_000
SIZES = [size for size in (10_000, 100_000, 1_000_000) if size < MAX_ROWS] + [MAX_ROWS]
PAGE = 50
MARK = "bench visible_to"


def seed_documents(target: int, units: list[int], secretary_id: int, creator_id: int) -> float:
    """Top the bench's documents up to ``target`` rows in SQL; returns the seconds it took."""
    from django.db import connection

    from dangvu.documents.models import Assignment, Document, DocumentType

    have = Document.objects.filter(subject__startswith=MARK).count()
    if have >= target:
        return 0.0
    started = time.perf_counter()
    doc_type = DocumentType.objects.order_by("pk").values_list("pk", flat=True).first()
    expressions = {  # SQL over i, the row's number; %% is a modulo
        "direction": "CASE WHEN i %% 2 = 0 THEN 'incoming' ELSE 'outgoing' END",
        "registry_org_id": "(%(units)s::bigint[])[1 + (hashint4(i) & 2147483647) %% %(n)s]",
        "status": "CASE WHEN i %% 2 = 0 THEN 'registered' ELSE 'issued' END",
        "doc_type_id": "%(doc_type)s",
        "subject": f"'{MARK} ' || i",
        "created_at": "now() - make_interval(mins => %(target)s - i)",
        "updated_at": "now() - make_interval(mins => %(target)s - i)",
        "created_by_id": "%(creator)s",
        "secrecy": "''",
        "register_year": "2026",
    }
    columns, values, params = [], [], {}
    for field in Document._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in expressions:
            values.append(expressions[field.attname])
        elif field.null:
            values.append("NULL")
        else:
            name = f"default_{field.attname}"
            params[name] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f"%({name})s")
    params |= {"units": units, "n": len(units), "doc_type": doc_type, "target": target, "creator": creator_id}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO documents_document ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM generate_series(%(have)s + 1, %(target)s) AS i",
            params | {"have": have},
        )
        first = Document.objects.filter(subject=f"{MARK} {have + 1}").values_list("pk", flat=True).get()
        # An assignment for one document in five: a lead unit, and for one in 500 the secretary as
        # the lead handler; one assignment in ten has a coordinating unit.
        cursor.execute(
            f"INSERT INTO {Assignment._meta.db_table} (document_id, instruction, lead_org_id, lead_user_id,"
            " deadline, active, assigned_at)"
            " SELECT d.id, 'Giao xử lý', (%(units)s::bigint[])[1 + (hashint4(d.id::int + 7) & 2147483647) %% %(n)s],"
            " CASE WHEN d.id %% 500 = 0 THEN %(secretary)s END, NULL, true, d.created_at"
            " FROM documents_document d WHERE d.id >= %(first)s AND d.id %% 5 = 0",
            {"units": units, "n": len(units), "secretary": secretary_id, "first": first},
        )
        through = Assignment.coordinators.through._meta.db_table
        cursor.execute(
            f"INSERT INTO {through} (assignment_id, org_id)"
            " SELECT a.id, (%(units)s::bigint[])[1 + (hashint4(a.id::int + 13) & 2147483647) %% %(n)s]"
            f" FROM {Assignment._meta.db_table} a WHERE a.document_id >= %(first)s AND a.id %% 10 = 0",
            {"units": units, "n": len(units), "first": first},
        )
    with connection.cursor() as cursor:  # VACUUM cannot run in a transaction block: its own statements
        # A table in use has been vacuumed (the visibility map lets the keys come from the index alone).
        for table in ("documents_document", Assignment._meta.db_table, through):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def reset_documents() -> None:
    """Start from an empty list, so that every size is measured on a table of that size."""
    from django.db import connection

    from dangvu.documents.models import Document

    if Document.objects.exclude(subject__startswith=MARK).exists():
        raise SystemExit("the bench database holds other documents: use a database of its own")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE documents_assignment_coordinators, documents_assignment, documents_document CASCADE"
        )


def bench_user(username: str, role_code: str, org: Any) -> Any:
    from datetime import date

    from dangvu.accounts.models import Role, RoleAssignment, User

    user, _created = User.objects.get_or_create(username=username, defaults={"full_name": username})
    RoleAssignment.objects.get_or_create(
        user=user,
        role=Role.objects.get(code=role_code),
        org=org,
        defaults={"include_subtree": True, "valid_from": date(2020, 1, 1)},
    )
    return user


def first_page(user_id: int | None) -> tuple[list[Any], int]:
    """The list's first page as a request reads it (the user loaded afresh); rows and query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvu.accounts.models import User
    from dangvu.core.paging import LargeListPaginator
    from dangvu.documents.models import Document
    from dangvu.documents.selectors import DocumentFilter, documents

    with CaptureQueriesContext(connection) as queries:
        if user_id is None:
            rows = Document.objects.order_by("-created_at", "-pk")
        else:
            rows = documents(User.objects.get(pk=user_id), DocumentFilter())
        # As the list pages it (``LargeListPaginator``): the page's keys, then their rows.
        page = list(LargeListPaginator(rows.select_related("doc_type", "registry_org"), PAGE).page(1))
    return page, len(queries)


def plan(user_id: int) -> str:
    from django.db import connection

    from dangvu.accounts.models import User
    from dangvu.documents.selectors import DocumentFilter, documents

    # The first of the page's two queries: its keys (the second fetches 50 rows by key).
    query = documents(User.objects.get(pk=user_id), DocumentFilter()).values_list("pk", flat=True)[: PAGE + 1]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        return "\n".join(f"    {line}" for (line,) in cursor.fetchall())


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    common.ensure_national(int(os.environ.get("DANGVU_BENCH_MEMBERS", 6_000_000)))
    from dangvu.accounts.models import User
    from dangvu.orgs.models import Org

    root = Org.objects.filter(depth=1).order_by("path").first()
    assert root is not None
    province = (
        Org.objects.filter(depth=2, status="active", org_type__code="dang-bo-tinh").order_by("path").first()
    )
    assert province is not None
    chi_bo = (
        Org.objects.filter(path__startswith=province.path, org_type__has_members=True, status="active")
        .order_by("path")
        .first()
    )
    assert chi_bo is not None
    secretary = bench_user("bench-bi-thu-chi-bo", "lanh-dao", chi_bo)
    clerk = bench_user("bench-van-thu-tinh", "van-thu", province)
    creator = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin")
    units = list(Org.objects.filter(status="active").values_list("pk", flat=True))
    in_province = Org.objects.filter(path__startswith=province.path).count()
    print(f"units: {len(units):,}; {province.name}: {in_province:,} units; chi bộ: {chi_bo.name}")
    counts: dict[str, list[int]] = {"secretary": [], "province": [], "unscoped": []}
    reset_documents()
    for size in SIZES:
        seconds = seed_documents(size, units, secretary.pk, creator.pk)
        baseline = common.timed(lambda: first_page(None))
        lines = [("seeded (s)", f"{seconds:.1f}")]
        lines.append(("baseline: unscoped first page, p95 ms", f"{baseline['p95_ms']:.1f}"))
        counts["unscoped"].append(first_page(None)[1])
        for key, user in (("secretary", secretary), ("province", clerk)):
            result = common.timed(lambda user=user: first_page(user.pk))
            page, queries = first_page(user.pk)
            counts[key].append(queries)
            ratio = result["p95_ms"] / baseline["p95_ms"]
            goal = "met" if result["p95_ms"] <= 100 else "MISSED"
            lines.append(
                (
                    f"{key}: first page p95 ms (rows on it, queries)",
                    f"{result['p95_ms']:.1f}  ({len(page)} rows, {queries} queries)  "
                    f"ratio {ratio:.2f} × baseline  (goal ≤ 100 ms: {goal})",
                )
            )
        from dangvu.documents.models import Document

        total = Document.objects.count()
        common.report(f"visible_to, documents list — {total:,} documents", lines)
    growth = {
        key: "no growth" if len(set(values)) == 1 else f"GROWS {values}" for key, values in counts.items()
    }
    common.report(
        "Queries per first page at " + ", ".join(f"{s:,}" for s in SIZES),
        [(key, f"{counts[key]}  {growth[key]}") for key in counts],
    )
    for key, user in (("chi bộ secretary", secretary), ("provincial clerk", clerk)):
        print(f"\n## Plan of the first page — {key}\n{plan(user.pk)}")


if __name__ == "__main__":
    main()
