"""The printable registers: "Sổ đăng ký văn bản đến" and "Sổ đăng ký văn bản đi" of a unit for a year,
as .xlsx (the shared office-document writer ``dangvu.core.spreadsheets.writer``: title, unit and date
of printing, a frozen header, real dates, text never read as a formula) and as PDF (the Typst template
``rendering/templates/so-dang-ky.typ``).

A register lists what the unit's register holds: incoming documents by their incoming number in the
year's register, outgoing ones by the number they were issued with in that year (drafts are not in
the register). Rows come from ``Document.objects.visible_to(user)``, so a secret document appears
only to those cleared for its level. Every export is logged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from dangvu.audit.services import audit_log
from dangvu.core.pdf import dmy
from dangvu.core.spreadsheets.writer import XLSX_TYPE
from dangvu.documents.enums import Direction
from dangvu.documents.models import Assignment, Document

FORMATS = ("xlsx", "pdf")

# (heading, relative width in the PDF, width in characters in the workbook); a column's cells are
# text unless they are dates (``date`` objects) or numbers (the incoming number).
INCOMING_COLUMNS = [
    ("Số đến", 5, 8),
    ("Ngày đến", 8, 12),
    ("Tác giả (cơ quan gửi)", 16, 28),
    ("Số, ký hiệu", 11, 16),
    ("Ngày văn bản", 8, 12),
    ("Tên loại và trích yếu nội dung", 30, 60),
    ("Độ mật, khẩn", 7, 11),
    ("Đơn vị, người nhận xử lý", 14, 26),
    ("Hạn xử lý", 8, 12),
    ("Ghi chú", 10, 16),
]
OUTGOING_COLUMNS = [
    ("Số, ký hiệu", 11, 16),
    ("Ngày văn bản", 8, 12),
    ("Tên loại và trích yếu nội dung", 34, 60),
    ("Người ký", 13, 22),
    ("Nơi nhận", 20, 36),
    ("Độ mật, khẩn", 7, 11),
    ("Ghi chú", 10, 16),
]
DATE_COLUMNS = frozenset({"Ngày đến", "Ngày văn bản", "Hạn xử lý"})
NUMBER_COLUMNS = frozenset({"Số đến"})


@dataclass(frozen=True)
class Register:
    direction: str
    year: int
    org: Any
    columns: list[tuple[str, int, int]]
    rows: list[list[Any]] = field(default_factory=list)  # text, dates, the incoming number, None

    @property
    def title(self) -> str:
        kind = "đến" if self.direction == Direction.INCOMING else "đi"
        return f"Sổ đăng ký văn bản {kind} năm {self.year}"

    @property
    def file_name(self) -> str:
        kind = "den" if self.direction == Direction.INCOMING else "di"
        return f"so-van-ban-{kind}-{self.org.code}-{self.year}".replace("/", "-")


def _marks(document: Document) -> str:
    marks = [
        document.get_secrecy_display() if document.secrecy else "",
        document.get_urgency_display() if document.urgency else "",
    ]
    return ", ".join(str(mark) for mark in marks if mark)


def _handler(document: Document) -> str:
    for assignment in document.active_assignments:  # type: ignore[attr-defined]  # the Prefetch to_attr
        names = [assignment.lead_org.name if assignment.lead_org else ""]
        if assignment.lead_user:
            names.append(assignment.lead_user.get_full_name() or assignment.lead_user.get_username())
        return ", ".join(filter(None, names))
    return ""


def _incoming_row(document: Document) -> list[Any]:
    return [
        document.incoming_number,
        document.received_on,
        document.sender_name,
        document.number_text,
        document.issued_on,
        f"{document.doc_type.name}: {document.subject}",
        _marks(document),
        _handler(document),
        document.deadline,
        str(document.get_status_display()),
    ]


def _outgoing_row(document: Document) -> list[Any]:
    recipients = "; ".join(line.strip() for line in document.recipients_text.splitlines() if line.strip())
    signer = ", ".join(filter(None, [document.signer_title, document.signer_name]))
    return [
        document.number_text,
        document.issued_on,
        f"{document.doc_type.name}: {document.subject}",
        signer,
        recipients,
        _marks(document),
        str(document.get_status_display()),
    ]


def register_of(user: Any, *, org: Any, direction: str, year: int) -> Register:
    """The register of ``org`` (that unit's own register, not its subunits') for ``year``."""
    rows = Document.objects.visible_to(user).filter(registry_org=org, direction=direction)
    rows = rows.select_related("doc_type")
    if direction == Direction.INCOMING:
        rows = rows.filter(register_year=year, incoming_number__isnull=False).prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(active=True).select_related("lead_org", "lead_user"),
                to_attr="active_assignments",
            )
        )
        return Register(
            direction,
            year,
            org,
            INCOMING_COLUMNS,
            [_incoming_row(d) for d in rows.order_by("incoming_number")],
        )
    rows = rows.filter(number__isnull=False, issued_on__year=year)
    ordered = rows.order_by("issued_on", "symbol", "number", "pk")
    return Register(direction, year, org, OUTGOING_COLUMNS, [_outgoing_row(d) for d in ordered])


def _kind(heading: str) -> Any:
    return "date" if heading in DATE_COLUMNS else "number" if heading in NUMBER_COLUMNS else "text"


def register_xlsx(register: Register) -> bytes:
    """The register as an office workbook: its title, the unit and the day it was printed, the header
    (frozen), one row per document; dates are dates (dd/mm/yyyy), text is text whatever it starts with."""
    from dangvu.core.spreadsheets.writer import Column, Sheet, write_table

    columns = [
        Column(str(index), heading, chars, _kind(heading))
        for index, (heading, _width, chars) in enumerate(register.columns)
    ]
    sheet = Sheet(
        name="Sổ đăng ký",
        title=register.title.upper(),
        subtitle=f"Đơn vị: {register.org.name} — ngày in: {dmy(timezone.localdate())}",
    )
    labels = [column.label for column in columns]
    buffer = io.BytesIO()
    write_table(
        buffer,
        sheet,
        columns,
        (dict(zip(labels, row, strict=True)) for row in register.rows),
        expected_rows=len(register.rows),
    )
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return dmy(value)
    return str(value)


def register_pdf(register: Register) -> bytes:
    from dangvu.documents.rendering import render_template

    organ = getattr(register.org, "issuing", None)
    data = {
        "organ": register.org.name,
        "parent_line": organ.parent_line if organ is not None else "",
        "title": register.title,
        "columns": [heading for heading, _width, _chars in register.columns],
        "widths": [width for _heading, width, _chars in register.columns],
        "rows": [[_cell_text(value) for value in row] for row in register.rows],
    }
    return render_template("so-dang-ky", data).pdf


def register_export(
    *, actor: Any, org: Any, direction: str, year: int, format: str
) -> tuple[str, bytes, str]:
    """The register of ``org`` for ``year`` as ``format`` (xlsx or pdf): file name, bytes and content
    type. Requires ``documents.view`` in the unit (the caller loads ``org`` through ``visible_to``);
    logs ``documents.export_register``."""
    from dangvu.accounts.permissions import require_perm

    require_perm(actor, "documents.view", org)
    register = register_of(actor, org=org, direction=direction, year=year)
    if format == "xlsx":
        content, content_type = register_xlsx(register), XLSX_TYPE
    else:
        content, content_type = register_pdf(register), "application/pdf"
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="view",
            org=org,
            event="documents.export_register",
            object_type="documents.register",
            object_id=f"{org.pk}:{direction}:{year}",
            object_repr=f"{register.title} — {org.name}",
            data={"format": format, "rows": len(register.rows)},
        )
    return f"{register.file_name}.{format}", content, content_type
