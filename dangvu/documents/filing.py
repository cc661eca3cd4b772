"""Filing and retention: a unit's yearly list of files (danh mục hồ sơ), each file (hồ sơ) with its
retention period as data, the documents filed in it, and the printable list (.xlsx, PDF).

Writes, one function per verb (STYLE.md): ``file_heading_create``, ``file_heading_update``,
``file_heading_delete``, ``file_heading_copy_year``; filing a document in a file is
``dangvu.documents.services.document_file``. Each needs ``documents.register`` (the office clerk) in
the unit whose list it is, and writes one audit entry. Reads start from
``FileHeading.objects.visible_to(user)`` (``documents.view`` in the unit); the documents of a file come
from ``Document.objects.visible_to(user)``, so a secret document appears only to those cleared for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_created, audit_log, diff, snapshot
from dangvu.core.spreadsheets.writer import XLSX_TYPE
from dangvu.documents.models import Document, FileHeading, RetentionPeriod
from dangvu.documents.models.reference import RETENTION_MAX_YEARS

YEARS = (1930, 2100)
EDITABLE = (
    "year",
    "section",
    "code",
    "title",
    "retention_years",
    "retention_period",
    "keeper",
    "note",
    "legal_basis",
)
# ``retention_years`` when the file takes the period of its ``retention_period`` (the proposal).
FROM_PERIOD = "period"
LIMITS = {"section": 200, "code": 40, "title": 300, "keeper": 200, "note": 500, "legal_basis": 200}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Trimmed, bounded values; the errors by field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if name in LIMITS:
            text = " ".join(str(value or "").split())
            if len(text) > LIMITS[name]:
                errors[name] = f"Tối đa {LIMITS[name]} ký tự."
            cleaned[name] = text
        else:
            cleaned[name] = value
    if "code" in cleaned and not cleaned["code"]:
        errors["code"] = "Cần ký hiệu hồ sơ."
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = "Cần tên hồ sơ."
    year = cleaned.get("year")
    if "year" in cleaned and (not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]):
        errors["year"] = f"Năm từ {YEARS[0]} đến {YEARS[1]}."
    retention = cleaned.get("retention_years")
    if retention is not None and (
        not isinstance(retention, int) or not 1 <= retention <= RETENTION_MAX_YEARS
    ):
        errors["retention_years"] = (
            f"Thời hạn bảo quản từ 1 đến {RETENTION_MAX_YEARS} năm; để trống nếu vĩnh viễn."
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _proposed(
    retention_years: int | str | None, period: RetentionPeriod | None, legal_basis: str
) -> tuple[int | None, str]:
    """The retention period and legal basis a file takes: as given, or proposed by its kind of file."""
    if retention_years != FROM_PERIOD:
        return retention_years, legal_basis  # type: ignore[return-value]
    if period is None:
        raise ValidationError(
            {
                "retention_years": "Ghi thời hạn bảo quản, hoặc chọn nhóm tài liệu trong bảng thời hạn bảo quản mẫu."
            }
        )
    return period.retention_years, legal_basis or period.legal_basis[:200]


def _check_unique(org: Any, year: int, code: str, exclude: int | None = None) -> None:
    taken = FileHeading.objects.filter(org=org, year=year, code__iexact=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"code": f"Danh mục hồ sơ năm {year} đã có hồ sơ ký hiệu “{code}”."})


@transaction.atomic
def file_heading_create(
    *,
    actor: Any,
    org: Any,
    year: int,
    code: str,
    title: str,
    retention_years: int | str | None = FROM_PERIOD,
    retention_period: RetentionPeriod | None = None,
    section: str = "",
    keeper: str = "",
    note: str = "",
    legal_basis: str = "",
) -> FileHeading:
    """Add a file to ``org``'s list of files of ``year``. ``retention_years`` None: kept permanently;
    ``FROM_PERIOD`` (the default): the period of ``retention_period``, the kind of file picked from the
    table of standard retention periods (its legal basis too, when none is given). Requires
    ``documents.register`` in ``org``. Side effects: audit."""
    require_perm(actor, "documents.register", org)
    retention_years, legal_basis = _proposed(retention_years, retention_period, legal_basis)
    values = _clean(
        {
            "year": year,
            "section": section,
            "code": code,
            "title": title,
            "retention_years": retention_years,
            "retention_period": retention_period,
            "keeper": keeper,
            "note": note,
            "legal_basis": legal_basis,
        }
    )
    _check_unique(org, values["year"], values["code"])
    try:
        with transaction.atomic():
            heading = FileHeading.objects.create(org=org, **values)
    except IntegrityError as error:  # the same code added at the same moment by another clerk
        raise ValidationError({"code": "Ký hiệu hồ sơ đã có trong danh mục năm này."}) from error
    audit_created(actor=actor, obj=heading, event="documents.file_heading_create", org=org)
    return heading


@transaction.atomic
def file_heading_update(*, actor: Any, heading: FileHeading, changes: dict[str, Any]) -> FileHeading:
    """Change a file's entry (its code, title, section, retention period, keeper, note, year). The
    unit never changes. Requires ``documents.register`` in the unit. Side effects: audit (the diff)."""
    heading = FileHeading.objects.select_for_update(of=("self",)).select_related("org").get(pk=heading.pk)
    require_perm(actor, "documents.register", heading.org)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Không sửa được trường này."))
    if heading.handover_id is not None:
        raise ValidationError("Hồ sơ đã nộp vào lưu trữ cơ quan: không sửa được.")
    changes = dict(changes)
    if changes.get("retention_years") == FROM_PERIOD:
        period = changes.get("retention_period", heading.retention_period)
        changes["retention_years"], basis = _proposed(FROM_PERIOD, period, changes.get("legal_basis", ""))
        changes.setdefault("legal_basis", basis)
    values = _clean(changes)
    before = snapshot(heading, list(values))
    for name, value in values.items():
        setattr(heading, name, value)
    _check_unique(heading.org, heading.year, heading.code, exclude=heading.pk)
    changed = diff(before, snapshot(heading, list(values)))
    if not changed:
        return heading
    heading.save(update_fields=list(values))
    audit_log(
        actor=actor,
        action="update",
        obj=heading,
        org=heading.org,
        event="documents.file_heading_update",
        changes=changed,
    )
    return heading


@transaction.atomic
def file_heading_delete(*, actor: Any, heading: FileHeading) -> None:
    """Remove a file from the list, only while no document is filed in it (a filed document is never
    left without its file). Requires ``documents.register`` in the unit. Side effects: audit."""
    heading = FileHeading.objects.select_for_update(of=("self",)).select_related("org").get(pk=heading.pk)
    require_perm(actor, "documents.register", heading.org)
    if heading.closed_on is not None:
        raise ValidationError("Hồ sơ đã kết thúc: không xóa được.")
    filed = Document.objects.filter(filed_in=heading).count()
    if filed:
        raise ValidationError(
            f"Hồ sơ đang có {filed} văn bản: chuyển các văn bản sang hồ sơ khác trước khi xóa."
        )
    audit_log(
        actor=actor,
        action="delete",
        obj=heading,
        org=heading.org,
        event="documents.file_heading_delete",
        data={"code": heading.code, "title": heading.title, "year": heading.year},
    )
    heading.delete()


@transaction.atomic
def file_heading_copy_year(*, actor: Any, org: Any, from_year: int, to_year: int) -> int:
    """Start ``to_year``'s list of files from ``from_year``'s (the list changes little from year to
    year): every file whose code is not in ``to_year``'s list yet is added, with its retention period.
    Returns how many were added. Requires ``documents.register`` in ``org``. Side effects: audit."""
    require_perm(actor, "documents.register", org)
    _clean({"year": from_year})
    _clean({"year": to_year})
    if from_year == to_year:
        raise ValidationError({"year": "Chọn năm khác với năm của danh mục."})
    existing = {
        c.casefold() for c in FileHeading.objects.filter(org=org, year=to_year).values_list("code", flat=True)
    }
    added = [
        FileHeading(
            org=org,
            year=to_year,
            section=source.section,
            code=source.code,
            title=source.title,
            retention_years=source.retention_years,
            retention_period_id=source.retention_period_id,
            keeper=source.keeper,
            legal_basis=source.legal_basis,
        )
        for source in FileHeading.objects.filter(org=org, year=from_year).order_by("code")
        if source.code.casefold() not in existing
    ]
    FileHeading.objects.bulk_create(added)
    audit_log(
        actor=actor,
        action="create",
        org=org,
        event="documents.file_heading_copy_year",
        object_type="documents.fileheading",
        object_id=f"{org.pk}:{to_year}",
        object_repr=f"Danh mục hồ sơ năm {to_year} — {org.name}",
        data={"from_year": from_year, "to_year": to_year, "added": len(added)},
    )
    return len(added)


# --- Reads --------------------------------------------------------------------------------------------


def headings(user: Any, *, org: Any, year: int) -> Any:
    """``org``'s list of files of ``year`` as ``user`` may see it, each with the number of documents
    in it that the user may see (one query)."""
    visible = Document.objects.visible_to(user).values("pk")
    return (
        FileHeading.objects.visible_to(user)
        .filter(org=org, year=year)
        .annotate(filed=Count("documents", filter=Q(documents__pk__in=visible)))
        .select_related("retention_period")
        .order_by("section", "code", "pk")
    )


def filed_documents(user: Any, heading: FileHeading) -> Any:
    """The documents filed in ``heading`` that ``user`` may see, in register order."""
    return (
        Document.objects.visible_to(user)
        .filter(filed_in=heading)
        .select_related("doc_type")
        .order_by("received_on", "issued_on", "pk")
    )


def headings_for(user: Any, document: Document) -> Any:
    """The files ``document`` may be filed in: its unit's lists of the document's year and the years
    around it, newest first."""
    year = (document.received_on or document.issued_on or timezone.localdate()).year
    return (
        FileHeading.objects.visible_to(user)
        .filter(org=document.registry_org_id, year__in=[year - 1, year, year + 1])
        .order_by("-year", "section", "code")
    )


# --- The printable list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileList:
    org: Any
    year: int
    rows: list[FileHeading]

    @property
    def title(self) -> str:
        return f"Danh mục hồ sơ năm {self.year}"

    @property
    def file_name(self) -> str:
        return f"danh-muc-ho-so-{self.org.code}-{self.year}".replace("/", "-")


# (key, heading, width in characters in the workbook, relative width in the PDF)
LIST_COLUMNS = [
    ("code", "Số và ký hiệu hồ sơ", 14, 10),
    ("title", "Tên đề mục và tiêu đề hồ sơ", 60, 40),
    ("retention", "Thời hạn bảo quản", 14, 10),
    ("keeper", "Đơn vị, người lập hồ sơ", 24, 16),
    ("filed", "Số văn bản", 10, 7),
    ("note", "Ghi chú", 20, 12),
]


def _list_rows(file_list: FileList) -> list[dict[str, Any]]:
    """One row per file; a row in capitals opens each section (đề mục)."""
    rows: list[dict[str, Any]] = []
    section = None
    for heading in file_list.rows:
        if heading.section and heading.section != section:
            rows.append(
                {
                    "code": "",
                    "title": heading.section.upper(),
                    "retention": "",
                    "keeper": "",
                    "filed": None,
                    "note": "",
                }
            )
        section = heading.section
        rows.append(
            {
                "code": heading.code,
                "title": heading.title,
                "retention": heading.retention_label,
                "keeper": heading.keeper,
                "filed": getattr(heading, "filed", None),
                "note": heading.note,
            }
        )
    return rows


def file_list_xlsx(file_list: FileList) -> bytes:
    from dangvu.core.pdf import dmy
    from dangvu.core.spreadsheets.writer import Column, Sheet, write_table

    columns = [
        Column(key, label, width, "number" if key == "filed" else "text")
        for key, label, width, _pdf in LIST_COLUMNS
    ]
    sheet = Sheet(
        name="Danh mục hồ sơ",
        title=file_list.title.upper(),
        subtitle=f"Đơn vị: {file_list.org.name} — ngày in: {dmy(timezone.localdate())}",
    )
    rows = _list_rows(file_list)
    buffer = io.BytesIO()
    write_table(
        buffer,
        sheet,
        columns,
        ({c.label: row[c.key] for c in columns} for row in rows),
        expected_rows=len(rows),
    )
    return buffer.getvalue()


def file_list_pdf(file_list: FileList) -> bytes:
    from dangvu.documents.rendering import render_template

    organ = getattr(file_list.org, "issuing", None)
    data = {
        "organ": file_list.org.name,
        "parent_line": organ.parent_line if organ is not None else "",
        "title": file_list.title,
        "columns": [label for _key, label, _chars, _width in LIST_COLUMNS],
        "widths": [width for _key, _label, _chars, width in LIST_COLUMNS],
        "rows": [
            ["" if row[key] is None else str(row[key]) for key, _label, _chars, _width in LIST_COLUMNS]
            for row in _list_rows(file_list)
        ],
        "empty": "Danh mục chưa có hồ sơ nào.",
    }
    return render_template("so-dang-ky", data).pdf


def file_list_export(*, actor: Any, org: Any, year: int, format: str) -> tuple[str, bytes, str]:
    """``org``'s list of files of ``year`` as ``format`` (xlsx or pdf): file name, bytes, content type.
    Requires ``documents.view`` in the unit; logs ``documents.export_file_list``."""
    require_perm(actor, "documents.view", org)
    file_list = FileList(org, year, list(headings(actor, org=org, year=year)))
    if format == "xlsx":
        content, content_type = file_list_xlsx(file_list), XLSX_TYPE
    else:
        content, content_type = file_list_pdf(file_list), "application/pdf"
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="view",
            org=org,
            event="documents.export_file_list",
            object_type="documents.fileheading",
            object_id=f"{org.pk}:{year}",
            object_repr=f"{file_list.title} — {org.name}",
            data={"format": format, "rows": len(file_list.rows)},
        )
    return f"{file_list.file_name}.{format}", content, content_type
