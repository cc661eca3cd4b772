"""Bulk jobs (member imports, large exports) give way to interactive requests.

A 200,000-row import is CPU work: reading and checking every cell in the job worker, then the database
server's work on the COPY (indexes, the name-token trigger), about half each. On a machine where the web
workers, the job worker and PostgreSQL share a few cores, an import at full speed doubles the latency
of every login and every file opened meanwhile. Production job systems put such work at a lower OS
priority (a Sidekiq or Celery queue of bulk jobs run under ``nice``); dangvu does it per job, so that it
holds for every deployment (the embedded SQLite queue runs jobs in threads of one process, Redis runs
them in worker processes):

* ``at_bulk_priority(function)`` runs the job's body in a thread of its own whose nice value is raised
  by ``DANGVU_BULK_NICE`` (default 10: about a tenth of a core's time when the web workers want it,
  all of it when they do not). Linux keeps a nice value per thread, and an unprivileged process cannot
  lower it again, so the worker's own thread (which runs the audit chaining and the reminders next) is
  left as it was. The thread has its own database connection, closed at its end.
* The database server's process for that connection is not the job's to renice (it belongs to the
  ``postgres`` account, often on another machine). So between batches of database work the job calls
  ``bulk_pause()``, which gives the server the share the kernel gave the job's own thread: over the
  last batch the thread ran for ``run`` seconds and waited ``wait`` seconds for a CPU (Linux's
  per-thread ``schedstat``), and was blocked, mostly on the server, for ``blocked``; it now sleeps
  ``blocked × wait / run`` (at most ``DANGVU_BULK_MAX_PAUSE_MS``). On an idle machine ``wait`` is about
  zero and the job runs at full speed; when requests want the CPUs the job's server work is stretched
  as much as its own Python work.

Outside a bulk job (``run_import`` called in a request or a test) ``bulk_pause()`` does nothing; with
``DANGVU_BULK_NICE=0`` or huey's immediate mode the body runs inline, as before.
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def thread_cpu_times() -> tuple[float, float] | None:
    """Seconds this thread has run on a CPU and waited for one (runnable), or None where the kernel
    does not say (not Linux, or built without scheduler statistics)."""
    try:
        run_ns, wait_ns, _slices = _SCHEDSTAT.read_text().split()
    except (OSError, ValueError):
        return None
    return int(run_ns) / 1e9, int(wait_ns) / 1e9


class Pacer:
    """Sleeps between a bulk job's batches as long as the machine's contention asks (module docstring)."""

    def __init__(
        self,
        max_pause: float,
        clock: Callable[[], float] = time.perf_counter,
        cpu_times: Callable[[], tuple[float, float] | None] = thread_cpu_times,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_pause = max_pause
        self.clock, self.cpu_times, self.sleep = clock, cpu_times, sleep
        self.paused = 0.0  # seconds slept in all
        self._mark()

    def _mark(self) -> None:
        self._at = self.clock()
        self._times = self.cpu_times()

    def pause(self) -> float:
        """Call between two batches: sleeps (and returns) ``blocked × wait / run`` of the batch just done."""
        elapsed = self.clock() - self._at
        before, now = self._times, self.cpu_times()
        seconds = 0.0
        if before is not None and now is not None:
            run, wait = now[0] - before[0], now[1] - before[1]
            blocked = elapsed - run - wait
            if run > 0 and wait > 0 and blocked > 0:
                seconds = min(self.max_pause, blocked * wait / run)
        if seconds > 0:
            self.sleep(seconds)
            self.paused += seconds
        self._mark()
        return seconds


_PACER: contextvars.ContextVar[Pacer | None] = contextvars.ContextVar("dangvu_bulk_pacer", default=None)


def bulk_pause() -> float:
    """Between two batches of a bulk job's database work: give the CPUs to interactive work for as long
    as the machine's contention asks (no-op outside ``at_bulk_priority``). Returns the seconds slept."""
    pacer = _PACER.get()
    return pacer.pause() if pacer is not None else 0.0


def bulk_pacing() -> bool:
    """Does the running code run as a bulk job (so that it should write in batches and pause)?"""
    return _PACER.get() is not None


def _lower_this_thread(increment: int) -> bool:
    """Raise this thread's nice value by ``increment`` (Linux: per thread). False where not possible."""
    if sys.platform != "linux" or increment <= 0:
        return False
    try:
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + increment))
    except OSError:
        logger.warning("could not lower the priority of a bulk job's thread", exc_info=True)
        return False
    return True


def _inline() -> bool:
    if int(getattr(settings, "DANGVU_BULK_NICE", 10)) <= 0:
        return True
    from huey.contrib.djhuey import HUEY

    return bool(HUEY.immediate)  # jobs run inside the request (tests, debugging): keep its transaction


def at_bulk_priority(function: Callable[[], T]) -> T:
    """Run a bulk job's body at a lower priority (see the module's docstring); returns what it returns
    and raises what it raises."""
    if _inline():
        return function()
    outcome: dict[str, T] = {}
    failure: list[BaseException] = []

    def body() -> None:
        from django.db import connections

        _lower_this_thread(int(settings.DANGVU_BULK_NICE))
        _PACER.set(Pacer(max(0, int(settings.DANGVU_BULK_MAX_PAUSE_MS)) / 1000))
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body, name="dangvu-bulk-job")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome["value"]
