"""Background jobs that survive a crashed worker.

A module declares each kind of job once (``register_job_kind``): the huey task that runs it (called
with the job's key) and what to do to its own record when the job fails. Then:

* ``job_enqueue(kind, key)`` records the job as queued and hands it to the worker on commit;
* the task body runs inside ``job_attempt(kind, key)``: the worker claims the job (status running,
  one more attempt, its ``host:pid``) and holds a lease that a heartbeat thread renews every third of
  ``DANGVU_JOB_LEASE_SECONDS``. Leaving the block marks the job done; an exception marks it failed
  and calls the kind's ``on_failed``;
* ``jobs_reap()`` fails every running job whose worker is gone: its lease expired, or it ran on this
  machine in a process that no longer exists (a worker killed with ``kill -9``). Every worker calls it
  when it starts and the periodic task ``reap_jobs`` every minute, so a job is never "running" forever;
* ``job_retry(job)`` queues a failed job again (the page's retry button).

A job must be safe to run again: it writes its results in one transaction (what a killed worker had
not committed is rolled back by the database) or resumes idempotently. To commit its own "done"
together with its results, a job calls ``attempt.finish()`` inside its transaction.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from dangvu.core.models import Job

logger = logging.getLogger(__name__)

ABANDONED = "Tiến trình nền đã dừng giữa chừng (máy chủ khởi động lại hoặc bị tắt); chưa có gì được ghi."
CRASHED = "Lỗi hệ thống khi chạy tác vụ; chưa có gì được ghi."


@dataclass(frozen=True)
class JobKind:
    """``run(key)`` enqueues the huey task; ``on_failed(key, message)`` marks the module's own record."""

    name: str
    run: Callable[[str], Any]
    on_failed: Callable[[str, str], None]


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    _KINDS[kind.name] = kind


def job_kind(name: str) -> JobKind:
    return _KINDS[name]


def worker_id() -> str:
    """``host:pid`` of this process: how the reaper tells a dead worker of this machine."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_seconds() -> int:
    return int(getattr(settings, "DANGVU_JOB_LEASE_SECONDS", 60))


def job_enqueue(kind: str, key: str | int) -> Job:
    """Record ``kind``/``key`` as queued and run its task once the current transaction commits."""
    job, _created = Job.objects.update_or_create(
        kind=kind,
        key=str(key),
        defaults={"status": Job.Status.QUEUED, "error": "", "worker": "", "finished_at": None},
    )
    runner = job_kind(kind).run
    transaction.on_commit(lambda: runner(str(key)))
    return job


def job_retry(job: Job) -> Job:
    """Queue a failed job again. Raises ``ValueError`` unless it failed."""
    if job.status != Job.Status.FAILED:
        raise ValueError(f"only a failed job can be retried ({job})")
    return job_enqueue(job.kind, job.key)


class Attempt:
    """The worker's claim on one job: renews its lease in the background until the block ends."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.finished = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat_forever, name=f"job-heartbeat-{job.pk}", daemon=True
        )

    def _mine(self) -> Any:
        return Job.objects.filter(pk=self.job.pk, attempts=self.job.attempts)

    def beat(self) -> bool:
        """Renew the lease; False if the job is no longer this attempt's (reaped or retried)."""
        now = timezone.now()
        return bool(
            self._mine()
            .filter(status=Job.Status.RUNNING)
            .update(heartbeat_at=now, lease_expires_at=now + timedelta(seconds=lease_seconds()))
        )

    def _beat_forever(self) -> None:
        try:
            while not self._stop.wait(lease_seconds() / 3):
                try:
                    self.beat()
                except DatabaseError:  # a locked SQLite file: the next beat comes well before the lease ends
                    logger.warning("job %s: heartbeat failed", self.job, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def finish(self) -> None:
        """Mark the job done; call it inside the transaction that commits the job's results."""
        self._mine().update(status=Job.Status.DONE, error="", finished_at=timezone.now())
        self.finished = True

    def fail(self, message: str) -> None:
        updated = self._mine().update(
            status=Job.Status.FAILED, error=message[:500], finished_at=timezone.now()
        )
        if updated:
            job_kind(self.job.kind).on_failed(self.job.key, message)
        self.finished = True


def _claim(kind: str, key: str) -> Job:
    now = timezone.now()
    job, _created = Job.objects.get_or_create(kind=kind, key=key)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        attempts=F("attempts") + 1,
        worker=worker_id(),
        heartbeat_at=now,
        lease_expires_at=now + timedelta(seconds=lease_seconds()),
        started_at=now,
        finished_at=None,
        error="",
    )
    job.refresh_from_db()
    return job


@contextmanager
def job_attempt(kind: str, key: str | int) -> Iterator[Attempt]:
    """Run the block as the current attempt of ``kind``/``key`` (see the module's docstring)."""
    job_kind(kind)  # an unregistered kind fails here, before the job is claimed
    attempt = Attempt(_claim(kind, str(key)))
    attempt._thread.start()
    try:
        yield attempt
    except Exception:
        attempt._stop.set()
        logger.exception("job %s failed", attempt.job)
        attempt.fail(CRASHED)
        raise
    finally:
        attempt._stop.set()
        attempt._thread.join()
    if not attempt.finished:
        attempt.finish()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _worker_gone(job: Job, now: datetime, host: str) -> bool:
    if job.lease_expires_at is None or job.lease_expires_at < now:
        return True
    worker_host, _sep, pid = job.worker.rpartition(":")
    return worker_host == host and pid.isdigit() and not _process_alive(int(pid))


def jobs_reap() -> int:
    """Fail every running job whose worker is gone; returns how many. Safe to run from many workers."""
    now = timezone.now()
    host = socket.gethostname()
    candidates = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True) | Q(worker__startswith=f"{host}:")
    )
    reaped = 0
    for job in candidates:
        if not _worker_gone(job, now, host):
            continue
        with transaction.atomic():
            # Only if nothing changed since it was read: another worker may be reaping or retrying it.
            updated = Job.objects.filter(
                pk=job.pk, attempts=job.attempts, status=Job.Status.RUNNING, worker=job.worker
            ).update(status=Job.Status.FAILED, error=ABANDONED, finished_at=now)
            if updated and job.kind in _KINDS:
                job_kind(job.kind).on_failed(job.key, ABANDONED)
        if updated:
            reaped += 1
            logger.warning("job %s: worker %s is gone; marked failed", job, job.worker)
    return reaped
