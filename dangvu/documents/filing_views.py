"""Filing screens: a unit's list of files (danh mục hồ sơ) for a year, one file with its documents,
adding and changing a file, copying last year's list, the printable list, and filing a document."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvu.accounts.permissions import has_perm, require_perm, require_perm_somewhere
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.core.paging import LargeListPaginator
from dangvu.documents import archive, filing, selectors, services
from dangvu.documents.forms import (
    ArchiveUnitForm,
    CloseFileForm,
    CopyYearForm,
    FileHeadingCreateForm,
    FileHeadingForm,
    FileListExportForm,
    FileListForm,
    FilingForm,
    HandoverForm,
    ReopenFileForm,
)
from dangvu.documents.models import ArchiveHandover, Document, FileHeading
from dangvu.orgs.models import Org


def _attach(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _heading(request: AuthenticatedHttpRequest, pk: int) -> FileHeading:
    return get_object_or_404(FileHeading.objects.visible_to(request.user).select_related("org"), pk=pk)


@login_required
def file_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A unit's list of files of a year, each with its retention period and how many documents it holds."""
    require_perm_somewhere(request.user, "documents.view")
    units = Org.objects.visible_to(request.user, "documents.view")
    this_year = timezone.localdate().year
    params = request.GET.copy()
    if "org" not in params and (own := selectors.own_unit(units)) is not None:
        params["org"] = own.code
    params.setdefault("year", str(this_year))
    form = FileListForm(params, units=units)
    context: dict[str, Any] = {"form": form, "rows": None}
    if form.is_valid():
        org, year = form.cleaned_data["org"], form.cleaned_data["year"]
        context |= {
            "org": org,
            "year": year,
            "rows": list(filing.headings(request.user, org=org, year=year)),
            "may_manage": has_perm(request.user, "documents.register", org),
            "copy_form": CopyYearForm(initial={"from_year": year - 1}),
        }
    return render(request, "documents/files.html", context)


def _list_url(org: Org, year: int) -> str:
    return f"{reverse('documents:files')}?org={org.code}&year={year}"


@login_required
def file_heading_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "documents.register")
    units = Org.objects.visible_to(request.user, "documents.register")
    initial = {"year": timezone.localdate().year}
    if (code := request.GET.get("org", "")[:40]) and (unit := units.filter(code=code).first()):
        initial["org"] = unit
    elif (own := selectors.own_unit(units)) is not None:
        initial["org"] = own
    if (year := request.GET.get("year", "")).isdigit():
        initial["year"] = int(year[:4])
    form = FileHeadingCreateForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            heading = filing.file_heading_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã thêm hồ sơ %(code)s vào danh mục.") % {"code": heading.code})
            return redirect(_list_url(heading.org, heading.year))
    return render(request, "documents/file_form.html", {"form": form, "title": _("Thêm hồ sơ vào danh mục")})


@login_required
def file_heading_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    heading = _heading(request, pk)
    require_perm(request.user, "documents.register", heading.org)
    initial = {name: getattr(heading, name) for name in filing.EDITABLE} | {"permanent": heading.permanent}
    form = FileHeadingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            filing.file_heading_update(actor=request.user, heading=heading, changes=form.service_values())
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã lưu hồ sơ."))
            return redirect(heading.get_absolute_url())
    return render(
        request,
        "documents/file_form.html",
        {"form": form, "title": _("Sửa hồ sơ %(code)s") % {"code": heading.code}, "heading": heading},
    )


@login_required
def file_heading_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One file: its entry in the list and the documents filed in it that the user may see."""
    heading = _heading(request, pk)
    rows = filing.filed_documents(request.user, heading)
    paginator = LargeListPaginator(rows, settings.DANGVU_PAGE_SIZE, exact_count=rows.order_by().count())
    may_manage = has_perm(request.user, "documents.register", heading.org)
    context: dict[str, Any] = {
        "heading": heading,
        "page_obj": paginator.get_page(request.GET.get("page")),
        "paginator": paginator,
        "may_manage": may_manage,
        "list_url": _list_url(heading.org, heading.year),
        "due": archive.handover_due(heading.closed_on) if heading.closed_on else None,
    }
    if may_manage and heading.closed_on is None:
        summary = archive.filed_summary(heading)
        context["close_form"] = CloseFileForm(
            initial={
                "closed_on": timezone.localdate(),
                "page_count": summary["pages"],
                "keeper": heading.keeper,
            }
        )
        context["summary"] = summary
    elif may_manage and heading.handover_id is None:
        context["reopen_form"] = ReopenFileForm()
    return render(request, "documents/file_heading.html", context)


@login_required
@require_POST
def file_heading_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close a file (kết thúc hồ sơ)."""
    heading = _heading(request, pk)
    require_perm(request.user, "documents.register", heading.org)
    form = CloseFileForm(request.POST)
    if form.is_valid():
        try:
            archive.file_heading_close(actor=request.user, heading=heading, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã kết thúc hồ sơ %(code)s.") % {"code": heading.code})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(heading.get_absolute_url())


@login_required
@require_POST
def file_heading_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed file, with a reason."""
    heading = _heading(request, pk)
    require_perm(request.user, "documents.register", heading.org)
    form = ReopenFileForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": _("Cần lý do mở lại hồ sơ.")})
        archive.file_heading_reopen(actor=request.user, heading=heading, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã mở lại hồ sơ %(code)s.") % {"code": heading.code})
    return redirect(heading.get_absolute_url())


@login_required
def handover_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A unit's closed files awaiting the archive (with their due dates), the form that hands some of
    them over, and the handover records made."""
    require_perm_somewhere(request.user, "documents.view")
    units = Org.objects.visible_to(request.user, "documents.view")
    params = request.GET.copy()
    if "org" not in params and (own := selectors.own_unit(units)) is not None:
        params["org"] = own.code
    unit_form = ArchiveUnitForm(params, units=units)
    context: dict[str, Any] = {"unit_form": unit_form, "years": archive.handover_years()}
    if unit_form.is_valid():
        org = unit_form.cleaned_data["org"]
        awaiting = archive.awaiting_handover(request.user, org=org)
        may_manage = has_perm(request.user, "documents.register", org)
        form = None
        if may_manage:
            choices = FileHeading.objects.filter(pk__in=[h.pk for h in awaiting])
            form = HandoverForm(
                request.POST or None,
                headings=choices,
                initial={
                    "handed_on": timezone.localdate(),
                    "headings": [h.pk for h in awaiting if getattr(h, "overdue", False)],
                },
            )
            if request.method == "POST" and form.is_valid():
                try:
                    record = archive.archive_handover_create(actor=request.user, org=org, **form.cleaned_data)
                except ValidationError as error:
                    _attach(form, error)
                else:
                    messages.success(
                        request,
                        _("Đã lập biên bản giao nộp số %(n)s.") % {"n": f"{record.number}/{record.year}"},
                    )
                    return redirect(record.get_absolute_url())
        context |= {
            "org": org,
            "awaiting": awaiting,
            "form": form,
            "records": list(archive.handovers(request.user, org=org).annotate(file_count=Count("files"))),
        }
    return render(request, "documents/handovers.html", context)


def _record(request: AuthenticatedHttpRequest, pk: int) -> ArchiveHandover:
    return get_object_or_404(ArchiveHandover.objects.visible_to(request.user).select_related("org"), pk=pk)


@login_required
def handover_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    rows = list(archive.handover_files(record))
    return render(
        request,
        "documents/handover.html",
        {"record": record, "rows": rows, "sheets": sum(h.page_count or 0 for h in rows)},
    )


@login_required
def handover_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    name, content = archive.handover_export(actor=request.user, record=record)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def file_heading_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    heading = _heading(request, pk)
    try:
        filing.file_heading_delete(actor=request.user, heading=heading)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(heading.get_absolute_url())
    messages.success(request, _("Đã xóa hồ sơ %(code)s khỏi danh mục.") % {"code": heading.code})
    return redirect(_list_url(heading.org, heading.year))


@login_required
@require_POST
def file_list_copy(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a year's list from another year's (files whose code is not in it yet)."""
    require_perm_somewhere(request.user, "documents.register")
    units = Org.objects.visible_to(request.user, "documents.register")
    target = FileListForm(request.POST, units=units)
    form = CopyYearForm(request.POST)
    if not (form.is_valid() and target.is_valid()):
        messages.error(request, _("Chọn đơn vị và năm của danh mục."))
        return redirect(reverse("documents:files"))
    org, year = target.cleaned_data["org"], target.cleaned_data["year"]
    try:
        added = filing.file_heading_copy_year(
            actor=request.user, org=org, from_year=form.cleaned_data["from_year"], to_year=year
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Đã thêm %(n)s hồ sơ vào danh mục năm %(year)s.") % {"n": added, "year": year}
        )
    return redirect(_list_url(org, year))


@login_required
def file_list_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The printable list of files of a unit for a year (.xlsx or PDF)."""
    require_perm_somewhere(request.user, "documents.view")
    units = Org.objects.visible_to(request.user, "documents.view")
    form = FileListExportForm(request.GET or None, units=units)
    if not form.is_valid():
        messages.error(request, _("Chọn đơn vị, năm và định dạng để in danh mục hồ sơ."))
        return redirect(reverse("documents:files"))
    data = form.cleaned_data
    name, content, content_type = filing.file_list_export(
        actor=request.user, org=data["org"], year=data["year"], format=data["format"]
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def document_filing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """File a document in one of its unit's files, move it, or take it out."""
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("registry_org", "doc_type", "filed_in"),
        pk=pk,
    )
    require_perm(request.user, "documents.register", document.registry_org)
    form = FilingForm(
        request.POST or None,
        headings=filing.headings_for(request.user, document),
        initial={"heading": document.filed_in_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_file(
                actor=request.user, document=document, heading=form.cleaned_data["heading"]
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã cập nhật hồ sơ của văn bản."))
            return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/filing.html",
        {"form": form, "document": document},
    )
