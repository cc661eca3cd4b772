from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangvu.accounts.permissions import has_perm, require_perm_somewhere
from dangvu.core.forms import VNDateField
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.workcalendar import calendar
from dangvu.workcalendar.models import CalendarDay
from dangvu.workcalendar.services import calendar_day_remove, calendar_day_set, calendar_year_confirm


class CalendarDayForm(forms.Form):
    date = VNDateField(label=gettext_lazy("Ngày"))  # dd/mm/yyyy with the picker, never type=date
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=CalendarDay.Kind.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=255, required=False)
    legal_basis = forms.CharField(
        label=gettext_lazy("Căn cứ (thông báo của Chính phủ)"), max_length=300, required=False
    )


class ConfirmYearForm(forms.Form):
    legal_basis = forms.CharField(label=gettext_lazy("Căn cứ (thông báo của Chính phủ)"), max_length=300)


class ComputeForm(forms.Form):
    start = VNDateField(label=gettext_lazy("Từ ngày"))
    days = forms.IntegerField(
        label=gettext_lazy("Số ngày làm việc"),
        min_value=0,
        max_value=10000,
        error_messages={
            "min_value": gettext_lazy("Số ngày không được âm."),
            "invalid": gettext_lazy("Nhập một số nguyên."),
        },
    )

    def clean_start(self) -> Any:
        start = self.cleaned_data["start"]
        if not calendar.SUPPORTED_FIRST <= start <= date(calendar.SUPPORTED_LAST.year - 30, 12, 31):
            raise forms.ValidationError(
                _("Lịch làm việc chỉ tính được từ %(first)s đến %(last)s.")
                % {
                    "first": f"{calendar.SUPPORTED_FIRST:%d/%m/%Y}",
                    "last": f"{calendar.SUPPORTED_LAST:%d/%m/%Y}",
                }
            )
        return start


# The interface language → the language the holidays package names Vietnam's public holidays in.
HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 1990), 2100)
    language = translation.get_language()
    form = CalendarDayForm()
    compute = ComputeForm(request.GET if "start" in request.GET else None)
    result = None
    result_provisional = False
    if compute.is_bound and compute.is_valid():
        result = calendar.add_working_days(compute.cleaned_data["start"], compute.cleaned_data["days"])
        result_provisional = any(
            calendar.is_provisional(y) for y in range(compute.cleaned_data["start"].year, result.year + 1)
        )
    year_days = calendar.year_calendar(year)
    names = calendar.public_holiday_names(year, HOLIDAY_LANGUAGES.get(language, "vi"))
    rows = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
    # The table's rows as they are now (the cached calendar follows them once the change commits).
    days = [
        {
            "date": day,
            "working": rows[day].kind == CalendarDay.Kind.WORKING_DAY
            if day in rows
            else day in year_days.working,
            "label": (rows[day].note if day in rows else "")
            or names.get(day, "")
            or (str(rows[day].get_kind_display()) if day in rows else ""),
            "legal_basis": rows[day].legal_basis if day in rows else year_days.legal_basis,
            "row": rows.get(day),
        }
        for day in sorted(year_days.off | year_days.working | set(rows))
    ]
    context = {
        "year": year,
        "provisional": year_days.provisional,
        "year_basis": year_days.legal_basis,
        "days_off": [d for d in days if not d["working"]],
        "working_days": [d for d in days if d["working"]],
        "form": form,
        "confirm_form": ConfirmYearForm(),
        "compute": compute,
        "result": result,
        "result_provisional": result_provisional,
        "can_manage": has_perm(request.user, "calendar.manage"),
    }
    return render(request, "workcalendar/index.html", context)


@login_required
@require_POST
def add_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "calendar.manage")
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            calendar_day_set(
                actor=request.user,
                day=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Đã lưu ngày nghỉ / làm bù."))
        return redirect(f"/calendar/?year={form.cleaned_data['date'].year}")
    messages.error(
        request,
        _("Dữ liệu không hợp lệ: ") + "; ".join(str(e) for errs in form.errors.values() for e in errs),
    )
    return redirect("workcalendar:index")


@login_required
@require_POST
def remove_day(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm_somewhere(request.user, "calendar.manage")
    day = get_object_or_404(CalendarDay, pk=pk)
    year = day.date.year
    calendar_day_remove(actor=request.user, day=day)
    messages.success(request, _("Đã xóa."))
    return redirect(f"/calendar/?year={year}")


@login_required
@require_POST
def confirm_year(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The government has announced the year: its days stop being provisional."""
    require_perm_somewhere(request.user, "calendar.manage")
    form = ConfirmYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi căn cứ: số, ngày thông báo của Chính phủ."))
        return redirect(f"/calendar/?year={year}")
    try:
        calendar_year_confirm(actor=request.user, year=year, legal_basis=form.cleaned_data["legal_basis"])
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Đã xác nhận lịch nghỉ năm %(year)d.") % {"year": year})
    return redirect(f"/calendar/?year={year}")
