"""Large exports run as background jobs; small ones are written inside the request.

A module registers each kind of export once (``register_exporter``) with the function that writes
its file: ``write(actor, params, target, progress) -> rows``. The same function serves the instant
path (the view writes into the response) and the job (the worker writes to a temporary file, then
into storage), so web and API share one service. ``export_start`` records the export and queues the
job through the platform's job lease mechanism (``dangvu.core.jobs``): a worker killed mid-export
leaves the export failed with a retry, never "running".

The file is written with ``dangvu.core.spreadsheets.writer`` (constant memory) and only the user who
asked may download it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.utils import timezone, translation

from dangvu.core.jobs import Attempt, job_enqueue, job_retry
from dangvu.core.models import Export, Job

EXPORT_JOB = "core.export"
NOT_ALLOWED = "Bạn không còn quyền xem dữ liệu này; tệp không được tạo."
Writer = Callable[[Any, dict[str, Any], str, Callable[[int], None]], int]


@dataclass(frozen=True)
class Exporter:
    """``write(actor, params, path, progress)`` writes the file and returns its row count; it checks
    the actor's permissions itself (they may have changed since the export was asked for)."""

    kind: str
    write: Writer


_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(exporter: Exporter) -> None:
    _EXPORTERS[exporter.kind] = exporter


def instant_max_rows() -> int:
    """Up to this many rows an export is written inside the request; beyond, by a job."""
    return int(getattr(settings, "DANGVU_EXPORT_INSTANT_MAX_ROWS", 5000))


def export_start(
    *, actor: Any, kind: str, params: dict[str, Any], filename: str, expected_rows: int
) -> Export:
    """Record an export of ``kind`` and queue its job (it runs once the transaction commits)."""
    _EXPORTERS[kind]  # an unknown kind fails here, not in the worker
    export = Export.objects.create(
        kind=kind,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=actor,
        filename=filename,
        expected_rows=expected_rows,
    )
    job_enqueue(EXPORT_JOB, export.pk)
    return export


def export_run(export_id: int, attempt: Attempt) -> None:
    """The job's body: write the file, store it, mark the export done (see the module's docstring)."""
    export = Export.objects.get(pk=export_id)
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, processed_rows=0, message="")
    actor = get_user_model().objects.get(pk=export.created_by_id)

    def progress(rows: int) -> None:
        Export.objects.filter(pk=export.pk).update(processed_rows=rows)

    # A path, not a file object: the writer then streams to disk (see spreadsheets.writer).
    with (
        tempfile.TemporaryDirectory(prefix="dangvu-export-") as folder,
        translation.override(export.language),
    ):
        path = Path(folder) / "export.xlsx"
        try:
            rows = _EXPORTERS[export.kind].write(actor, export.params, str(path), progress)
        except PermissionDenied as refusal:
            Export.objects.filter(pk=export.pk).update(
                status=Export.Status.FAILED, message=str(refusal) or NOT_ALLOWED, finished_at=timezone.now()
            )
            attempt.finish()  # nothing to retry: the job did its work, the answer is a refusal
            return
        with path.open("rb") as written:
            export.file.save(export.filename, File(written), save=False)
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        file=export.file.name,
        processed_rows=rows,
        finished_at=timezone.now(),
    )
    attempt.finish()


def export_failed(key: str, message: str) -> None:
    """A crashed or abandoned export: the page shows the reason and a retry button."""
    Export.objects.filter(pk=int(key)).update(
        status=Export.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


EXPIRED = "Tệp đã được xoá sau thời hạn lưu giữ; hãy xuất lại nếu cần."


def retention_days() -> int:
    return int(getattr(settings, "DANGVU_EXPORT_RETENTION_DAYS", 7))


def exports_purge(now: datetime | None = None) -> int:
    """Delete the files of exports finished more than ``DANGVU_EXPORT_RETENTION_DAYS`` ago; returns how
    many. Side effects: the export keeps its record (status, rows, who asked) with the file emptied and
    a message saying why; one audit entry each. A file already gone from storage is not an error."""
    from dangvu.audit.services import audit_log

    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    purged = 0
    for export in Export.objects.filter(finished_at__lt=cutoff).exclude(file="").select_related("created_by"):
        name = export.file.name
        export.file.storage.delete(name)
        Export.objects.filter(pk=export.pk).update(file="", message=EXPIRED)
        audit_log(
            actor=None,
            action="delete",
            event="core.export_purged",
            object_type="core.export",
            object_id=export.pk,
            object_repr=export.filename,
            data={"file": name, "retention_days": retention_days(), "created_by": export.created_by_id},
        )
        purged += 1
    return purged


def export_retry(*, export: Export) -> None:
    """Queue again an export whose job failed. Raises ``ValueError`` unless it failed."""
    job = Job.objects.filter(kind=EXPORT_JOB, key=str(export.pk), status=Job.Status.FAILED).first()
    if job is None or export.status != Export.Status.FAILED:
        raise ValueError(f"export {export.pk} has no failed job to retry")
    Export.objects.filter(pk=export.pk).update(status=Export.Status.QUEUED, message="", finished_at=None)
    job_retry(job)
