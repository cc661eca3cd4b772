"""Member jobs (thin: load by id, call the domain function)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangvu.members.importer import ImportError_, run_import
from dangvu.members.models import MemberImport


def _run(import_id: int, dry_run: bool) -> None:
    job = MemberImport.objects.select_related("created_by", "org", "org__org_type").get(pk=import_id)
    MemberImport.objects.filter(pk=job.pk).update(status=MemberImport.Status.RUNNING, processed_rows=0)

    def progress(rows: int) -> None:
        MemberImport.objects.filter(pk=job.pk).update(processed_rows=rows)

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
            )
    except (ImportError_, PermissionError) as error:
        MemberImport.objects.filter(pk=job.pk).update(
            status=MemberImport.Status.FAILED, message=str(error)[:500], finished_at=timezone.now()
        )
        return
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
    )
    if report.imported and report.created + report.updated >= 1000:
        rebuild_member_stats()  # a large import changes the big units' breakdowns noticeably


@db_task()
def check_member_import(import_id: int) -> None:
    _run(import_id, dry_run=True)


@db_task()
def run_member_import(import_id: int) -> None:
    _run(import_id, dry_run=False)


@db_task()
def rebuild_member_stats() -> None:
    from dangvu.members.stats import rebuild_precomputed

    rebuild_precomputed()


@db_periodic_task(crontab(hour="1", minute="30"))
def nightly_member_stats() -> None:
    """Recompute the statistics cells of the big units (provinces, the country) every night."""
    from dangvu.members.stats import rebuild_precomputed

    rebuild_precomputed()
