"""The home page and the error pages (all in Vietnamese, none showing a traceback)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from dangvu.accounts.models import RoleAssignment
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.notifications.models import Notification
from dangvu.web import shell


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's work: every module's worklists for the user's units and person (overdue first),
    recent notifications, quick search, and for those who may see statistics a few key figures."""
    assignments = (
        RoleAssignment.objects.active()
        .filter(user=request.user)
        .select_related("role", "org", "org__org_type")
        .order_by("org__path")
    )
    notifications = Notification.objects.visible_to(request.user)[:5]
    today = timezone.localdate()
    return render(
        request,
        "web/home.html",
        {
            "assignments": assignments,
            "notifications": notifications,
            "work": shell.work_sections(request.user, today),
            "figures": shell.figures(request.user, today),
            "can_search": bool(shell.search_sources(request.user)),
        },
    )


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Quick search across every module the user may search (members, units, later documents, cases)."""
    query = request.GET.get("q", "").strip()[:100]
    groups = shell.search(request.user, query) if query else []
    return render(request, "web/search.html", {"query": query, "groups": groups})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "code": 403,
            "title": _("Phiên làm việc không hợp lệ"),
            "message": _(
                "Biểu mẫu đã hết hạn hoặc không hợp lệ (CSRF). Hãy tải lại trang và thử lại; "
                "dữ liệu bạn nhập chưa được lưu."
            ),
        },
        status=403,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"code": 400, "title": _("Yêu cầu không hợp lệ"), "message": _("Yêu cầu gửi lên không hợp lệ.")},
        status=400,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception) if exception and str(exception) else _("Bạn không có quyền thực hiện thao tác này.")
    )
    return render(
        request, "web/error.html", {"code": 403, "title": _("Không có quyền"), "message": message}, status=403
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": "not_found",
                    "message": "Không tìm thấy.",
                    "message_en": "Not found.",
                    "details": [],
                }
            },
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "web/error.html",
        {
            "code": 404,
            "title": _("Không tìm thấy trang"),
            "message": _("Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc bạn không có quyền xem."),
        },
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "code": 500,
            "title": _("Lỗi hệ thống"),
            "message": _("Đã có lỗi xảy ra. Thao tác chưa được thực hiện; vui lòng thử lại sau."),
        },
        status=500,
    )
