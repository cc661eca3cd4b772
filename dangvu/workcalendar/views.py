from __future__ import annotations

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
from dangvu.workcalendar.services import calendar_day_remove, calendar_day_set


class CalendarDayForm(forms.Form):
    date = VNDateField(label=gettext_lazy("Ngày"))  # dd/mm/yyyy with the picker, never type=date
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=CalendarDay.Kind.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú / căn cứ"), max_length=255, required=False)


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
    if compute.is_bound and compute.is_valid():
        result = calendar.add_working_days(compute.cleaned_data["start"], compute.cleaned_data["days"])
    context = {
        "year": year,
        # The holidays package names the holidays itself, in Vietnamese or in English.
        "holidays": sorted(
            calendar.public_holiday_names(year, HOLIDAY_LANGUAGES.get(language, "vi")).items()
        ),
        "exceptions": CalendarDay.objects.filter(date__year=year).order_by("date"),
        "form": form,
        "compute": compute,
        "result": result,
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
