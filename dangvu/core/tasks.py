"""Platform jobs: a liveness probe, the daily deadline reminders, the reaper of abandoned jobs and the
clean-up of old export files."""

from __future__ import annotations

import gc
import os

from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, task

from dangvu.core.collector import freeze_loaded_application_once
from dangvu.core.exports import EXPORT_JOB, export_failed, export_run, exports_purge
from dangvu.core.jobs import JobKind, job_attempt, jobs_reap, register_job_kind
from dangvu.core.priority import at_bulk_priority
from dangvu.notifications.reminders import send_due_reminders


@task()
def ping(value: int) -> int:
    """Returns ``value + 1``: proves a worker picks up jobs (used by health checks and tests)."""
    return value + 1


@db_periodic_task(crontab(hour="7", minute="0"))
def daily_reminders() -> int:
    return send_due_reminders()


@HUEY.on_startup()
def reap_jobs_at_start() -> None:
    """A starting worker fails the jobs a killed worker left running (see ``dangvu.core.jobs``)."""
    close_old_connections()
    try:
        jobs_reap()
    finally:
        close_old_connections()


@HUEY.on_startup()
def freeze_loaded_application_at_start() -> None:
    """A starting worker has loaded the application and its jobs: leave those objects out of later
    garbage collections, as the web workers do (``dangvu.core.collector``). Jobs verify signed PDFs and
    render documents, which allocate enough to set off full collections that would walk them all."""
    freeze_loaded_application_once()


@task()
def worker_health() -> dict[str, int]:
    """The worker's process id and how many objects it keeps out of the collector's walks (health
    checks, and the test that the worker froze its loaded application)."""
    return {"pid": os.getpid(), "frozen_objects": gc.get_freeze_count()}


@db_periodic_task(crontab(minute="*"))
def reap_jobs() -> int:
    """Every minute: fail the jobs whose worker stopped renewing its lease (another machine's too)."""
    return jobs_reap()


@db_periodic_task(crontab(minute="20"))
def purge_exports() -> int:
    """Every hour: delete the export files past their retention period (DANGVU_EXPORT_RETENTION_DAYS)."""
    return exports_purge()


@db_task()
def run_export(export_id: int | str) -> None:
    """A large export (``dangvu.core.exports``), under the platform's job lease, at the bulk jobs' lower
    priority (``dangvu.core.priority``)."""
    with job_attempt(EXPORT_JOB, export_id) as attempt:
        at_bulk_priority(lambda: export_run(int(export_id), attempt))


register_job_kind(JobKind(EXPORT_JOB, run_export, export_failed))
