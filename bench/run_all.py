"""Run every benchmark in order (they share the national data in the bench database)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
members = sys.argv[1:] or []
for script in (
    "bench_seed.py",
    "bench_subtree.py",
    "bench_dashboard.py",
    "bench_member_writes.py",
    "bench_member_stats.py",
    "bench_api_load.py",
    "bench_http_load.py",
    "bench_member_search.py",
    "bench_member_pages.py",
    "bench_member_import.py",
    "bench_member_export.py",
):
    print(f"\n# {script}", flush=True)
    # Their argument is a row count, not a member count.
    arguments = [] if script in ("bench_member_import.py", "bench_member_export.py") else members
    subprocess.run([sys.executable, str(HERE / script), *arguments], cwd=HERE, check=True)
