"""Member screens: list, file, forms, verbs, worklists, import, statistics, export."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Window, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import has_perm, require_perm, require_perm_somewhere, scope_for
from dangvu.accounts.querysets import can, require
from dangvu.audit.services import audit_log
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.core.jobs import job_enqueue
from dangvu.core.paging import LargeListPaginator
from dangvu.core.spreadsheets.writer import XLSX_TYPE
from dangvu.links.services import linked_records, timeline
from dangvu.members import forms as member_forms
from dangvu.members import interruptions, selectors, services, stats, worklists
from dangvu.members.clocks import member_clocks
from dangvu.members.enums import EndingGroundCode
from dangvu.members.exports import (
    COLUMNS,
    DEFAULT_COLUMNS,
    TooLongToPrint,
    export_filename,
    filtered_members,
    member_criteria,
    member_export_request,
    member_list_pdf_write,
    member_list_xlsx,
    member_print_request,
    print_filename,
    print_max_rows,
)
from dangvu.members.milestones import (
    clock_stops_on,
    deducted_gaps,
    party_age,
    probation_ends_on,
    recognition_due_on,
)
from dangvu.members.models import Member, MemberImport, Transfer
from dangvu.members.reports import SECTIONS, SEX_NAMES, STATUS_NAMES, labelled
from dangvu.members.workflow import LIFECYCLE
from dangvu.orgs.fields import UnitField
from dangvu.orgs.models import Org


def _units(request: AuthenticatedHttpRequest, perm: str) -> Any:
    return (
        Org.objects.visible_to(request.user, perm)
        .filter(status="active", org_type__has_members=True)
        .order_by("path")
    )


def _criteria(request: AuthenticatedHttpRequest) -> tuple[selectors.MemberFilter, member_forms.FilterForm]:
    return member_criteria(request.user, request.GET)


def _filtered(request: AuthenticatedHttpRequest) -> tuple[Any, member_forms.FilterForm]:
    return filtered_members(request.user, request.GET)


@login_required
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    criteria, form = _criteria(request)
    rows = selectors.members(request.user, criteria)
    total = selectors.total(request.user, criteria, rows)
    paginator = LargeListPaginator(
        rows,
        settings.DANGVU_PAGE_SIZE,
        exact_count=total.value if total.exact else None,
        at_least=None if total.exact else total.value,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "members/list.html",
        {
            "page_obj": page,
            "paginator": paginator,
            "form": form,
            "can_create": has_perm(request.user, "members.manage"),
            "export_columns": [(c.key, c.label, c.key in DEFAULT_COLUMNS) for c in COLUMNS],
            "export_filters": [
                (k, v) for k, values in request.GET.lists() if k not in ("page", "col", "id") for v in values
            ],
        },
    )


@login_required
def member_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered list (or the ticked rows) as .xlsx with the chosen columns: written at once when
    small, otherwise by a background job whose page shows progress and the download link."""
    params = {k: v for k, v in request.GET.lists() if k != "page"}
    export = member_export_request(actor=request.user, params=params)
    if export is not None:
        return redirect("web:export", pk=export.pk)
    buffer = BytesIO()
    member_list_xlsx(actor=request.user, params=params, target=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    return response


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def member_list_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered list (or the ticked rows) printed to PDF: at once when short, otherwise by a
    background job whose page shows progress and the download link; refused past the printable length."""
    params = {k: v for k, v in request.GET.lists() if k != "page"}
    try:
        printout = member_print_request(actor=request.user, params=params)
        if printout is not None:
            return redirect("web:export", pk=printout.pk)
        buffer = BytesIO()
        member_list_pdf_write(actor=request.user, params=params, target=buffer)
    except TooLongToPrint as error:
        messages.error(
            request,
            _(
                "Danh sách có {n} đảng viên, quá {most} dòng để in PDF. Hãy lọc hẹp hơn hoặc xuất Excel."
            ).format(n=f"{error.count:,}".replace(",", "."), most=f"{print_max_rows():,}".replace(",", ".")),
        )
        return redirect(f"{reverse('members:list')}?{request.GET.urlencode()}")
    return _pdf_response(buffer.getvalue(), print_filename())


@login_required
def member_file_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The member file printed to PDF (a secret document: the printing is audited)."""
    from dangvu.members.printing import member_file_pdf as render_file

    member = _member(request, pk)
    require(request.user, "members.view_file", member)
    content = render_file(member, printed_by=request.user.get_full_name() or request.user.get_username())
    with transaction.atomic():
        audit_log(
            actor=request.user,
            action="export",
            obj=member,
            event="members.print_file",
            data={"format": "pdf"},
        )
    return _pdf_response(content, f"phieu-dang-vien-{member.pk}.pdf")


@login_required
def transfer_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The transfer letter (giấy giới thiệu sinh hoạt đảng) of a transfer the user manages."""
    from dangvu.members.printing import transfer_letter_pdf

    transfer = get_object_or_404(
        Transfer.objects.visible_to(request.user, "members.manage").select_related(
            "member", "from_org", "to_org"
        ),
        pk=pk,
    )
    content = transfer_letter_pdf(transfer, printed_by=request.user.get_username())
    with transaction.atomic():
        audit_log(
            actor=request.user,
            action="export",
            obj=transfer.member,
            event="members.print_transfer_letter",
            data={"transfer": transfer.pk, "format": "pdf"},
        )
    return _pdf_response(content, f"giay-gioi-thieu-{transfer.pk}.pdf")


def _member(request: AuthenticatedHttpRequest, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related("org", "ethnicity", "religion"), pk=pk
    )


@login_required
def member_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = selectors.open_file(request.user, pk)
    today = timezone.localdate()
    # The awards serve both their section and the badge buttons' guards (``LIFECYCLE.available``).
    prefetch_related_objects([member], "awards")
    linked = linked_records(member, request.user)
    interruptions = list(member.interruptions.order_by("starts_on", "pk"))
    labels = dict(EndingGroundCode.choices)
    for row in interruptions:
        row.ground_label = labels.get(row.ground, row.ground)  # type: ignore[attr-defined]
    context = {
        "member": member,
        "party_age": party_age(member, today, interruptions),
        "party_age_stopped": clock_stops_on(member, deducted_gaps(member, interruptions)),
        "interruptions": interruptions,
        "probation_ends_on": probation_ends_on(member),
        "recognition_due_on": recognition_due_on(member) if member.status == "probationary" else None,
        "clocks": member_clocks(member, today),
        "periods": member.org_periods.select_related("org").order_by("-started_on", "-pk"),
        "status_changes": member.status_changes.order_by("-effective_on", "-pk"),
        "history": member.history.all(),
        "family": member.family.all(),
        "awards": member.awards.all(),
        "disciplines": member.disciplines.all(),
        "cards": member.card_events.all(),
        "transfers": member.transfers.select_related("from_org", "to_org"),
        "missing": worklists.missing_fields(member),
        "timeline": timeline(member, request.user, linked=linked),
        "linked": linked,
        "can_manage": can(request.user, "members.manage", member),
        # A member opening their own file ("Hồ sơ của tôi") may hold no right to the member list.
        "can_list": has_perm(request.user, "members.view"),
        "is_own_file": member.user_id == request.user.pk,
        # Only what the user can do now: the member's status and the rules decide, not the template.
        "actions": LIFECYCLE.available(request.user, member),
        **_proposal_context(request, member),
    }
    return render(request, "members/detail.html", context)


def _proposal_context(request: AuthenticatedHttpRequest, member: Member) -> dict[str, Any]:
    """The member page's "proposals" section: the chi bộ's proposals, what the user may propose, and
    which proposals they may decide (the same deciding-level check as the verbs)."""
    from dangvu.members.authority import refusal
    from dangvu.members.models import MemberProposal, ProposalStatus
    from dangvu.members.models.authority import DecisionVerb
    from dangvu.members.proposals import proposable

    rows = list(
        MemberProposal.objects.visible_to(request.user)
        .filter(member=member)
        .select_related("proposed_by")[:50]
    )
    decidable = {
        p.pk
        for p in rows
        if p.status == ProposalStatus.PROPOSED and refusal(request.user, p.verb, member.org) is None
    }
    return {
        "proposals": rows,
        "decidable": decidable,
        "proposable": [(verb, DecisionVerb(verb).label) for verb in proposable(request.user, member)],
    }


@login_required
def interruption_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a period out of party activity for a member (the section of the member page)."""
    member = _member(request, pk)
    require_perm(request.user, "members.manage", member.org)
    form = member_forms.InterruptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interruptions.interruption_create(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã ghi thời gian gián đoạn sinh hoạt đảng."))
            return redirect(member.get_absolute_url() + "#interruptions")
    title = _("Thêm thời gian gián đoạn: %(name)s") % {"name": member.full_name}
    return render(request, "members/form.html", {"form": form, "title": title, "member": member})


@login_required
def interruption_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a period out of party activity, with the reason for the correction (audited)."""
    row = get_object_or_404(
        interruptions.interruptions_visible_to(request.user).select_related("member", "member__org"), pk=pk
    )
    member = row.member
    require_perm(request.user, "members.manage", member.org)
    initial = {field: getattr(row, field) for field in interruptions.EDITABLE}
    form = member_forms.InterruptionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("change_reason")
        changes = {field: data[field] for field in form.changed_data if field in data}
        try:
            interruptions.interruption_update(
                actor=request.user, interruption=row, changes=changes, reason=reason
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã sửa thời gian gián đoạn."))
            return redirect(member.get_absolute_url() + "#interruptions")
    title = _("Sửa thời gian gián đoạn: %(name)s") % {"name": member.full_name}
    return render(request, "members/form.html", {"form": form, "title": title, "member": member})


def _attach(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def member_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "members.manage")
    form = member_forms.MemberCreateForm(request.POST or None, units=_units(request, "members.manage"))
    if request.method == "POST" and form.is_valid():
        data = form.values()
        org, status = data.pop("org"), data.pop("status")
        try:
            member = services.member_create(actor=request.user, org=org, status=status, **data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, "Đã lưu hồ sơ đảng viên.")
            return redirect(member.get_absolute_url())
    return render(request, "members/form.html", {"form": form, "title": "Nhập hồ sơ đảng viên"})


@login_required
def member_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    require_perm(request.user, "members.manage", member.org)
    form = member_forms.MemberFileForm(request.POST or None, instance=Member.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            services.member_update(actor=request.user, member=member, changes=changes)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect(member.get_absolute_url())
    return render(
        request,
        "members/form.html",
        {"form": form, "title": f"Sửa hồ sơ: {member.full_name}", "member": member},
    )


@login_required
def member_verb(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    """Any lifecycle verb, from the workflow registry: its generated form, refused (404) when the verb
    does not exist and (403) when the user may not fire it; a verb the member's status or a rule does
    not allow is refused with the reason next to the form."""
    transition = LIFECYCLE.get(verb)
    if transition is None:
        raise Http404("Không có nghiệp vụ này.")
    member = _member(request, pk)
    if (reason := LIFECYCLE.refusal(request.user, transition, member)) is not None:
        raise PermissionDenied(reason)
    form_class = LIFECYCLE.form_class(verb)
    # A link may preset an input (the worklist's "receive" names the transfer).
    initial = {name: value[:100] for name, value in request.GET.items() if name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            LIFECYCLE.fire(verb, actor=request.user, obj=member, values=form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request, _("Đã thực hiện: %(action)s.") % {"action": str(transition.title).lower()}
            )
            return redirect(member.get_absolute_url())
    return render(
        request,
        "members/form.html",
        {
            "form": form,
            "title": f"{transition.title}: {member.full_name}",
            "member": member,
            "confirm": transition.confirm,
        },
    )


@login_required
def transfer_receive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A pending transfer from the worklist: the member's "receive" verb, for that transfer."""
    transfer = get_object_or_404(Transfer.objects.pending().visible_to(request.user), pk=pk)
    return redirect(f"{reverse('members:verb', args=[transfer.member_id, 'receive'])}?transfer={transfer.pk}")


def _sees_subtree(request: AuthenticatedHttpRequest, org: Org) -> bool:
    """Whether the user's statistics role covers the unit's sub-units too (an exact-unit role gets the
    unit's own members only)."""
    return scope_for(request.user, "members.stats").covers_subtree(org)


def _chosen_unit(request: AuthenticatedHttpRequest, perm: str) -> Org | None:
    code = request.GET.get("org", "").strip()
    visible = Org.objects.visible_to(request.user, perm)
    if code:
        # A code from the picker, or (without JavaScript) a name that matches one unit only.
        try:
            return UnitField(queryset=visible).clean(code)
        except ValidationError:
            return None
    scope = scope_for(request.user, perm)
    if scope.everywhere:
        return Org.objects.filter(depth=1).order_by("path").first()
    return visible.filter(pk__in=scope.org_ids).order_by("depth", "path").first()


# Rows a worklist section shows on the overview; its total is counted and "see all" pages through the rest
# (a province can have thousands of badge candidates).
WORKLIST_ROWS = 20
WORKLIST_PAGE_ROWS = 100


def _worklist_sections(members: Any, today: date) -> dict[str, Any]:
    return {
        "recognition": worklists.recognition_rows(members, today),
        "badges": worklists.badge_candidate_rows(members, today),
    }


@login_required
def worklist_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _chosen_unit(request, "members.view")
    if org is None:
        return render(request, "members/worklists.html", {"org": None})
    today = timezone.localdate()
    members: Any = Member.objects.visible_subtree(request.user, org).select_related("org")
    sections = _worklist_sections(members, today)
    recognition, badges = sections["recognition"], sections["badges"]
    # The first 100 and the total in one scan (COUNT(*) OVER ()).
    incomplete_rows = list(
        worklists.incomplete_files(members)
        .annotate(worklist_total=Window(Count("pk")))
        .order_by("sort_key")[:100]
    )
    context = {
        "org": org,
        "today": today,
        "recognition": recognition[0:WORKLIST_ROWS],
        "recognition_total": recognition.count(),
        "badges": badges[0:WORKLIST_ROWS],
        "badges_total": badges.count(),
        "transfers": worklists.transfers_pending(
            Org.objects.visible_to(request.user, "members.view").filter(path__startswith=org.path), today
        ),
        "incomplete": incomplete_rows,
        "incomplete_count": incomplete_rows[0].worklist_total if incomplete_rows else 0,
    }
    context["recognition_more"] = max(0, context["recognition_total"] - len(context["recognition"]))
    context["badges_more"] = max(0, context["badges_total"] - len(context["badges"]))
    return render(request, "members/worklists.html", context)


@login_required
def worklist_section(request: AuthenticatedHttpRequest, section: str) -> HttpResponse:
    """Every row of one worklist section (``recognition`` or ``badges``), a page at a time, with the
    same total as the overview."""
    org = _chosen_unit(request, "members.view")
    if org is None:
        return render(request, "members/worklists.html", {"org": None})
    today = timezone.localdate()
    members: Any = Member.objects.visible_subtree(request.user, org).select_related("org")
    rows = _worklist_sections(members, today)[section]
    page = Paginator(rows, WORKLIST_PAGE_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "members/worklist_section.html",
        {"org": org, "today": today, "section": section, "page_obj": page, section: page.object_list},
    )


@login_required
def quality_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    from dangvu.members.quality import quality_report

    org = _chosen_unit(request, "members.view")
    if org is None:
        return redirect("web:home")
    members: Any = Member.objects.visible_to(request.user).in_subtree(org)
    return render(request, "members/quality.html", {"org": org, "report": quality_report(members)})


CHART_TITLES = [
    ("by_status", _("Theo trạng thái")),
    ("by_sex", _("Giới tính")),
    ("by_age_band", _("Độ tuổi")),
    ("by_party_age_band", _("Tuổi đảng")),
    ("by_political_theory", _("Lý luận chính trị")),
    ("by_ethnicity", _("Dân tộc (10 đông nhất)")),
]


def _charts(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Bar geometry for ``members/_charts.html`` (labels in Vietnamese, widths scaled to the largest)."""
    charts = []
    for key, title in CHART_TITLES:
        table = dict(figures.get(key) or {})
        table.pop("total", None)
        items = [
            (STATUS_NAMES.get(k) or SEX_NAMES.get(k) or ("Chưa rõ" if k in ("unknown", "—") else k), v)
            for k, v in table.items()
        ]
        if key == "by_ethnicity":
            items = sorted(items, key=lambda kv: -kv[1])[:10]
        largest = max((v for _k, v in items), default=0)
        bars = [
            {
                "label": label,
                "value": value,
                "y": index * 18,
                "width": round(150 * value / largest) if largest else 0,
                "text_x": 124 + (round(150 * value / largest) if largest else 0),
            }
            for index, (label, value) in enumerate(items)
        ]
        charts.append(
            {"key": key, "title": title, "bars": bars if largest else [], "height": 18 * len(bars) + 4}
        )
    return charts


def _year(request: AuthenticatedHttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 1930 <= year <= today.year else today.year


@login_required
def stats_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _chosen_unit(request, "members.stats")
    if org is None:
        require_perm_somewhere(request.user, "members.stats")
        return redirect("web:home")
    today = timezone.localdate()
    figures = stats.member_stats(org, date(today.year, 1, 1), today, subtree=_sees_subtree(request, org))
    return render(
        request,
        "members/stats.html",
        {
            "org": org,
            "stats": figures,
            "charts": _charts(figures),
            "year": today.year,
            "tables": [(heading, labelled(key, figures[key])) for key, heading, _kind in SECTIONS],
        },
    )


@login_required
def org_charts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member charts panel of a unit's page (htmx fragment)."""
    org = _chosen_unit(request, "members.stats")
    if org is None or not request.GET.get("org"):
        raise Http404("Không tìm thấy đơn vị.")
    require_perm(request.user, "members.stats", org)
    today = timezone.localdate()
    figures = stats.member_stats(org, date(today.year, 1, 1), today, subtree=_sees_subtree(request, org))
    return render(
        request,
        "members/org_charts.html",
        {"org": org, "stats": figures, "charts": _charts(figures), "year": today.year},
    )


@login_required
def stats_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The yearly statistics report of a unit's subtree as .xlsx (audited as an export)."""
    from dangvu.members.reports import yearly_report_xlsx

    org = _chosen_unit(request, "members.stats")
    if org is None:
        raise Http404("Không tìm thấy đơn vị.")
    require_perm(request.user, "members.stats", org)
    year = _year(request)
    content = yearly_report_xlsx(org, year, subtree=_sees_subtree(request, org))
    with transaction.atomic():
        audit_log(
            actor=request.user,
            action="export",
            event="members.stats_report",
            org=org,
            object_type="orgs.org",
            object_id=org.pk,
            object_repr=org.name,
            data={"year": year, "format": "xlsx"},
        )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="thong-ke-dang-vien-{org.code}-{year}.xlsx"'
    return response


@login_required
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    from dangvu.members.tasks import IMPORT_CHECK

    require_perm_somewhere(request.user, "members.manage")
    form = member_forms.ImportForm(
        request.POST or None,
        request.FILES or None,
        units=Org.objects.visible_to(request.user, "members.manage").filter(status="active").order_by("path"),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = MemberImport.objects.create(
            created_by=request.user,
            org=form.cleaned_data["org"],
            file=upload,
            filename=upload.name[:255],
            mode=form.cleaned_data["mode"],
        )
        job_enqueue(IMPORT_CHECK, job.pk)
        return redirect("members:import_detail", pk=job.pk)
    jobs = MemberImport.objects.filter(created_by=request.user)[:20]
    return render(request, "members/import.html", {"form": form, "jobs": jobs})


@login_required
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The .xlsx template to fill in: the recognised columns, an example row, drop-down lists."""
    from dangvu.members.template import import_template_xlsx

    require_perm_somewhere(request.user, "members.manage")
    response = HttpResponse(import_template_xlsx(request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-dang-vien.xlsx"'
    return response


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from dangvu.members.tasks import IMPORT_RUN, member_import_retry

    job = get_object_or_404(MemberImport.objects.filter(created_by=request.user).select_related("org"), pk=pk)
    if request.method == "POST" and job.status == MemberImport.Status.CHECKED:
        MemberImport.objects.filter(pk=job.pk).update(status=MemberImport.Status.RUNNING)
        job_enqueue(IMPORT_RUN, job.pk)
        return redirect("members:import_detail", pk=job.pk)
    if request.method == "POST" and job.status == MemberImport.Status.FAILED and job.retryable:
        member_import_retry(member_import=job)
        return redirect("members:import_detail", pk=job.pk)
    template = "members/import_detail.html#progress" if request.htmx else "members/import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
def my_file(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Hồ sơ của tôi": the file of the member whose account this is (read-only for them: the member's
    own account sees the file through the ``user`` relation, nothing more)."""
    pk = Member.objects.filter(user=request.user).values_list("pk", flat=True).first()
    if pk is not None:
        return redirect("members:detail", pk=pk)
    return render(request, "members/mine.html")
