"""Member list export to .xlsx (issue 12): rows/s and peak memory of the writer, against a bare
writer loop on the same rows in the same run.

Each phase runs in its own process so that its peak memory (``ru_maxrss``) is its own:

* ``baseline``: the bare loop — the same rows as plain dicts handed straight to the Rust writer
  (``rustpy_xlsxwriter.write_worksheet``), no layout, no value conversion;
* ``service``: the product's path after the database — ``dangvu.members.exports`` turns each
  ``values()`` row into the default 12 columns (STT, choice labels, partial birth dates as text,
  real dates) and ``dangvu.core.spreadsheets.writer.write_table`` writes the office layout (title
  rows, frozen bold header, widths, date formats) across as many sheets as Excel's row limit needs.

The service writes to a path (as the job does; see the writer on file objects). The rows are
generated in memory (a realistic mix of names, units and dates), so the figures are the
writer's, not the database's; ``--db`` instead exports the first unit of the bench database holding
at least that many members through ``member_list_xlsx`` (fetch included).

Goal: 1,000,000 rows ≥ 20,000 rows/s with ≤ 200 MB peak memory.

Usage: python bench/bench_member_export.py [rows] [--db]   (default 1,000,000)
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_RATE = 20_000
GOAL_MB = 200


def _pool(size: int = 4096) -> list[dict[str, Any]]:
    """Distinct rows as the database's ``values()`` gives them for the default columns."""
    rng = random.Random(12)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    middles = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc"]
    givens = ["An", "Bình", "Cường", "Dung", "Hùng", "Lan", "Mai", "Phong", "Quang", "Thảo"]
    units = [f"Chi bộ {n} — Đảng ủy xã Hiệp Yên {n // 7}" for n in range(200)]
    precisions = ["day"] * 8 + ["year", "month"]
    pool = []
    for i in range(size):
        born = date(1945, 1, 1) + timedelta(days=rng.randrange(365 * 60))
        admitted = born + timedelta(days=365 * 18 + rng.randrange(365 * 20))
        pool.append(
            {
                "full_name": f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(givens)}",
                "birth_date": born,
                "birth_date_precision": rng.choice(precisions),
                "sex": "female" if i % 3 == 0 else "male",
                "ethnicity__name": "Kinh",
                "religion__name": None,
                "hometown": "Xã Hiệp Yên, huyện Yên Khánh",
                "org__name": units[i % len(units)],
                "status": "official",
                "admitted_on": admitted,
                "recognized_on": admitted + timedelta(days=365),
            }
        )
    return pool


def _values(rows: int) -> Iterator[dict[str, Any]]:
    """``rows`` rows cycling through a pool of distinct ones, each with its own card number: the
    generation costs ~1 µs a row, so the figures are the writers'."""
    pool = _pool()
    mask = len(pool) - 1
    for i in range(rows):
        yield {**pool[i & mask], "card_number": f"{i:012d}"}


def _peak_mb() -> float:
    import common

    return common.peak_rss_mb()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_baseline(rows: int, path: str) -> dict[str, float]:
    from rustpy_xlsxwriter import write_worksheet

    started, cpu = time.perf_counter(), _cpu()
    write_worksheet(_values(rows), path, sheet_name="Sheet1")
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu}


def phase_service(rows: int, path: str) -> dict[str, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    import django

    django.setup()
    from dangvu.core.spreadsheets.writer import Sheet, write_table
    from dangvu.members.exports import chosen_columns, table_columns, table_rows

    columns = chosen_columns([])
    started, cpu = time.perf_counter(), _cpu()
    written = write_table(
        path,
        Sheet("Đảng viên", "DANH SÁCH ĐẢNG VIÊN", "Đơn vị: bench — ngày xuất: 01/12/2026"),
        table_columns(columns),
        table_rows(_values(rows), columns),
        expected_rows=rows,
    )
    assert written == rows, (written, rows)
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "columns": len(columns) + 1}


def phase_db(rows: int, path: str) -> dict[str, float]:
    import common

    common.ensure_national(max(rows, 1_000_000))
    from django.db.models import Count

    from dangvu.accounts.models import User
    from dangvu.members.exports import member_list_xlsx
    from dangvu.orgs.models import Org

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin")
    unit = (
        Org.objects.filter(depth__lte=2)
        .annotate(n=Count("members"))
        .filter(n__gte=rows)
        .order_by("-depth", "n")
        .first()
    ) or Org.objects.get(depth=1)
    started, cpu = time.perf_counter(), _cpu()
    written = member_list_xlsx(actor=admin, params={"org": [unit.code]}, target=path)
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "rows": written}


def _child(phase: str, rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / f"{phase}.xlsx")
        output = subprocess.run(
            [sys.executable, __file__, "--phase", phase, str(rows), path],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
        result["bytes"] = os.path.getsize(path)
    return result


def main() -> None:
    if "--phase" in sys.argv:
        phase, rows, path = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        runner = {"baseline": phase_baseline, "service": phase_service, "db": phase_db}[phase]
        result = runner(rows, path)
        result["peak_mb"] = _peak_mb()
        print(json.dumps(result))
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 1_000_000
    print(f"Member export to .xlsx, {rows:,} rows × the default 12 columns")
    print(f"  load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    baseline = _child("baseline", rows)
    service = _child("db" if "--db" in sys.argv else "service", rows)
    rows_service = service.get("rows", rows)
    for name, result, count in (
        ("bare writer loop", baseline, rows),
        ("export service", service, rows_service),
    ):
        print(
            f"  {name:<18} {count / result['seconds']:>8,.0f} rows/s wall  {count / result['cpu']:>8,.0f} rows/s CPU"
            f"  {result['seconds']:6.1f} s  peak {result['peak_mb']:5.0f} MB  file {result['bytes'] / 1e6:6.1f} MB"
        )
    wall, cpu = rows_service / service["seconds"], rows_service / service["cpu"]
    print(
        f"  ratio service / bare loop: {wall / (rows / baseline['seconds']):.2f} wall, "
        f"{cpu / (rows / baseline['cpu']):.2f} CPU"
    )
    for what, rate in (("wall", wall), ("CPU time (one core, machine load removed)", cpu)):
        met = rate >= GOAL_RATE and service["peak_mb"] <= GOAL_MB
        print(
            f"  goal ≥ {GOAL_RATE:,} rows/s and ≤ {GOAL_MB} MB by {what}: {'MET' if met else 'MISSED'} "
            f"({rate:,.0f} rows/s, {service['peak_mb']:.0f} MB)"
        )
    print(f"  load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
