"""Version counters in the shared cache: how every process learns that data it keeps in memory changed.

A module keeps slow-changing reference data (the calendar's days off, the member rules) in a
per-process ``lru_cache`` keyed by the version; a change bumps the version, so every web and worker
process reads the data again on its next use.
"""

from __future__ import annotations

from django.core.cache import cache


def current_version(key: str) -> int:
    return int(cache.get(key) or 0)


def bump_version(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)
