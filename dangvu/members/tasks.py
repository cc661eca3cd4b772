"""Member jobs (thin: load by id, call the domain function).

Both import jobs run as platform jobs (``dangvu.core.jobs``): a worker killed mid-import leaves the
import failed with a retry, never "running"; the real import writes its (last) rows, the import's report
and the job's "done" in one transaction. On SQLite a large import commits its earlier batches on the way:
a retry runs the same file again, which continues after them (``dangvu.members.models.ImportProgress``).
Both run at the bulk jobs' lower priority (``dangvu.core.priority``), so that requests keep their latency.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangvu.core.jobs import Attempt, JobKind, job_attempt, job_retry, register_job_kind
from dangvu.core.models import Job
from dangvu.core.priority import at_bulk_priority
from dangvu.members import exports as _exports  # noqa: F401  (registers the list's exporter for the worker)
from dangvu.members.importer import ImportError_, Report, run_import
from dangvu.members.models import MemberImport

IMPORT_CHECK = "members.import_check"
IMPORT_RUN = "members.import_run"
NOT_ALLOWED = "Bạn không còn quyền cập nhật đảng viên của đơn vị này."


def _finished(job: MemberImport, report: Report, dry_run: bool) -> None:
    data = report.as_dict()
    MemberImport.objects.filter(pk=job.pk).update(
        status=MemberImport.Status.DONE if report.imported else MemberImport.Status.CHECKED,
        total_rows=report.total_rows,
        processed_rows=report.total_rows,
        created_count=report.created,
        updated_count=report.updated,
        error_count=data["error_rows"],
        report=data["errors"][:5000],
        mapping=report.mapping,
        finished_at=timezone.now(),
        message="" if report.imported or dry_run else "Không nhập: tệp còn dòng lỗi.",
        retryable=False,
    )


def _run(import_id: int, dry_run: bool, attempt: Attempt) -> None:
    job = MemberImport.objects.select_related("created_by", "org", "org__org_type").get(pk=import_id)
    MemberImport.objects.filter(pk=job.pk).update(
        status=MemberImport.Status.RUNNING, processed_rows=0, message="", retryable=False
    )

    def progress(rows: int) -> None:
        MemberImport.objects.filter(pk=job.pk).update(processed_rows=rows)

    def imported(report: Report) -> None:  # inside the import's transaction
        _finished(job, report, dry_run)
        attempt.finish()

    try:
        with job.file.open("rb") as upload:
            report = run_import(
                actor=job.created_by,
                org=job.org,
                upload=upload,
                dry_run=dry_run,
                mode=job.mode,
                mapping=job.mapping or None,
                progress=progress,
                on_imported=imported,
            )
    except (ImportError_, PermissionDenied) as error:
        message = NOT_ALLOWED if isinstance(error, PermissionDenied) else str(error)
        MemberImport.objects.filter(pk=job.pk).update(
            status=MemberImport.Status.FAILED, message=message[:500], finished_at=timezone.now()
        )
        return
    if not report.imported:
        _finished(job, report, dry_run)


def _import_failed(key: str, message: str) -> None:
    """A crashed or abandoned import job: the page shows the reason and a retry button."""
    MemberImport.objects.filter(pk=int(key)).update(
        status=MemberImport.Status.FAILED, message=message[:500], retryable=True, finished_at=timezone.now()
    )


@db_task()
def check_member_import(import_id: int | str) -> None:
    with job_attempt(IMPORT_CHECK, import_id) as attempt:
        at_bulk_priority(lambda: _run(int(import_id), dry_run=True, attempt=attempt))


@db_task()
def run_member_import(import_id: int | str) -> None:
    with job_attempt(IMPORT_RUN, import_id) as attempt:
        at_bulk_priority(lambda: _run(int(import_id), dry_run=False, attempt=attempt))


register_job_kind(JobKind(IMPORT_CHECK, check_member_import, _import_failed))
register_job_kind(JobKind(IMPORT_RUN, run_member_import, _import_failed))


def member_import_retry(*, member_import: MemberImport) -> None:
    """Queue again the step (check or import) that a crashed or killed worker did not finish."""
    failed = (
        Job.objects.filter(kind__in=(IMPORT_CHECK, IMPORT_RUN), key=str(member_import.pk))
        .filter(status=Job.Status.FAILED)
        .order_by("-finished_at")
        .first()
    )
    if failed is None or not member_import.retryable:
        raise ValueError(f"import {member_import.pk} has no failed job to retry")
    MemberImport.objects.filter(pk=member_import.pk).update(
        status=MemberImport.Status.RUNNING if failed.kind == IMPORT_RUN else MemberImport.Status.UPLOADED,
        message="",
        retryable=False,
        finished_at=None,
    )
    job_retry(failed)


@db_task()
def rebuild_member_stats() -> None:
    from dangvu.members.stats import rebuild_precomputed

    rebuild_precomputed()


@db_task()
def fold_member_stats() -> int:
    """Fold the pending statistics deltas into the roll-ups (queued a few seconds after a change)."""
    from dangvu.members.rollups import fold_all

    return fold_all()


@db_periodic_task(crontab(minute="*"))
def fold_member_stats_periodically() -> int:
    """Every minute, as a backstop for a lost queued fold: the figures never lag by more than that."""
    from dangvu.members.rollups import fold_all

    return fold_all()


@db_periodic_task(crontab(hour="1", minute="30"))
def nightly_member_stats() -> bool:
    """Recount the roll-ups and the big units' statistics cells every night; the drift it finds
    (logged as an error) must be zero. Returns whether it was."""
    from dangvu.members.rollups import recount_all

    return recount_all().zero
