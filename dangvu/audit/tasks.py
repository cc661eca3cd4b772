"""The audit chaining job and the periodic checkpoint (see ``dangvu.audit.chain``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangvu.audit.chain import chain_pending, checkpoint_due, checkpoint_write


@db_task()
def chain_audit() -> int:
    """Queued a moment after a transaction that wrote audit entries commits: chain what is committed."""
    return chain_pending()


@db_periodic_task(crontab(minute="*"))
def chain_audit_every_minute() -> int:
    """The backstop: chain what no queued run chained; once an hour look at every entry, not only the
    new ones (an entry of a transaction that ran for hours); write a checkpoint when one is due."""
    from django.utils import timezone

    linked = chain_pending(full=timezone.now().minute == 0)
    if checkpoint_due():
        checkpoint_write()
    return linked
