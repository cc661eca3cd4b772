"""Deadline reminders: each module's description lists its reminder sources (``callable(today) ->
[Reminder]``); one daily job turns their due items into notifications. A reminder is sent once per
recipient and key (re-running the job the same day sends nothing twice).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from dangvu.core.modules import Reminder as Reminder
from dangvu.core.modules import modules
from dangvu.notifications.models import Notification
from dangvu.notifications.services import notify


def send_due_reminders(today: date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for source in [source for m in modules() for source in m.reminders]:
        for reminder in source(today):
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
