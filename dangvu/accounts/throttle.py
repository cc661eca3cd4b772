"""Failed log-ins: the pair (username, client address) is locked, the username alone is slowed down.

django-axes locks a username **from one address** after ``AXES_FAILURE_LIMIT`` failures
(``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``): someone guessing from one machine is
stopped, but nobody can keep ``admin`` locked from elsewhere with five requests every quarter hour (the
lockout by username alone allowed exactly that).

Guessing one username from many addresses is answered by slowing down, not locking: once a username has
``DANGVU_LOGIN_SLOWDOWN_AFTER`` failures (from any address) within the cool-off window, each further try
must wait 1, 2, 4, … seconds (at most ``DANGVU_LOGIN_SLOWDOWN_MAX_SECONDS``) after the last failure,
and a try that comes too soon is refused without the password being checked. The real user waits at
most a minute; an attacker gets about one guess a minute, whatever the number of addresses.

Lock-outs and slowed tries are security events in the audit log (``security.login_locked``,
``security.login_slowed``).
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessFailureLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangvu.audit.services import audit_log


def is_locked(request: Any, username: str) -> bool:
    """Whether django-axes has locked this username from this request's address."""
    from axes.handlers.proxy import AxesProxyHandler

    return request is not None and bool(AxesProxyHandler.is_locked(request, {"username": username}))


def seconds_to_wait(username: str) -> int:
    """How long ``username`` must still wait before its next try (0: it may try now)."""
    if not username:
        return 0
    now = timezone.now()
    since = now - settings.AXES_COOLOFF_TIME
    times = list(
        AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:64]
    )
    after = int(getattr(settings, "DANGVU_LOGIN_SLOWDOWN_AFTER", 5))
    if len(times) < after:
        return 0
    ceiling = int(getattr(settings, "DANGVU_LOGIN_SLOWDOWN_MAX_SECONDS", 60))
    delay = min(2 ** (len(times) - after), ceiling)
    remaining = min(delay, delay - (now - times[0]).total_seconds())
    return max(0, int(remaining + 0.999))


def log_slowed(username: str, seconds: int) -> None:
    with transaction.atomic():
        audit_log(
            actor=None,
            action="other",
            event="security.login_slowed",
            data={"username": username[:150], "wait_seconds": seconds},
        )


def _locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    with transaction.atomic():
        audit_log(
            actor=None,
            action="other",
            event="security.login_locked",
            data={"username": str(username or "")[:150], "ip": str(ip_address or "")},
        )


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="dangvu-security-lockout")
