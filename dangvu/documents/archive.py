"""Closing files and handing them to the unit's archive (lưu trữ cơ quan).

A file (hồ sơ) of a unit's list is closed by its keeper when its matter ends (kết thúc hồ sơ): the end
date, the number of sheets (số tờ) and of documents. Nothing more is filed into a closed file, nor
taken out of it, unless it is reopened with a reason. Closed files go to the unit's archive in a
handover record (biên bản giao nộp) listing them, printable as PDF.

When a file is due: by the end of the year ``DANGVU_ARCHIVE_HANDOVER_YEARS`` (default 1) after the
year it was closed. What this relies on (docs/filing.md): the Party's archive practice of handing a
year's files to the agency archive in the following year, and Luật Lưu trữ's "within one year of the
matter's end" for state bodies — neither checked against the original Party text (the VPTW guides
on forming files and handing them over were not available), so the period is a setting, not a
constant, and the page says it is a default.

Writes, one function per verb (STYLE.md): ``file_heading_close``, ``file_heading_reopen``,
``archive_handover_create``. Each needs ``documents.register`` in the file's unit, locks the rows it
changes and writes one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_log, diff, snapshot
from dangvu.core.pdf import dmy
from dangvu.documents.models import ArchiveHandover, Document, FileHeading, NumberSeries

CLOSING_FIELDS = ["closed_on", "closed_by", "started_on", "page_count", "document_count", "keeper"]
MAX_SHEETS = 100_000


def handover_years() -> int:
    return int(getattr(settings, "DANGVU_ARCHIVE_HANDOVER_YEARS", 1))


def handover_due(closed_on: date) -> date:
    """The last day a file closed on ``closed_on`` should reach the unit's archive."""
    return date(closed_on.year + handover_years(), 12, 31)


def _lock(heading: FileHeading) -> FileHeading:
    return FileHeading.objects.select_for_update(of=("self",)).select_related("org").get(pk=heading.pk)


def filed_summary(heading: FileHeading) -> dict[str, Any]:
    """What the documents filed in ``heading`` say of it: how many, their pages, the earliest date."""
    rows = Document.objects.filter(filed_in=heading)
    return rows.aggregate(
        documents=Coalesce(Sum(1), 0),
        pages=Coalesce(Sum("pages"), 0),
        first=Min(Coalesce("received_on", "issued_on")),
    )


@transaction.atomic
def file_heading_close(
    *,
    actor: Any,
    heading: FileHeading,
    closed_on: date,
    page_count: int,
    document_count: int | None = None,
    started_on: date | None = None,
    keeper: str = "",
) -> FileHeading:
    """Close a file (kết thúc hồ sơ): the end date, the number of sheets and of documents (default: the
    documents filed in it), the start date (default: the earliest of them) and the keeper. Requires
    ``documents.register`` in the file's unit. Side effects: audit (before → after)."""
    heading = _lock(heading)
    require_perm(actor, "documents.register", heading.org)
    if heading.closed_on is not None:
        raise ValidationError("Hồ sơ đã kết thúc ngày %(on)s.", params={"on": dmy(heading.closed_on)})
    summary = filed_summary(heading)
    errors: dict[str, str] = {}
    if closed_on > timezone.localdate():
        errors["closed_on"] = "Ngày kết thúc không được ở tương lai."
    started_on = started_on or summary["first"]
    if started_on and started_on > closed_on:
        errors["started_on"] = "Ngày bắt đầu không được sau ngày kết thúc."
    if not isinstance(page_count, int) or not 0 <= page_count <= MAX_SHEETS:
        errors["page_count"] = f"Số tờ từ 0 đến {MAX_SHEETS:,}.".replace(",", ".")
    documents = summary["documents"] if document_count is None else document_count
    if not isinstance(documents, int) or not 0 <= documents <= MAX_SHEETS:
        errors["document_count"] = "Số văn bản không hợp lệ."
    keeper = " ".join((keeper or "").split()) or heading.keeper
    if len(keeper) > 200:
        errors["keeper"] = "Tối đa 200 ký tự."
    if errors:
        raise ValidationError(errors)
    before = snapshot(heading, CLOSING_FIELDS)
    heading.closed_on, heading.closed_by, heading.started_on = closed_on, actor, started_on
    heading.page_count, heading.document_count, heading.keeper = page_count, documents, keeper
    heading.save(update_fields=CLOSING_FIELDS)
    audit_log(
        actor=actor,
        action="update",
        obj=heading,
        org=heading.org,
        event="documents.file_heading_close",
        changes=diff(before, snapshot(heading, CLOSING_FIELDS)),
    )
    return heading


@transaction.atomic
def file_heading_reopen(*, actor: Any, heading: FileHeading, reason: str) -> FileHeading:
    """Reopen a closed file not yet handed to the archive, with a reason (documents can be filed in it
    again). Requires ``documents.register`` in the unit. Side effects: audit with the reason."""
    heading = _lock(heading)
    require_perm(actor, "documents.register", heading.org)
    reason = " ".join((reason or "").split())
    if heading.closed_on is None:
        raise ValidationError("Hồ sơ chưa kết thúc.")
    if heading.handover_id is not None:
        raise ValidationError("Hồ sơ đã nộp vào lưu trữ cơ quan: không mở lại được.")
    if not reason:
        raise ValidationError({"reason": "Cần lý do mở lại hồ sơ."})
    if len(reason) > 500:
        raise ValidationError({"reason": "Tối đa 500 ký tự."})
    before = snapshot(heading, CLOSING_FIELDS)
    heading.closed_on = heading.closed_by = heading.page_count = heading.document_count = None
    heading.save(update_fields=CLOSING_FIELDS)
    audit_log(
        actor=actor,
        action="update",
        obj=heading,
        org=heading.org,
        event="documents.file_heading_reopen",
        changes=diff(before, snapshot(heading, CLOSING_FIELDS)),
        data={"reason": reason},
    )
    return heading


def _next_handover_number(org: Any, year: int) -> int:
    """The next record number of ``org`` in ``year``, from a locked series row (never repeated)."""
    series, _created = NumberSeries.objects.get_or_create(
        org=org, abbreviation="GNLT", period=f"handover:{year}", defaults={"period_label": f"Giao nộp {year}"}
    )
    series = NumberSeries.objects.select_for_update().get(pk=series.pk)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number


@transaction.atomic
def archive_handover_create(
    *,
    actor: Any,
    org: Any,
    headings: list[FileHeading],
    handed_on: date,
    delivered_by: str,
    received_by: str,
    archive_name: str = "",
    note: str = "",
) -> ArchiveHandover:
    """Hand closed files of ``org`` to its archive in one numbered record (biên bản giao nộp). Each file
    must be closed, not handed over yet, and closed no later than ``handed_on``. Requires
    ``documents.register`` in ``org``. Side effects: the files point to the record; audit (the files)."""
    require_perm(actor, "documents.register", org)
    ids = sorted({h.pk for h in headings})
    if not ids:
        raise ValidationError({"headings": "Chọn ít nhất một hồ sơ đã kết thúc."})
    locked = list(FileHeading.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    errors: dict[str, str] = {}
    names = {"delivered_by": " ".join(delivered_by.split()), "received_by": " ".join(received_by.split())}
    for field, value in names.items():
        if not value:
            errors[field] = "Cần họ tên người giao." if field == "delivered_by" else "Cần họ tên người nhận."
        elif len(value) > 200:
            errors[field] = "Tối đa 200 ký tự."
    if handed_on > timezone.localdate():
        errors["handed_on"] = "Ngày giao nộp không được ở tương lai."
    refused = [
        h.code
        for h in locked
        if h.org_id != org.pk or h.closed_on is None or h.handover_id is not None or h.closed_on > handed_on
    ]
    if len(locked) != len(ids) or refused:
        errors["headings"] = (
            "Chỉ giao nộp hồ sơ đã kết thúc (trước ngày giao nộp), chưa nộp lưu, của đơn vị này: "
            + ", ".join(refused or ["?"])
        )
    if errors:
        raise ValidationError(errors)
    record = ArchiveHandover.objects.create(
        org=org,
        year=handed_on.year,
        number=_next_handover_number(org, handed_on.year),
        handed_on=handed_on,
        archive_name=" ".join(archive_name.split())[:200],
        note=" ".join(note.split())[:500],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **names,
    )
    FileHeading.objects.filter(pk__in=ids).update(handover=record)
    audit_log(
        actor=actor,
        action="create",
        obj=record,
        org=org,
        event="documents.archive_handover_create",
        data={"files": [h.code for h in locked], "ids": ids, "handed_on": handed_on.isoformat()},
    )
    return record


# --- Reads --------------------------------------------------------------------------------------------


def awaiting_handover(user: Any, *, org: Any) -> list[FileHeading]:
    """``org``'s closed files not yet in its archive, oldest closing first, each with ``due`` (the last
    day to hand it over) and ``overdue``."""
    today = timezone.localdate()
    rows = list(
        FileHeading.objects.visible_to(user)
        .filter(org=org, closed_on__isnull=False, handover__isnull=True)
        .order_by("closed_on", "year", "code")
    )
    for row in rows:
        row.due = handover_due(row.closed_on)
        row.overdue = row.due < today
    return rows


def handovers(user: Any, *, org: Any) -> Any:
    return ArchiveHandover.objects.visible_to(user).filter(org=org).order_by("-handed_on", "-number")


def handover_files(record: ArchiveHandover) -> Any:
    return record.files.select_related("retention_period").order_by("year", "section", "code")


# --- The printable record -----------------------------------------------------------------------------

HANDOVER_COLUMNS = [
    ("Số TT", 4),
    ("Số, ký hiệu hồ sơ", 9),
    ("Tiêu đề hồ sơ", 34),
    ("Năm", 5),
    ("Thời gian bắt đầu – kết thúc", 14),
    ("Số tờ", 5),
    ("Thời hạn bảo quản", 9),
    ("Ghi chú", 10),
]


@dataclass(frozen=True)
class HandoverPrint:
    record: ArchiveHandover
    rows: list[FileHeading]

    @property
    def file_name(self) -> str:
        return f"bien-ban-giao-nop-{self.record.org.code}-{self.record.year}-{self.record.number}".replace(
            "/", "-"
        )


def handover_pdf(printable: HandoverPrint) -> bytes:
    from dangvu.documents.rendering import render_template

    record = printable.record
    organ = getattr(record.org, "issuing", None)
    sheets = sum(h.page_count or 0 for h in printable.rows)
    intro = [
        f"Số {record.number}/{record.year}. Hôm nay, ngày {dmy(record.handed_on)}, {record.org.name} "
        f"giao nộp hồ sơ, tài liệu vào {record.archive_name or 'lưu trữ cơ quan'}.",
        f"Bên giao: {record.delivered_by}. Bên nhận: {record.received_by}.",
        f"Số hồ sơ giao nộp: {len(printable.rows)}; tổng số tờ: {sheets}."
        + (f" Ghi chú: {record.note}" if record.note else ""),
    ]
    rows = [
        [
            str(index),
            h.code,
            h.title,
            str(h.year),
            f"{dmy(h.started_on) if h.started_on else '…'} – {dmy(h.closed_on) if h.closed_on else ''}",
            "" if h.page_count is None else str(h.page_count),
            h.retention_label,
            h.note,
        ]
        for index, h in enumerate(printable.rows, start=1)
    ]
    data = {
        "organ": record.org.name,
        "parent_line": organ.parent_line if organ is not None else "",
        "title": "Biên bản giao nộp hồ sơ, tài liệu vào lưu trữ cơ quan",
        "intro": intro,
        "columns": [label for label, _width in HANDOVER_COLUMNS],
        "widths": [width for _label, width in HANDOVER_COLUMNS],
        "rows": rows,
        "empty": "Biên bản chưa có hồ sơ nào.",
        "signatures": [["BÊN GIAO", record.delivered_by], ["BÊN NHẬN", record.received_by]],
    }
    return render_template("so-dang-ky", data).pdf


def handover_export(*, actor: Any, record: ArchiveHandover) -> tuple[str, bytes]:
    """The handover record as PDF: file name and bytes. Requires ``documents.view`` in the unit; logs
    ``documents.export_handover``."""
    require_perm(actor, "documents.view", record.org)
    printable = HandoverPrint(record, list(handover_files(record)))
    content = handover_pdf(printable)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="view",
            obj=record,
            org=record.org,
            event="documents.export_handover",
            data={"files": len(printable.rows)},
        )
    return f"{printable.file_name}.pdf", content
