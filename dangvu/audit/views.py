from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import require_perm_somewhere
from dangvu.audit.models import AuditEntry
from dangvu.core.http import AuthenticatedHttpRequest


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện"), required=False)
    action = forms.ChoiceField(
        label=_("Hành động"), required=False, choices=[("", _("Tất cả")), *AuditEntry.Action.choices]
    )
    object_type = forms.CharField(label=_("Loại bản ghi"), required=False)
    object_id = forms.CharField(label=_("Mã bản ghi"), required=False)
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.visible_to(request.user).select_related("org")
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_repr__icontains=data["actor"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"].strip())
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data["date_to"]:
            entries = entries.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    sort = "seq" if request.GET.get("sort") == "seq" else "-seq"  # newest first unless asked
    # Entries are numbered by their id as they are written (the chain places them within seconds).
    page = Paginator(entries.order_by(sort.replace("seq", "id")), 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page_obj": page, "sort": sort})
