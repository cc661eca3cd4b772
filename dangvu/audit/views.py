"""The audit log page for people (an inspector, a board): filters, readable rows (``audit.display``) and
the filtered log as .xlsx."""

from __future__ import annotations

from datetime import datetime, time
from io import BytesIO
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import require_perm_somewhere
from dangvu.audit.display import describe, event_labels
from dangvu.audit.models import AuditEntry
from dangvu.audit.services import audit_log
from dangvu.core.forms import VNDateField
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.core.text import fold
from dangvu.orgs.fields import UnitField
from dangvu.orgs.models import Org

EXPORT_MAX_ROWS = 20_000  # an export of more rows asks for narrower filters (said on the page)


class AuditFilterForm(forms.Form):
    date_from = VNDateField(label=_("Từ ngày"), required=False)
    date_to = VNDateField(label=_("Đến ngày"), required=False)
    actor = forms.CharField(
        label=_("Người thực hiện"), required=False, max_length=150, help_text=_("Tên hoặc tên đăng nhập")
    )
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    org = UnitField(label=_("Đơn vị (gồm cấp dưới)"), source="audit.view", required=False)
    object_type = forms.CharField(label=_("Loại bản ghi"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Mã bản ghi"), required=False, max_length=64)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units  # type: ignore[attr-defined]
        events = sorted(((key, str(label)) for key, label in event_labels().items()), key=lambda c: c[1])
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", _("Tất cả")),
            (_("Loại hành động"), list(AuditEntry.Action.choices)),  # codes without a dot
            (_("Nghiệp vụ"), events),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("“Đến ngày” phải sau “Từ ngày”."))
        return data


def _filtered(request: AuthenticatedHttpRequest) -> tuple[Any, AuditFilterForm]:
    """The entries the user may read, narrowed by the page's filters (invalid filters: nothing)."""
    form = AuditFilterForm(request.GET or None, units=Org.objects.visible_to(request.user, "audit.view"))
    entries = AuditEntry.objects.visible_to(request.user).select_related("org", "actor")
    if not form.is_bound:
        return entries, form
    if not form.is_valid():
        return entries.none(), form
    data = form.cleaned_data
    if data["actor"]:
        words = data["actor"].strip()
        entries = entries.filter(Q(actor_repr__icontains=words) | Q(actor__search_text__contains=fold(words)))
    if "." in data["action"]:  # an event of a module ("orgs.rename")
        entries = entries.filter(event=data["action"])
    elif data["action"]:  # a kind of action ("update")
        entries = entries.filter(action=data["action"])
    if data["org"] is not None:
        entries = entries.filter(org__path__startswith=data["org"].path)
    if data["object_type"]:
        entries = entries.filter(object_type=data["object_type"].strip().lower())
    if data["object_id"]:
        entries = entries.filter(object_id=data["object_id"].strip())
    tz = timezone.get_current_timezone()
    if data["date_from"]:
        entries = entries.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
    if data["date_to"]:
        entries = entries.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    return entries, form


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "audit.view")
    entries, form = _filtered(request)
    sort = "seq" if request.GET.get("sort") == "seq" else "-seq"  # newest first unless asked
    # Entries are numbered by their id, in the order they were written.
    page = Paginator(entries.order_by(sort.replace("seq", "id")), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "rows": describe(page.object_list), "sort": sort}
    context["export_max"] = EXPORT_MAX_ROWS
    return render(request, "audit/list.html", context)


@login_required
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered log as .xlsx, newest first, at most ``EXPORT_MAX_ROWS`` rows (audited as an export)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from dangvu.core.spreadsheets.safety import append_values

    require_perm_somewhere(request.user, "audit.view")
    entries, _form = _filtered(request)
    rows = describe(entries.order_by("-id")[:EXPORT_MAX_ROWS])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _t("Nhật ký")[:31]
    header = [_t("Số"), _t("Thời điểm"), _t("Người thực hiện"), _t("Từ"), _t("Hành động"), _t("Bản ghi")]
    header += [_t("Đơn vị"), _t("Thay đổi")]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        entry = row.entry
        append_values(
            sheet,
            [
                entry.pk,
                timezone.localtime(entry.created_at).replace(tzinfo=None),
                row.actor,
                entry.ip or entry.channel,
                row.action,
                f"{entry.object_repr} ({row.record_kind} #{entry.object_id})".strip(),
                entry.org.name if entry.org is not None else "",
                "\n".join(f"{c.label}: {c.before} → {c.after}" for c in row.changes),
            ],
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "dd/mm/yyyy hh:mm:ss"
    for column, width in zip("ABCDEFGH", (8, 20, 24, 16, 34, 44, 32, 60), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    with transaction.atomic():
        audit_log(
            actor=request.user,
            action="export",
            event="audit.export",
            object_type="audit.auditentry",
            data={"rows": len(rows), "filters": request.GET.dict(), "format": "xlsx"},
        )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="nhat-ky.xlsx"'
    return response
