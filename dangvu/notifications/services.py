"""The one way modules tell people something: ``notify``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangvu.notifications.models import Notification


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    level: str = Notification.Level.INFO,
    email: bool = False,
) -> list[Notification]:
    """Create one in-app notification per recipient; with ``email``, queue an e-mail after commit."""
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, title=title[:200], body=body, url=url, kind=kind, level=level)
            for pk in people
        ]
    )
    if email:
        from dangvu.notifications.tasks import send_notification_emails

        ids = [n.pk for n in notifications]
        transaction.on_commit(lambda: send_notification_emails(ids))
    return notifications


def notification_mark_read(*, user: Any, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ones) as read; returns how many changed."""
    queryset = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
