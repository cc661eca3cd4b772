"""Platform jobs: a liveness probe and the daily deadline reminders."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, task

from dangvu.notifications.reminders import send_due_reminders


@task()
def ping(value: int) -> int:
    """Returns ``value + 1``: proves a worker picks up jobs (used by health checks and tests)."""
    return value + 1


@db_periodic_task(crontab(hour="7", minute="0"))
def daily_reminders() -> int:
    return send_due_reminders()
