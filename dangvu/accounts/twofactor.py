"""The second factor on every way in: a session opened with the password alone reaches nothing but the
code page while the user has a confirmed authenticator.

Whichever view logged the user in (ours, the Django admin's, a future password reset), the
``user_logged_in`` receiver marks the session as needing the code when the user has a confirmed
TOTP device; ``SecondFactorMiddleware`` then lets such a session reach only the code page, log-out and
static files until ``django_otp`` has verified it. In production (``DANGVU_STAFF_2FA_REQUIRED``), staff
without an authenticator are sent to set one up before they may use the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_KEY = "dangvu_2fa_required"


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mark_session(request: HttpRequest | None, user: Any) -> None:
    """Remember in the session whether this log-in still needs the code (user_logged_in receiver)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = has_second_factor(user)


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    mark_session(request, user)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_logged_in, dispatch_uid="dangvu-2fa-mark-session")


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:login_otp"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("set_language"),
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class SecondFactorMiddleware:
    """Confine a password-only session to the code page (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        if SESSION_KEY not in request.session:  # a session from before this check existed
            mark_session(request, user)
        path = request.path_info
        if any(path.startswith(p) for p in _open_paths()):
            return None
        if request.session.get(SESSION_KEY) and not is_verified(request):
            return self._refuse(request, reverse("accounts:login_otp"))
        if (
            getattr(settings, "DANGVU_STAFF_2FA_REQUIRED", False)
            and user.is_staff
            and path.startswith("/admin/")
            and not is_verified(request)
        ):
            return self._refuse(request, reverse("accounts:2fa_setup"))
        return None

    @staticmethod
    def _refuse(request: HttpRequest, target: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "second_factor_required",
                        "message": "Cần nhập mã xác thực hai lớp trước khi dùng hệ thống.",
                        "message_en": "Enter your two-factor code first.",
                        "details": {},
                    }
                },
                status=401,
            )
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def confirm_identity(user: Any, password: str, token: str) -> bool:
    """Whether ``password`` is the user's or ``token`` a fresh code of their authenticator (a code
    already used cannot be replayed; wrong codes slow further tries down). A failure is a security
    event in the audit log."""
    from django.db import transaction

    from dangvu.audit.services import audit_log

    if not password and not token:
        return False  # nothing was tried: no event
    confirmed = bool(password) and user.check_password(password)
    if not confirmed and token.isdigit():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None and device.verify_is_allowed()[0]:
            confirmed = bool(device.verify_token(token))
    if not confirmed:
        with transaction.atomic():
            audit_log(actor=user, action="other", obj=user, event="security.reauth_failed")
    return confirmed
