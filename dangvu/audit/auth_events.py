"""Log-ins, log-outs and failed log-ins go to the audit log (infrastructure signal receivers)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from dangvu.audit.services import audit_log


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_log(actor=user, action="login", obj=user, event="accounts.login")


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(actor=user, action="logout", obj=user, event="accounts.logout")


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_log(
        actor=None,
        action="login_failed",
        event="accounts.login_failed",
        data={"username": str(credentials.get("username", ""))[:150]},
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="dangvu-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="dangvu-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="dangvu-audit-login-failed")
