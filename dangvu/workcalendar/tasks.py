"""Jobs of the calendar (thin: they call the domain function)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from huey.contrib.djhuey import db_task

from dangvu.workcalendar.calendar import recompute_deadlines


@db_task()
def recompute_deadlines_task(actor_id: int | None, first: str, last: str) -> int:
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return recompute_deadlines(actor=actor, first=date.fromisoformat(first), last=date.fromisoformat(last))
