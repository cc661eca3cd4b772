"""Jobs of the calendar (thin: they call the domain function)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from dangvu.workcalendar.calendar import recompute_deadlines


@db_task()
def recompute_deadlines_task() -> int:
    return recompute_deadlines()
