"""Member list and page (the members module extends these)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from dangvu.accounts.permissions import has_perm
from dangvu.audit.services import audit_log
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.links.services import timeline
from dangvu.members.enums import MemberStatus
from dangvu.members.models import Member


@login_required
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    members: Any = Member.objects.visible_to(request.user).select_related("org")
    query = request.GET.get("q", "")
    members = members.search(query)
    status = request.GET.get("status", "")
    if status in MemberStatus.values:
        members = members.filter(status=status)
    page = Paginator(members.order_by("sort_key", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/list.html",
        {"page_obj": page, "query": query, "status": status, "statuses": MemberStatus.choices},
    )


@login_required
def member_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        Member.objects.visible_to(request.user, "members.view_file").select_related("org"), pk=pk
    )
    with transaction.atomic():
        # The member file is a secret Party document: every opening is recorded.
        audit_log(actor=request.user, action="view", obj=member, event="members.view_file")
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "timeline": timeline(member, request.user),
            "can_manage": has_perm(request.user, "members.manage", member.org),
        },
    )
