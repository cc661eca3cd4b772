from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from dangvu.accounts import throttle


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đang bị khóa."),
    }

    def clean(self) -> dict[str, Any]:
        """A username guessed at too often must wait before the password is even checked
        (dangvu.accounts.throttle)."""
        username = str(self.cleaned_data.get("username") or "")
        if throttle.is_locked(self.request, username):
            return super().clean()  # django-axes answers the locked pair (429)
        wait = throttle.seconds_to_wait(username)
        if wait:
            throttle.log_slowed(username, wait)
            raise forms.ValidationError(
                _(
                    "Tài khoản này vừa bị đăng nhập sai nhiều lần. Để bảo vệ tài khoản, hãy chờ "
                    "%(seconds)s giây rồi thử lại."
                ),
                code="slowed",
                params={"seconds": wait},
            )
        return super().clean()


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 số"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"min_length": _("Mã gồm 6 chữ số."), "max_length": _("Mã gồm 6 chữ số.")},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Mã gồm 6 chữ số."))
        return token


class ConfirmIdentityForm(forms.Form):
    """The password or a fresh authenticator code, asked again before a change that weakens the
    account's protection (turning two-factor off, revoking or creating API tokens): a session left open
    on a shared computer must not be enough for it."""

    password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        required=False,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label=_("hoặc mã xác thực 6 số"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        from dangvu.accounts.twofactor import confirm_identity

        data = super().clean() or {}
        if not confirm_identity(self.user, data.get("password") or "", data.get("token") or ""):
            raise forms.ValidationError(
                _("Cần nhập đúng mật khẩu hiện tại hoặc một mã xác thực mới để xác nhận thao tác này."),
                code="identity",
            )
        return data


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Địa chỉ thư điện tử của tài khoản"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
