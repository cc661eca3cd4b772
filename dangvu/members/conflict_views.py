"""Pages of the citizen-ID conflicts (dangvu.members.identity): the reviewing unit's list and the page
where it settles one. Reads start from ``IdentityConflict.objects.visible_to(user)`` (members.manage over
the reviewing unit: anyone else gets 404); the write goes through ``identity_conflict_resolve``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import require_perm_somewhere
from dangvu.accounts.querysets import can
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.members.identity import NOTE_MAX, conflicts_for, identity_conflict_resolve
from dangvu.members.models import ConflictOutcome

LIST_ROWS = 200


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        # A list with an empty first choice (the kit styles selects; radios took text-box borders),
        # so nothing is chosen by default.
        label=_("Kết quả xử lý"),
        choices=[("", "—"), *ConflictOutcome.choices],
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Đã làm gì: hồ sơ nào được gộp hoặc sửa, ai đã xác minh."),
    )


@login_required
def conflict_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "members.manage")
    rows = conflicts_for(request.user)
    return render(
        request,
        "members/identity_conflicts.html",
        {
            "open": list(rows.open().order_by("created_at", "pk")[:LIST_ROWS]),
            "resolved": list(rows.resolved().order_by("-resolved_at", "-pk")[:LIST_ROWS]),
        },
    )


@login_required
def conflict_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(conflicts_for(request.user), pk=pk)
    form = ResolveForm(request.POST or None) if conflict.is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            identity_conflict_resolve(
                actor=request.user,
                conflict=conflict,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Đã ghi nhận kết quả xử lý."))
            return redirect("members:identity_conflicts")
    return render(
        request,
        "members/identity_conflict.html",
        {
            "conflict": conflict,
            "form": form,
            "can_open_file": can(request.user, "members.view_file", conflict.existing),
        },
    )
