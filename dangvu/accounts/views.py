"""Log in (with the optional TOTP step), log out, profile and two-factor setup."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvu.accounts import passwords
from dangvu.accounts.forms import ConfirmIdentityForm, LoginForm, OtpForm, PasswordResetRequestForm
from dangvu.accounts.models import ApiToken, RoleAssignment, User
from dangvu.accounts.services import api_token_revoke
from dangvu.accounts.twofactor import SESSION_KEY, is_verified
from dangvu.audit.services import audit_log
from dangvu.core.http import AuthenticatedHttpRequest

_PENDING = "dangvu_pending_otp_user"
_PENDING_NEXT = "dangvu_pending_next"


def _safe_next(request: HttpRequest, target: str | None = None) -> str:
    """Where to go after logging in: a path of this site that exists, otherwise the home page.

    An absolute URL, a scheme-relative ``//host`` or a path that resolves to nothing ("foo") falls back
    to the home page: an unknown ``next`` must never cost the user their log-in (it answered 500).
    """
    if target is None:
        target = request.POST.get("next") or request.GET.get("next") or ""
    home = reverse(settings.LOGIN_REDIRECT_URL)
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return home
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return home
    try:
        resolve(urlsplit(target).path)
    except Resolver404:
        return home
    return target


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _check_token(device: TOTPDevice | None, token: str) -> str | None:
    """None when the code is right; otherwise the message to show. Wrong codes slow down further tries."""
    if device is None:
        return _("Mã xác thực không đúng hoặc đã hết hạn.")
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        return _("Bạn đã nhập sai mã nhiều lần. Vui lòng chờ ít giây rồi thử lại.")
    if device.verify_token(token):
        return None
    return _("Mã xác thực không đúng hoặc đã hết hạn.")


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(_safe_next(request))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if _confirmed_device(user) is not None:
            request.session[_PENDING] = user.pk
            request.session[_PENDING_NEXT] = _safe_next(request)
            return redirect("accounts:login_otp")
        auth_login(request, user)
        return HttpResponseRedirect(_safe_next(request))
    if request.GET.get("expired"):
        messages.info(request, _("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def login_otp_view(request: HttpRequest) -> HttpResponse:
    """The code step: after our password step (pending in the session), or for a session that some
    other way in (the admin's log-in) opened with the password alone."""
    pending = request.session.get(_PENDING)
    if request.user.is_authenticated:
        user: User | None = None if is_verified(request) else request.user
        if user is None:
            return HttpResponseRedirect(_safe_next(request))
        request.session.setdefault(_PENDING_NEXT, _safe_next(request))
    else:
        user = User.objects.filter(pk=pending, is_active=True).first() if isinstance(pending, int) else None
    if user is None:
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _confirmed_device(user)
        problem = _check_token(device, form.cleaned_data["token"])
        if problem is None and device is not None:
            target = _safe_next(request, request.session.pop(_PENDING_NEXT, ""))
            request.session.pop(_PENDING, None)
            if not request.user.is_authenticated:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return HttpResponseRedirect(target)
        with transaction.atomic():
            audit_log(actor=None, action="login_failed", obj=user, event="accounts.otp_failed")
        form.add_error("token", problem or "")
    return render(request, "accounts/login_otp.html", {"form": form})


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The Django admin's log-in, replaced: one way in, with the second factor and the lockout rules."""
    target = _safe_next(request, request.GET.get("next") or reverse("admin:index"))
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("accounts:login")


@login_required
def profile_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    assignments = (
        RoleAssignment.objects.active()
        .filter(user=request.user)
        .select_related("role", "org", "org__org_type")
        .order_by("org__path")
    )
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/profile.html",
        {
            "confirm_form": ConfirmIdentityForm(request.user, auto_id="id_2fa_%s"),
            "assignments": assignments,
            "tokens": [
                (token, ConfirmIdentityForm(request.user, auto_id=f"id_token{token.pk}_%s"))
                for token in tokens
            ],
            "has_2fa": _confirmed_device(request.user) is not None,
        },
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor_setup_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if _confirmed_device(user) is not None:
        return redirect("accounts:profile")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Ứng dụng xác thực"}
    )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _check_token(device, form.cleaned_data["token"])
        if problem is None:
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_log(actor=user, action="update", obj=user, event="accounts.2fa_enabled")
            otp_login(request, device)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("accounts:profile")
        form.add_error("token", problem or "")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": _qr_svg(device.config_url), "secret": secret},
    )


_REAUTH_FAILURES = "dangvu_reauth_failures"
_REAUTH_LIMIT = 5


def _identity_confirmed(request: AuthenticatedHttpRequest) -> bool:
    """Whether the POST carries the user's password or a fresh code (``ConfirmIdentityForm``); after
    ``_REAUTH_LIMIT`` wrong answers in a row the session ends (guessing the password behind an open
    session stops there)."""
    form = ConfirmIdentityForm(request.user, request.POST)
    if form.is_valid():
        request.session.pop(_REAUTH_FAILURES, None)
        return True
    if not (request.POST.get("password") or request.POST.get("token")):
        messages.error(
            request,
            _("Cần nhập đúng mật khẩu hiện tại hoặc một mã xác thực mới để xác nhận thao tác này."),
        )
        return False  # nothing was tried: not counted
    failures = int(request.session.get(_REAUTH_FAILURES, 0)) + 1
    request.session[_REAUTH_FAILURES] = failures
    if failures >= _REAUTH_LIMIT:
        auth_logout(request)
        messages.error(request, _("Nhập sai mật khẩu hoặc mã nhiều lần; phiên làm việc đã kết thúc."))
    else:
        messages.error(
            request,
            _("Cần nhập đúng mật khẩu hiện tại hoặc một mã xác thực mới để xác nhận thao tác này."),
        )
    return False


@login_required
@require_POST
def two_factor_disable_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _identity_confirmed(request):
        return redirect("accounts:profile")
    with transaction.atomic():
        deleted, _rows = TOTPDevice.objects.filter(user=request.user).delete()
        if deleted:
            audit_log(actor=request.user, action="update", obj=request.user, event="accounts.2fa_disabled")
    request.session[SESSION_KEY] = False
    messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    if not _identity_confirmed(request):
        return redirect("accounts:profile")
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập."))
    return redirect("accounts:profile")


# --- Password reset (dangvu.accounts.passwords): Django's views, our service behind each write ----------


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Ask for a link. The same answer whether or not the address exists; a client asking too often
    gets 429 (whatever the address)."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        if passwords.too_many_requests(self.request.META.get("REMOTE_ADDR", "")):
            form.add_error(None, _("Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau một giờ."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        passwords.password_reset_request(email=form.cleaned_data["email"], base_url=_base_url(self.request))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Choose the new password from the link. No log-in afterwards: the user signs in again (with the
    second factor if they have one); every session of theirs has ended."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        passwords.password_reset_confirm(user=form.user, new_password=form.cleaned_data["new_password1"])
        # A fresh, anonymous session: the link's token goes, and so does a log-in this browser had (its
        # stored session was just deleted with the user's others; saving it again would fail).
        auth_logout(self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
