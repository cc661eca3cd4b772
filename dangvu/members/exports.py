"""The member list as .xlsx: one service for the web list (instant or as a background job) and any
other caller. Columns are chosen by the user among those a list reader may see (contact details,
addresses and the CCCD stay in the member file, which has its own permission); labels follow the
user's language; dates are real dates (dd/mm/yyyy), a partial birth date ("1980", "05/1980") is text.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangvu.audit.services import audit_log
from dangvu.core.exports import Exporter, export_start, instant_max_rows, register_exporter
from dangvu.core.models import Export
from dangvu.core.spreadsheets.writer import Column, Sheet, write_table
from dangvu.members import forms as member_forms
from dangvu.members import selectors
from dangvu.members.enums import DatePrecision, MemberStatus, Sex, TheoryLevel
from dangvu.orgs.models import Org

EXPORT_KIND = "members.list"
PRINT_KIND = "members.list_pdf"
# The most rows a user can tick on the list and export or print by hand (one page holds far fewer).
SELECTED_MAX = 500


Reader = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class ExportColumn:
    """``reader()`` is called once per export (in the reader's language) and returns the function
    that turns a ``values()`` row into the cell: per-row work stays a dict look-up."""

    key: str
    label: Any  # lazily translated
    width: float
    fields: tuple[str, ...]
    reader: Callable[[], Reader]
    kind: str = "text"


def _birth() -> Reader:
    day, year = DatePrecision.DAY, DatePrecision.YEAR

    def read(row: dict[str, Any]) -> Any:
        born, precision = row["birth_date"], row["birth_date_precision"]
        if born is None or precision == day:
            return born
        return f"{born.year}" if precision == year else f"{born:%m/%Y}"

    return read


def _choice(field: str, choices: Any) -> Callable[[], Reader]:
    def reader() -> Reader:
        labels = {value: str(label) for value, label in choices}  # translated once per export
        return lambda row: labels.get(row[field], row[field] or "")

    return reader


def _plain(field: str) -> Callable[[], Reader]:
    return lambda: operator.itemgetter(field)


COLUMNS: list[ExportColumn] = [
    ExportColumn("full_name", _("Họ và tên"), 28, ("full_name",), _plain("full_name")),
    ExportColumn("other_names", _("Tên gọi khác"), 16, ("other_names",), _plain("other_names")),
    ExportColumn("birth_date", _("Ngày sinh"), 12, ("birth_date", "birth_date_precision"), _birth, "date"),
    ExportColumn("sex", _("Giới tính"), 9, ("sex",), _choice("sex", Sex.choices)),
    ExportColumn("ethnicity", _("Dân tộc"), 10, ("ethnicity__name",), _plain("ethnicity__name")),
    ExportColumn("religion", _("Tôn giáo"), 10, ("religion__name",), _plain("religion__name")),
    ExportColumn("hometown", _("Quê quán"), 28, ("hometown",), _plain("hometown")),
    ExportColumn("org", _("Chi bộ"), 32, ("org__name",), _plain("org__name")),
    ExportColumn("status", _("Trạng thái"), 14, ("status",), _choice("status", MemberStatus.choices)),
    ExportColumn("admitted_on", _("Ngày vào Đảng"), 13, ("admitted_on",), _plain("admitted_on"), "date"),
    ExportColumn("ceremony_on", _("Ngày lễ kết nạp"), 13, ("ceremony_on",), _plain("ceremony_on"), "date"),
    ExportColumn(
        "recognized_on", _("Ngày chính thức"), 13, ("recognized_on",), _plain("recognized_on"), "date"
    ),
    ExportColumn("card_number", _("Số thẻ đảng viên"), 14, ("card_number",), _plain("card_number")),
    ExportColumn("file_number", _("Số lý lịch"), 12, ("file_number",), _plain("file_number")),
    ExportColumn("occupation", _("Nghề nghiệp"), 18, ("occupation",), _plain("occupation")),
    ExportColumn("work_unit", _("Đơn vị công tác"), 24, ("work_unit",), _plain("work_unit")),
    ExportColumn("position", _("Chức vụ"), 18, ("position",), _plain("position")),
    ExportColumn(
        "general_education", _("Giáo dục phổ thông"), 10, ("general_education",), _plain("general_education")
    ),
    ExportColumn(
        "professional_degree",
        _("Chuyên môn, nghiệp vụ"),
        18,
        ("professional_degree",),
        _plain("professional_degree"),
    ),
    ExportColumn(
        "political_theory",
        _("Lý luận chính trị"),
        14,
        ("political_theory",),
        _choice("political_theory", TheoryLevel.choices),
    ),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# STT comes first in every export; these twelve are what an export holds unless the user chooses.
DEFAULT_COLUMNS = (
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "religion",
    "hometown",
    "org",
    "status",
    "admitted_on",
    "recognized_on",
    "card_number",
)


def chosen_columns(keys: Sequence[str]) -> list[ExportColumn]:
    """The known columns among ``keys`` in the list's order; the default twelve if none is known."""
    wanted = set(keys)
    chosen = [c for c in COLUMNS if c.key in wanted]
    return chosen or [COLUMN_BY_KEY[k] for k in DEFAULT_COLUMNS]


def _band(value: str) -> tuple[int, int] | None:
    """A "low-high" choice of the filter form as years."""
    if not value:
        return None
    low, high = value.split("-")
    return int(low), int(high)


def member_criteria(user: Any, params: QueryDict) -> tuple[selectors.MemberFilter, member_forms.FilterForm]:
    """The list's filters from the page's query (an unknown or invisible unit lists nothing)."""
    form = member_forms.FilterForm(params or None)
    form.fields["org"].queryset = Org.objects.visible_to(user)  # type: ignore[attr-defined]
    if not form.is_valid():
        return selectors.MemberFilter(nothing="org" in form.errors), form
    data = form.cleaned_data
    return (
        selectors.MemberFilter(
            q=data["q"],
            org=data["org"],
            status=data["status"],
            sex=data["sex"],
            age=_band(data["age"]),
            party_age=_band(data["party_age"]),
            ethnicity=data["ethnicity"],
        ),
        form,
    )


def filtered_members(user: Any, params: QueryDict) -> tuple[Any, member_forms.FilterForm]:
    """The members of the list's filters; with ``id`` values, only those ticked rows (still filtered)."""
    criteria, form = member_criteria(user, params)
    rows = selectors.members(user, criteria)
    chosen = [int(value) for value in params.getlist("id")[:SELECTED_MAX] if value.isdigit()]
    return (rows.filter(pk__in=chosen) if chosen else rows), form


def value_fields(columns: Sequence[ExportColumn]) -> list[str]:
    """What to read from the database (``values()``) for ``columns``."""
    return sorted({f for c in columns for f in c.fields})


def table_columns(columns: Sequence[ExportColumn]) -> list[Column]:
    """The sheet's columns: STT first, then ``columns`` with labels in the current language."""
    return [Column("number", gettext("STT"), 7, "number")] + [
        Column(c.key, str(c.label), c.width, c.kind)  # type: ignore[arg-type]
        for c in columns
    ]


def table_rows(values: Iterable[dict[str, Any]], columns: Sequence[ExportColumn]) -> Iterator[dict[str, Any]]:
    """Numbered rows of ``columns`` (keyed by the sheet's labels, in order) from ``values()`` rows."""
    labels = [c.label for c in table_columns(columns)]
    readers: list[Reader] = [operator.itemgetter(_NUMBER), *(c.reader() for c in columns)]
    pairs = list(zip(labels, readers, strict=True))
    for number, row in enumerate(values, start=1):
        row[_NUMBER] = number  # the row is ours: one dict look-up like every other cell
        yield {label: read(row) for label, read in pairs}


_NUMBER = "__number"


def _query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, [str(v) for v in values])
    return query


def _sheet(user: Any, form: member_forms.FilterForm) -> Sheet:
    org = form.cleaned_data["org"] if form.is_valid() else None  # a visible unit (``member_criteria``)
    unit = org.name if org is not None else ""
    today = timezone.localdate()
    subtitle = gettext("Đơn vị: {unit} — ngày xuất: {day}").format(
        unit=unit or gettext("mọi đơn vị được xem"), day=f"{today:%d/%m/%Y}"
    )
    return Sheet(name=gettext("Đảng viên"), title=gettext("DANH SÁCH ĐẢNG VIÊN"), subtitle=subtitle)


def member_list_xlsx(
    *,
    actor: Any,
    params: dict[str, list[str]],
    target: IO[bytes] | str,
    progress: Callable[[int], None] | None = None,
    expected_rows: int | None = None,
) -> int:
    """Write the member list of ``params`` (the list page's query: filters, ticked ``id``s, chosen
    ``col``s) as .xlsx to ``target``; returns the row count. Side effect: one audit entry."""
    query = _query(params)
    members, form = filtered_members(actor, query)
    columns = chosen_columns(query.getlist("col"))
    if expected_rows is None:
        expected_rows = members.order_by().count()
    values = members.values(*value_fields(columns)).iterator(chunk_size=5000)
    count = write_table(
        target,
        _sheet(actor, form),
        table_columns(columns),
        table_rows(values, columns),
        expected_rows=expected_rows,
        progress=progress,
    )
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="export",
            event="members.export",
            object_type="members.member",
            data={"rows": count, "filters": dict(params), "format": "xlsx"},
        )
    return count


def export_filename() -> str:
    return f"dang-vien-{timezone.localdate():%Y%m%d}.xlsx"


def member_export_request(*, actor: Any, params: dict[str, list[str]]) -> Export | None:
    """Decide how to export the list of ``params``: ``None`` if it is small enough to write in the
    request, otherwise the queued background export (its page shows progress and the download)."""
    members, _form = filtered_members(actor, _query(params))
    limit = instant_max_rows()
    counted = members.order_by().values("pk")[: limit + 1].count()
    if counted <= limit:
        return None
    return export_start(
        actor=actor,
        kind=EXPORT_KIND,
        params=params,
        filename=export_filename(),
        expected_rows=members.order_by().count(),
    )


def _write_job(actor: Any, params: dict[str, Any], target: str, progress: Callable[[int], None]) -> int:
    return member_list_xlsx(actor=actor, params=params, target=target, progress=progress)


register_exporter(Exporter(EXPORT_KIND, _write_job))


# Printing the list (PDF): a short list is printed inside the request; a longer one by a background job
# (progress and a download link, as for the .xlsx export); past ``print_max_rows`` a PDF is not the
# tool (thousands of pages nobody signs) and the page says to filter or export to Excel.


def print_instant_max_rows() -> int:
    return int(getattr(settings, "DANGVU_PRINT_INSTANT_MAX_ROWS", 1000))


def print_max_rows() -> int:
    return int(getattr(settings, "DANGVU_PRINT_MAX_ROWS", 20000))


class TooLongToPrint(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


def print_filename() -> str:
    return f"danh-sach-dang-vien-{timezone.localdate():%Y%m%d}.pdf"


def member_print_request(*, actor: Any, params: dict[str, list[str]]) -> Export | None:
    """``None`` if the list of ``params`` is short enough to print in the request, otherwise the queued
    background printout. Raises ``TooLongToPrint`` past ``print_max_rows()``."""
    members, _form = filtered_members(actor, _query(params))
    instant, most = print_instant_max_rows(), print_max_rows()
    counted = members.order_by().values("pk")[: most + 1].count()
    if counted > most:
        raise TooLongToPrint(members.order_by().count())
    if counted <= instant:
        return None
    return export_start(
        actor=actor, kind=PRINT_KIND, params=params, filename=print_filename(), expected_rows=counted
    )


def member_list_pdf_write(
    *,
    actor: Any,
    params: dict[str, list[str]],
    target: IO[bytes] | str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Print the member list of ``params`` to ``target`` (a PDF); returns the row count. Side effect:
    one audit entry. Refuses (``TooLongToPrint``) a list that grew past ``print_max_rows()``."""
    from dangvu.members.printing import member_list_pdf

    members, form = filtered_members(actor, _query(params))
    most = print_max_rows()
    rows = list(members.select_related("org")[: most + 1])
    if len(rows) > most:
        raise TooLongToPrint(members.order_by().count())
    org = form.cleaned_data["org"] if form.is_valid() else None  # a visible unit (``member_criteria``)

    def counted(items: list[Any]) -> Iterator[Any]:
        for number, item in enumerate(items, start=1):
            if progress is not None and number % 500 == 0:
                progress(number)
            yield item

    content = member_list_pdf(
        counted(rows),
        title="Danh sách đảng viên",
        subtitle=f"Đơn vị: {org.name}" if org else "",
        org=org,
    )
    if isinstance(target, str):
        with open(target, "wb") as out:
            out.write(content)
    else:
        target.write(content)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="export",
            event="members.print_list",
            object_type="members.member",
            data={"rows": len(rows), "filters": dict(params), "format": "pdf"},
        )
    return len(rows)


def _print_job(actor: Any, params: dict[str, Any], target: str, progress: Callable[[int], None]) -> int:
    try:
        return member_list_pdf_write(actor=actor, params=params, target=target, progress=progress)
    except TooLongToPrint as error:
        raise PermissionDenied(
            gettext("Danh sách có {n} đảng viên, quá {most} dòng để in PDF.").format(
                n=f"{error.count:,}".replace(",", "."), most=f"{print_max_rows():,}".replace(",", ".")
            )
        ) from error


register_exporter(Exporter(PRINT_KIND, _print_job))
