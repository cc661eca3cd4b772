"""Deadline reminders: modules register providers; one daily job turns their due items into notifications.

A provider is ``callable(today) -> list[Reminder]``. A reminder is sent once per recipient and key
(re-running the job the same day sends nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from dangvu.notifications.models import Notification
from dangvu.notifications.services import notify


@dataclass(frozen=True)
class Reminder:
    key: str  # stable identity, e.g. "members.recognition:123:2026-03-01"
    recipients: list[Any]
    title: str
    body: str = ""
    url: str = ""
    email: bool = True


_providers: dict[str, Callable[[date], list[Reminder]]] = {}


def register_reminder_provider(name: str, provider: Callable[[date], list[Reminder]]) -> None:
    _providers[name] = provider


def unregister_reminder_provider(name: str) -> None:
    _providers.pop(name, None)


def send_due_reminders(today: date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for provider in list(_providers.values()):
        for reminder in provider(today):
            kind = f"reminder:{reminder.key}"[:60]
            already = set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))
            recipients = [person for person in reminder.recipients if person.pk not in already]
            if recipients:
                notify(
                    recipients=recipients,
                    title=reminder.title,
                    body=reminder.body,
                    url=reminder.url,
                    kind=kind,
                    level=Notification.Level.REMINDER,
                    email=reminder.email,
                )
                sent += len(recipients)
    return sent
