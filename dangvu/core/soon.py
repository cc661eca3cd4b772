"""Running a catch-up job shortly after a commit, at most once per window, cheaply.

The statistics fold and the audit chaining each handle everything committed before they run, so a
commit only needs to know that a run is queued for a moment after it. The first commit of a window
adds a cache key (shared by every process) holding when its run is due and schedules the job; a
process that saw a due time remembers it and lets its later commits pass without touching the cache
until then: with many writers, one cache look-up per process per window instead of one per commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

# key → (the time this process knows a run is due, by time.time())
_due: dict[str, float] = {}


def run_soon(key: str, delay: int, task: Any, immediate: Callable[[], bool]) -> None:
    """Have huey ``task`` run ``delay`` seconds from now unless a run that is due later than now is
    queued already (the commit calling this is then covered by it). ``immediate()``: run it now."""
    try:
        if immediate():
            task()
            return
        now = time.time()
        if now < _due.get(key, 0.0):
            return
        from django.core.cache import cache

        due = now + delay
        if cache.add(key, due, timeout=delay):
            task.schedule(delay=delay)
            _due[key] = due
        else:
            queued = cache.get(key)
            _due[key] = float(queued) if isinstance(queued, int | float) else 0.0
    except Exception:  # the periodic run catches up anyway; never fail the request that committed
        logger.exception("could not queue %s", key)
