from datetime import date
from typing import Any

from dangvu.core.modules import (
    CounterSource,
    Figure,
    ModuleDescription,
    NavEntry,
    Permission,
    Reminder,
    SearchHit,
    SearchSource,
    UnitPanel,
    WorkItem,
    WorkSection,
    WorkSource,
)


def _work(user: Any, today: date, limit: int) -> WorkSection:
    from tests.toymodule.models import Note

    notes = Note.objects.visible_to(user).order_by("due_on", "pk")
    return WorkSection(
        key="toy.notes",
        title="Ghi chú đến hạn",
        count=notes.count(),
        items=[
            WorkItem(title=n.title, url="/toy/", due_on=n.due_on, overdue=bool(n.due_on and n.due_on < today))
            for n in notes[:limit]
        ],
        url="/toy/",
    )


def _figures(user: Any, today: date) -> list[Figure]:
    from tests.toymodule.models import Note

    return [Figure("toy.notes", "Số ghi chú", Note.objects.visible_to(user).count())]


def _search(user: Any, query: str, limit: int) -> list[SearchHit]:
    from tests.toymodule.models import Note

    notes = Note.objects.visible_to(user).filter(title__icontains=query)[:limit]
    return [SearchHit(title=n.title, url="/toy/", kind="Ghi chú") for n in notes]


def _reminders(today: date) -> list[Reminder]:
    from tests.toymodule.models import Note

    return [
        Reminder(key=f"toy:{note.pk}", recipients=[note.person], title=f"Đến hạn: {note.title}", email=False)
        for note in Note.objects.filter(due_on__lte=today, person__isnull=False)
    ]


def describe() -> ModuleDescription:
    return ModuleDescription(
        label="toy",
        title="Sổ tay thử nghiệm",
        urls="tests.toymodule.urls",
        api="tests.toymodule.api:router",
        permissions=[Permission("toy.view", "Xem sổ tay thử nghiệm", ("bi-thu-chi-bo", "ban-to-chuc"))],
        nav=[NavEntry("toy", "Sổ tay thử nghiệm", "toy:index", "toy.view", order=95, icon="journal-text")],
        unit_panels=[UnitPanel("toy-notes", "Ghi chú thử nghiệm", "toy:panel", "toy.view")],
        work=[WorkSource("toy.notes", "Ghi chú đến hạn", "toy.view", _work)],
        counters=[CounterSource("toy.notes", "toy.view", _figures)],
        search=[SearchSource("toy", "Ghi chú", "toy.view", _search)],
        reminders=[_reminders],
    )
