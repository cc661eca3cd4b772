"""Password reset: by the user (a link sent to their address) and by an administrator.

* ``password_reset_request``: whoever knows an address asks for a link. The answer is the same whether
  or not the address belongs to anyone (the page never says), and the mail leaves through a job, so the
  answer takes as long either way. Each address gets at most ``DANGVU_PASSWORD_RESET_PER_ADDRESS`` mails
  an hour (nobody can flood a user's mailbox); the page limits each client address separately
  (``too_many_requests``). Audited as security events.
* ``password_reset_by_administrator``: the current password stops working at once, every session of the
  user ends, and the link goes to the user's own address (the administrator never learns a password).
* ``password_reset_confirm``: the new password from the link. Every session of the user ends and nobody
  is logged in: the user logs in again, through the second factor if they have one.
"""

from __future__ import annotations

import hashlib
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from huey.contrib.djhuey import db_task

from dangvu.accounts.models import User
from dangvu.accounts.permissions import WHOLE_TREE, require_perm
from dangvu.audit.services import audit_log

WINDOW_SECONDS = 3600


def _per_address() -> int:
    return int(getattr(settings, "DANGVU_PASSWORD_RESET_PER_ADDRESS", 3))


def _per_client() -> int:
    return int(getattr(settings, "DANGVU_PASSWORD_RESET_PER_CLIENT", 10))


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()[:32]


def _count(key: str) -> int:
    """Add one to the hour's counter ``key`` and return it."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def too_many_requests(client: str) -> bool:
    """Count one request from ``client`` (an IP address); True past the hour's limit (logged)."""
    over = _count(f"dangvu:password-reset:client:{_digest(client or '-')}") > _per_client()
    if over:
        with transaction.atomic():
            audit_log(
                actor=None,
                action="other",
                event="security.password_reset_limited",
                data={"client": (client or "")[:64]},
            )
    return over


def reset_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@db_task(retries=3, retry_delay=60)
def send_reset_mail(user_id: int, base_url: str) -> bool:
    """Mail the link to the user's address (a job: the request answers in the same time either way)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    context = {
        "user": user,
        "link": reset_link(user, base_url),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    send_mail(
        subject=render_to_string("accounts/password_reset_subject.txt", context).strip(),
        message=render_to_string("accounts/password_reset_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True


def _queue_mail(user: User, base_url: str) -> None:
    transaction.on_commit(lambda: send_reset_mail(user.pk, base_url))


@transaction.atomic
def password_reset_request(*, email: str, base_url: str) -> None:
    """Send a reset link to the active users with ``email`` (none: nothing is sent; the caller answers
    the same). Past ``DANGVU_PASSWORD_RESET_PER_ADDRESS`` requests an hour for the address, nothing
    more is sent. One security event per request."""
    email = email.strip()[:254]
    limited = _count(f"dangvu:password-reset:address:{_digest(email)}") > _per_address()
    users = list(User.objects.filter(email__iexact=email, is_active=True)) if email else []
    for user in users:
        if not limited:
            _queue_mail(user, base_url)
        audit_log(
            actor=None,
            action="other",
            obj=user,
            event="security.password_reset_requested",
            data={"limited": limited},
        )
    if not users:
        audit_log(
            actor=None,
            action="other",
            event="security.password_reset_requested",
            data={"unknown_address": _digest(email), "limited": limited},
        )


def sessions_end_all(user: User) -> int:
    """Delete every stored session of ``user``, and its cached copy when sessions are cached
    (``cached_db``); returns how many. (Changing the password already voids them, since each session
    carries a hash of it; deleting them makes it final and visible.)"""
    key = str(user.pk)
    ended: list[str] = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id", "")) == key:
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if ended and hasattr(store, "cache_key_prefix"):  # cached_db (or cache) sessions
        caches[settings.SESSION_CACHE_ALIAS].delete_many([store.cache_key_prefix + k for k in ended])
    return len(ended)


@transaction.atomic
def password_reset_by_administrator(*, actor: Any, user: User, base_url: str) -> User:
    """An administrator (``users.manage`` over the whole tree) resets ``user``'s password: the old one
    stops working, every session of the user ends, and a link to choose a new one goes to the user's
    own address. Refuses a user without an address. One security event."""
    require_perm(actor, "users.manage", WHOLE_TREE)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.email:
        raise ValidationError(
            {"email": "Người dùng này chưa có địa chỉ thư để nhận liên kết đặt lại mật khẩu."}
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ended = sessions_end_all(user)
    audit_log(
        actor=actor,
        action="update",
        obj=user,
        event="security.password_reset_by_admin",
        data={"sessions_ended": ended},
    )
    _queue_mail(user, base_url)
    return user


@transaction.atomic
def password_reset_confirm(*, user: User, new_password: str) -> User:
    """Set the new password chosen through a valid link (the form has checked the link and the password
    rules). Every session of the user ends; nobody is logged in. One security event."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ended = sessions_end_all(user)
    audit_log(
        actor=user,
        action="update",
        obj=user,
        event="security.password_reset",
        data={"sessions_ended": ended},
    )
    return user
