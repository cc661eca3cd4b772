"""Production-like settings plus the raw-SQL twin of an API endpoint (benchmark only)."""

from dangvu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
