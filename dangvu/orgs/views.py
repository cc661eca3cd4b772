"""Browsing and managing the organization tree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dangvu.accounts.permissions import has_perm, require_perm, scope_for
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.links.services import timeline
from dangvu.orgs import services
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.forms import (
    OrgCreateForm,
    OrgDissolveForm,
    OrgMergeForm,
    OrgMoveForm,
    OrgRenameForm,
    OrgSplitForm,
    TermForm,
)
from dangvu.orgs.models import Org, OrgType
from dangvu.orgs.panels import panels_for


def _visible(request: HttpRequest) -> Any:
    return Org.objects.visible_to(request.user)


def _managed(request: HttpRequest) -> Any:
    """The active units the user may restructure: what the move and merge pickers offer."""
    return Org.objects.visible_to(request.user, "orgs.manage").active()


def _get_org(request: HttpRequest, pk: int) -> Org:
    """The unit, if the user may see it; otherwise 404 (they must not learn it exists)."""
    return get_object_or_404(_visible(request).select_related("org_type"), pk=pk)


def _scope_roots(request: HttpRequest) -> Any:
    scope = scope_for(request.user, "orgs.view")
    if scope.everywhere:
        return Org.objects.filter(depth=1)
    return Org.objects.filter(pk__in=scope.org_ids)


@login_required
def tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    type_code = request.GET.get("type", "")
    show_ended = request.GET.get("ended") == "1"
    context: dict[str, Any] = {
        "query": query,
        "types": OrgType.objects.all(),
        "type_code": type_code,
        "show_ended": show_ended,
    }
    if query or type_code:
        results = _visible(request).with_type()
        if query:
            results = results.search(query)
        if type_code:
            results = results.filter(org_type__code=type_code)
        if not show_ended:
            results = results.filter(status=OrgStatus.ACTIVE)
        page = Paginator(results.by_name(), 50).get_page(request.GET.get("page"))
        context["page_obj"] = page
        context["results"] = list(page.object_list)
    else:
        context["roots"] = list(_scope_roots(request).select_related("org_type").order_by("path"))
    return render(request, "orgs/tree.html", context)


@login_required
def children(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The sub-units of a unit, as an htmx fragment of the tree."""
    org = _get_org(request, pk)
    items = (
        _visible(request).filter(path__startswith=org.path, depth=org.depth + 1).select_related("org_type")
    )
    if request.GET.get("ended") != "1":
        items = items.filter(status=OrgStatus.ACTIVE)
    return render(request, "orgs/tree.html#children", {"items": list(items.order_by("sort_name", "pk"))})


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    org = _get_org(request, pk)
    visible_ids = set(_visible(request).filter(path__in=org.ancestor_paths()).values_list("pk", flat=True))
    ancestors = list(Org.objects.filter(path__in=org.ancestor_paths()[:-1]).order_by("depth"))
    kids = list(
        _visible(request)
        .filter(path__startswith=org.path, depth=org.depth + 1)
        .select_related("org_type")
        .order_by("status", "sort_name")
    )
    context = {
        "org": org,
        "ancestors": ancestors,
        "visible_ancestor_ids": visible_ids,
        "children": kids,
        "terms": org.terms.all(),
        "names": org.name_versions.order_by("-valid_from", "-pk"),
        "events": org.events.all()[:50],
        "predecessors": services.predecessors(org),
        "successors": [s.successor for s in org.successions_out.select_related("successor")],
        "timeline": timeline(org, request.user, limit=50),
        "can_manage": has_perm(request.user, "orgs.manage", org) and org.is_active,
        "panels": panels_for(request.user, org),
    }
    return render(request, "orgs/detail.html", context)


def _action(
    request: HttpRequest,
    pk: int,
    form_factory: Callable[[HttpRequest, Org], forms.Form],
    perform: Callable[[Org, dict[str, Any]], Any],
    title: str,
    success: str,
) -> HttpResponse:
    """Shared shape of every management form: 404 if invisible, 403 if not allowed, service on POST."""
    org = _get_org(request, pk)
    require_perm(request.user, "orgs.manage", org)
    form = form_factory(request, org)
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(org, form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, success)
            target = result if isinstance(result, Org) else org
            return redirect(target.get_absolute_url())
    return render(request, "orgs/action.html", {"org": org, "form": form, "title": title})


def _attach(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def create_child(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, org: OrgCreateForm(r.POST or None),
        lambda org, d: services.org_create(
            actor=request.user,
            parent=org,
            name=d["name"],
            code=d["code"],
            org_type=d["org_type"],
            abbreviation=d["abbreviation"],
            established_on=d["established_on"],
            decision=d["decision"],
        ),
        _("Thêm đơn vị trực thuộc"),
        _("Đã thêm đơn vị."),
    )


@login_required
def rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, org: OrgRenameForm(
            r.POST or None, initial={"name": org.name, "abbreviation": org.abbreviation}
        ),
        lambda org, d: services.org_rename(
            actor=request.user,
            org=org,
            name=d["name"],
            abbreviation=d["abbreviation"],
            effective_on=d["effective_on"],
            decision=d["decision"],
        ),
        _("Đổi tên đơn vị"),
        _("Đã đổi tên đơn vị."),
    )


@login_required
def move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, org: OrgMoveForm(r.POST or None, units=_managed(r)),
        lambda org, d: services.org_move(
            actor=request.user,
            org=org,
            new_parent=d["new_parent"],
            effective_on=d["effective_on"],
            decision=d["decision"],
        ),
        _("Chuyển đơn vị sang trực thuộc đơn vị khác"),
        _("Đã chuyển đơn vị."),
    )


@login_required
def merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, org: OrgMergeForm(r.POST or None, units=_managed(r)),
        lambda org, d: services.org_merge(
            actor=request.user,
            sources=d["sources"],
            target=org,
            effective_on=d["effective_on"],
            decision=d["decision"],
        ),
        _("Hợp nhất các đơn vị khác vào đơn vị này"),
        _("Đã hợp nhất."),
    )


@login_required
def split(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def factory(r: HttpRequest, org: Org) -> forms.Form:
        kids = list(
            Org.objects.filter(path__startswith=org.path, depth=org.depth + 1, status=OrgStatus.ACTIVE)
        )
        return OrgSplitForm(r.POST or None, children=kids)

    def perform(org: Org, d: dict[str, Any]) -> Any:
        new = services.org_split(
            actor=request.user,
            source=org,
            parts=d["parts"],
            effective_on=d["effective_on"],
            decision=d["decision"],
        )
        return new[0]

    return _action(request, pk, factory, perform, _("Chia tách đơn vị"), _("Đã chia tách đơn vị."))


@login_required
def dissolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, org: OrgDissolveForm(r.POST or None),
        lambda org, d: services.org_dissolve(
            actor=request.user, org=org, effective_on=d["effective_on"], decision=d["decision"]
        ),
        _("Giải thể đơn vị"),
        _("Đã giải thể đơn vị."),
    )


@login_required
def add_term(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda r, org: TermForm(r.POST or None),
        lambda org, d: services.term_add(
            actor=request.user, org=org, name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"]
        ),
        _("Thêm nhiệm kỳ"),
        _("Đã thêm nhiệm kỳ."),
    )
