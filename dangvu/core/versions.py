"""Version counters in the shared cache: how every process learns that data it keeps in memory changed.

A module keeps slow-changing reference data (the calendar's days off, the member rules, the users'
role grants) in a per-process ``lru_cache`` or in the shared cache, keyed by the version; a change
bumps the version, so every web and worker process reads the data again on its next use.

Within one request (``VersionsMiddleware``) each version is read from the shared cache once: a list
that asks a member rule or the calendar per row (a province's worklist: thousands of rows) would
otherwise make a cache round trip per row. A bump made by the request itself is seen at once.

A version that is missing from the cache (never set, evicted, the cache flushed) starts again at a
new value taken from the clock, never at 0: data stored under an old version can then never be
taken for current after the counter was lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

_read: ContextVar[dict[str, int] | None] = ContextVar("dangvu_versions_read", default=None)


def _fresh() -> int:
    return time.time_ns()


def _from_cache(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh(), timeout=None)
        value = cache.get(key)
    return int(value or 0)


def current_version(key: str) -> int:
    memo = _read.get()
    if memo is None:
        return _from_cache(key)
    if key not in memo:
        memo[key] = _from_cache(key)
    return memo[key]


def bump_version(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh(), timeout=None)
    memo = _read.get()
    if memo is not None:
        memo.pop(key, None)


@contextmanager
def read_once() -> Iterator[None]:
    """Read each version from the shared cache at most once inside this block (one request, one job)."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


class VersionsMiddleware:
    """Each request reads each version once (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with read_once():
            return self.get_response(request)
